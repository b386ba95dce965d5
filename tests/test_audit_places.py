"""Where each audited event lies, one row for each authority (AuditPlace): written with the event, and filled from the
stamps of the events recorded before it."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent, AuditPlace
from audit.services import record
from imports.models import ImportRun

from .factories import LocalAuthorityFactory, SchoolFactory, UserFactory


@pytest.fixture
def events(world):
    """Events in Surrey, in Hampshire, in both (an import of the two), in every authority, in neither (Kent), and
    nowhere (a sign-in of someone with no role)."""
    kent_school = SchoolFactory(la=LocalAuthorityFactory(code=886, name="Kent"))
    officer = world.users[Role.LA_OFFICER]
    both = ImportRun.objects.create(file_name="surrey-and-hampshire.csv", checksum="0", la_codes="850,936")
    england = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    made = {
        "surrey": record(AuditAction.VIEW, user=officer, obj=world.school),
        "hampshire": record(AuditAction.VIEW, user=officer, obj=world.far_school),
        "both": record(AuditAction.IMPORT, obj=both),
        "every": record(AuditAction.IMPORT, obj=england),
        "kent": record(AuditAction.VIEW, user=officer, obj=kent_school),
        "nowhere": record(AuditAction.SIGN_IN, user=UserFactory(email="no.role@example.org")),
    }
    return {name: event.pk for name, event in made.items()}


def test_each_event_lies_in_its_authorities_places_or_once_for_every_authority(world, events):
    places = {
        name: sorted(AuditPlace.objects.filter(event_id=pk).values_list("authority_id", flat=True), key=str) for name, pk in events.items()
    }
    assert places["surrey"] == [world.la.pk]
    assert places["both"] == sorted([world.la.pk, world.other_la.pk])
    assert places["every"] == [None]
    assert places["nowhere"] == []
    place = AuditPlace.objects.get(event_id=events["surrey"])
    event = AuditEvent.objects.get(pk=events["surrey"])
    assert (place.at, place.action, place.object_type) == (event.at, event.action, event.object_type)


@pytest.mark.django_db(transaction=True)
def test_the_places_of_events_recorded_before_them_are_filled_from_their_stamps(emptied_audit_log):
    """The migration that made AuditPlace reads the stamps already recorded: ',3,17,' lies in 3 and 17, '*' in every
    authority, '' nowhere."""
    call_command("migrate", "audit", "0005", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for stamp in (",3,17,", "*", "", ",5,"):
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, user_email, action, object_type, object_id, object_repr, path, detail, "
                    "authorities) VALUES (%s, '', 'view', 'register.school', '1', '', '', '{}', %s)",
                    [datetime(2026, 1, 2, 3, 4, tzinfo=UTC), stamp],
                )
    finally:
        call_command("migrate", "audit", verbosity=0)
    stamps = dict(AuditEvent.objects.values_list("id", "authorities"))
    places = {}
    for event_id, authority_id in AuditPlace.objects.values_list("event_id", "authority_id"):
        places.setdefault(stamps[event_id], set()).add(authority_id)
    assert places == {",3,17,": {3, 17}, "*": {None}, ",5,": {5}}
    assert set(AuditPlace.objects.values_list("at", "action", "object_type")) == {
        (datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "view", "register.school")
    }
