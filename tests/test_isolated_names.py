"""Names written right to left (a person's, a school's, a file's) are isolated where a sentence quotes them: an import's
message, a notification banner, a timeline's lines and an intelligence entry's card. Isolated (<bdi> in HTML; Unicode's
marks, core.words.isolated, in a banner's text), an Arabic or Hebrew name does not reorder the words around it."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.words import isolated
from evidence.models import Framework, Inspection
from evidence.services import correct_intelligence, record_intelligence, withdraw_intelligence
from imports.models import ImportOutcome, ImportRun
from register.models import RegisterEvent, RegisterEventKind

from .conftest import sign_in

FILE = "בתי ספר 2025.csv"  # "schools 2025.csv", in Hebrew
EARLIER = "مدارس 2024.csv"  # "schools 2024.csv", in Arabic
SCHOOL = "مدرسة النور الابتدائية"  # "Al-Noor Primary School"
PERSON = "ليلى حداد"  # Layla Haddad
CORRECTOR = "נועה לוי"  # Noa Levi


@pytest.fixture
def officer(world):
    person = world.users[Role.LA_OFFICER]
    person.full_name = PERSON
    person.save()
    return person


def test_an_imports_message_isolates_its_files_and_the_school_whose_row_it_refused(client, world):
    earlier = ImportRun.objects.create(file_name=EARLIER, checksum="1", kind="ks2", outcome=ImportOutcome.SUCCEEDED)
    refused = ImportRun.objects.create(
        file_name=FILE,
        checksum="2",
        kind="ks2",
        outcome=ImportOutcome.REFUSED,
        message=f"{FILE}, row 11 (URN 125315, {SCHOOL}), column 'PTRWM_EXP': 'x' is not a percentage. Nothing was imported.",
    )
    replaced = ImportRun.objects.create(
        file_name=FILE,
        checksum="3",
        kind="ks2",
        outcome=ImportOutcome.REFUSED,
        message=f"{FILE}: these are the same contents as {EARLIER}, imported as 2023/24 (import {earlier.pk}). Nothing was imported.",
        named_imports=[earlier.pk],  # as the refusal keeps the imports it names, for its page to link
    )
    sign_in(client, world.users[Role.LA_ADMIN])
    html = client.get(reverse("imports:detail", args=[refused.pk])).content.decode()
    assert f"<bdi>{FILE}</bdi>, row 11 (URN 125315, <bdi>{SCHOOL}</bdi>), column &#39;PTRWM_EXP&#39;: " in html
    html = client.get(reverse("imports:detail", args=[replaced.pk])).content.decode()
    link = f'<a class="govuk-link" href="{reverse("imports:detail", args=[earlier.pk])}">import {earlier.pk}</a>'
    assert f"<bdi>{FILE}</bdi>: these are the same contents as <bdi>{EARLIER}</bdi>, imported as 2023/24 ({link})." in html


def test_a_banner_isolates_the_name_of_whoever_withdrew_an_entry(client, world, officer):
    entry = record_intelligence(
        world.school, user=officer, kind="leadership", severity="medium", occurred_on=date(2025, 1, 10), summary="A."
    )
    withdraw_intelligence(entry, user=officer, reason="Recorded against the wrong school.")
    sign_in(client, officer)
    page = client.get(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk]), follow=True).content.decode()
    assert f"{isolated(PERSON)} withdrew this entry at " in page


def test_the_timeline_and_the_entrys_card_isolate_names_files_and_reasons(client, world, officer):
    entry = record_intelligence(
        world.school, user=officer, kind="leadership", severity="medium", occurred_on=date(2025, 1, 10), summary="A."
    )
    corrector = world.users[Role.LA_ADMIN]
    corrector.full_name = CORRECTOR
    corrector.save()
    correct_intelligence(
        entry, user=corrector, kind="leadership", severity="high", occurred_on=date(2025, 1, 10), summary="B.", reason="التاريخ خاطئ"
    )
    run = ImportRun.objects.create(file_name=FILE, checksum="0", kind="gias_establishments")
    Inspection.objects.create(
        school=world.school, framework=Framework.GRADED, started_on=date(2019, 5, 1), overall="Good", source="register", import_run=run
    )
    RegisterEvent.objects.create(
        school=world.school, kind=RegisterEventKind.HEAD_CHANGED, occurred_on=date(2024, 9, 1), old_value="A", new_value="B", import_run=run
    )
    sign_in(client, corrector)
    html = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    assert f"Recorded by <bdi>{PERSON}</bdi> on " in html
    assert f"by <bdi>{CORRECTOR}</bdi>: <bdi>التاريخ خاطئ</bdi>." in html  # the full stop the reason lacked, after it
    assert f"Corrected by <bdi>{CORRECTOR}</bdi> on " not in html  # the entry's one correction: no version after it
    assert f"Source: <bdi>{FILE}</bdi>" in html  # the register's change
    assert f"Source: Register (GIAS Ofsted rating): <bdi>{FILE}</bdi>" in html  # the inspection's
    card = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    assert f"<bdi>{PERSON}</bdi> on " in card and f" by <bdi>{CORRECTOR}</bdi>" in card
    form = client.get(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk])).content.decode()
    assert f"Recorded by <bdi>{PERSON}</bdi> on " in form


def test_the_banners_of_the_users_pages_isolate_the_names_they_give(client, world):
    """A person's name, email address and the place of a role, in the banner once an administrator has acted: written right
    to left, they would take the words around them with them ("… is deactivated and can no longer sign in")."""
    person = world.users[Role.HEADTEACHER]
    person.full_name = PERSON
    person.save()
    world.school.name = SCHOOL
    world.school.save()
    sign_in(client, world.users[Role.LA_ADMIN])
    page = reverse("accounts:user-detail", args=[person.pk])
    done = client.post(page, {"action": "deactivate", "confirm": "yes"}, follow=True).content.decode()
    assert f"{isolated(PERSON)} is deactivated and can no longer sign in" in done
    done = client.post(page, {"action": "reactivate"}, follow=True).content.decode()
    assert f"{isolated(PERSON)} can sign in again" in done
    done = client.post(page, {"action": "grant", "role": Role.GOVERNOR, "school_urn": str(world.school.urn)}, follow=True)
    assert f"Role granted: {Role.GOVERNOR.label}, {isolated(f'{SCHOOL} ({world.school.urn})')}" in done.content.decode()


def test_words_typed_right_to_left_read_right_to_left_in_their_own_block(client, world, officer):
    """An entry's summary and the reasons for correcting or withdrawing it are shown, and typed, in a block whose direction
    is the words' own (dir="auto"): a summary typed in Arabic read left to right, its full stop at its start."""
    summary = "تغيير في القيادة."  # "A change of leadership."
    entry = record_intelligence(
        world.school, user=officer, kind="leadership", severity="medium", occurred_on=date(2025, 1, 10), summary=summary
    )
    sign_in(client, officer)
    listing = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    assert f'<div dir="auto">{summary}</div>' in listing
    form = client.get(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk])).content.decode()
    for name in ("summary", "reason"):  # the boxes they are typed in
        assert re.search(rf'<textarea [^>]*id="{name}" name="{name}"[^>]* dir="auto">', form), name
