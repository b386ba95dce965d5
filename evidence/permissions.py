"""Who may read, record, correct and withdraw local intelligence about a school.

Decision: local intelligence (complaints, safeguarding concerns, leadership changes, budget worries)
is read and written only by the LA officers and administrators of the school's authority and by the
link adviser allocated to the school. The school's own head, staff and governors, and its trust's
leaders, do not see it: entries are often about them (a complaint about the head, a concern raised by
a whistle-blower), and MISSION.md gives confidential records to "the LA roles that need them".
They do see the public parts of the timeline (inspections and register changes).

The school must first be confidential to the user (`School.objects.confidential_to`, the one way to ask);
then one of the user's current roles must tie them to it as LA or adviser.

Decision: an entry is corrected or withdrawn by whoever recorded it or by the authority's officers and
administrators; a link adviser, only their own. Withdrawn entries are read by the authority's alone.
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


def _holds_la_role_for(user, school) -> bool:
    """Whether one of the user's current roles is an LA officer's or administrator's for the school's authority."""
    return scope_for(user).everything or user.roles.current().filter(role__in=LA_ROLES, authority_id=school.la_id).exists()


def may_change_intelligence(user, entry) -> bool:
    """Who may correct or withdraw an entry: whoever may still use the school's intelligence and either recorded it or is
    an officer or administrator of its authority. A link adviser answers for their own notes only: another's judgement
    is not theirs to rewrite."""
    if not may_use_intelligence(user, entry.school):
        return False
    return entry.recorded_by_id == user.pk or _holds_la_role_for(user, entry.school)


def may_read_withdrawn(user, school) -> bool:
    """Withdrawn entries stay readable to the school's authority, whose record they remain (a link adviser's view is the
    school's current picture, which a withdrawn entry is no part of)."""
    return may_use_intelligence(user, school) and _holds_la_role_for(user, school)


def changeable_entries(user, school, entries) -> set[int]:
    """The ids of those of `entries` (all the school's) that the user may correct or withdraw: may_change_intelligence,
    asked once for the school rather than once an entry."""
    if not may_use_intelligence(user, school):
        return set()
    if _holds_la_role_for(user, school):
        return {entry.pk for entry in entries}
    return {entry.pk for entry in entries if entry.recorded_by_id == user.pk}
