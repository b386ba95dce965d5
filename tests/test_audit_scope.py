from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record
from audit.views import events_visible_to


def test_an_la_administrator_sees_events_about_their_schools_and_their_people_only(world):
    outsider = world.far_school
    own = record(AuditAction.VIEW, obj=world.school)
    elsewhere = record(AuditAction.VIEW, obj=outsider)
    by_own_officer = record(AuditAction.VIEW, user=world.users[Role.LA_OFFICER], obj=outsider)
    seen = set(events_visible_to(world.users[Role.LA_ADMIN]).values_list("id", flat=True))
    assert own.id in seen
    assert by_own_officer.id in seen
    assert elsewhere.id not in seen
    assert not events_visible_to(world.users[Role.HEADTEACHER]).exists()
