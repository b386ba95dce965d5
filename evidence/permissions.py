"""Who may read and record local intelligence about a school.

Decision: local intelligence (complaints, safeguarding concerns, leadership changes, budget worries)
is read and written only by the LA officers and administrators of the school's authority and by the
link adviser allocated to the school. The school's own head, staff and governors, and its trust's
leaders, do not see it: entries are often about them (a complaint about the head, a concern raised by
a whistle-blower), and MISSION.md gives confidential records to "the LA roles that need them".
They do see the public parts of the timeline (inspections and register changes).

The school must first be confidential to the user (`School.objects.confidential_to`, the one way to ask);
then one of the user's current roles must tie them to it as LA or adviser.
"""

from django.db.models import Q

from accounts.access import scope_for
from accounts.roles import Role
from register.models import School

LA_ROLES = (Role.LA_OFFICER, Role.LA_ADMIN)
INTELLIGENCE_ROLES = (*LA_ROLES, Role.ADVISER)


def may_use_intelligence(user, school, *, confidential: bool | None = None) -> bool:
    """`confidential`: whether the school is confidential to the user, if the caller knows already."""
    scope = scope_for(user)
    if not scope.has_role(*INTELLIGENCE_ROLES):
        return False
    if confidential is None:
        confidential = School.objects.confidential_to(user).filter(pk=school.pk).exists()
    if not confidential:
        return False
    if scope.everything:
        return True
    # The role must be about this school: an adviser here who is a governor elsewhere sees only here.
    return user.roles.current().filter(Q(role__in=LA_ROLES, authority_id=school.la_id) | Q(role=Role.ADVISER, school_id=school.id)).exists()
