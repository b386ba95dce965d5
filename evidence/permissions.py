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
    known = None if confidential is None else {school.pk} if confidential else set()
    return bool(intelligence_readable(user, [school], confidential=known))


def intelligence_readable(user, schools, *, confidential: set[int] | None = None) -> list:
    """Those of `schools` whose intelligence the user may read and record (may_use_intelligence), asked of them all at
    once: a school's timeline asks it of each of its earlier URNs. `confidential`: the ids of those confidential to the
    user, if the caller knows already."""
    scope = scope_for(user)
    if not schools or not scope.has_role(*INTELLIGENCE_ROLES):
        return []
    if confidential is None:
        confidential = set(School.objects.confidential_to(user).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True))
    schools = [school for school in schools if school.pk in confidential]
    if scope.everything or not schools:
        return schools
    # The role must be about the school: an adviser here who is a governor elsewhere sees only here.
    roles = user.roles.current().filter(
        Q(role__in=LA_ROLES, authority_id__in={s.la_id for s in schools}) | Q(role=Role.ADVISER, school_id__in=[s.pk for s in schools])
    )
    authorities, advised = set(), set()
    for role, authority_id, school_id in roles.values_list("role", "authority_id", "school_id"):
        if role == Role.ADVISER:
            advised.add(school_id)
        else:
            authorities.add(authority_id)
    return [school for school in schools if school.la_id in authorities or school.pk in advised]


def intelligence_schools(user, authority) -> list[int]:
    """The ids of the authority's schools whose intelligence the user may read (intelligence_readable, asked of them all
    at once): every school of an authority they are an officer or administrator of; a link adviser's own schools. None
    for anyone whose roles give no intelligence at all, who are not read a school of."""
    if not scope_for(user).has_role(*INTELLIGENCE_ROLES):
        return []
    schools = list(School.objects.confidential_to(user).filter(la=authority).only("id", "la_id"))
    return [school.pk for school in intelligence_readable(user, schools, confidential={school.pk for school in schools})]


def _la_role_authorities(user, authority_ids) -> set[int]:
    """Those of `authority_ids` for which one of the user's current roles is an LA officer's or administrator's."""
    if scope_for(user).everything:
        return set(authority_ids)
    return set(user.roles.current().filter(role__in=LA_ROLES, authority_id__in=authority_ids).values_list("authority_id", flat=True))


def _holds_la_role_for(user, school) -> bool:
    return bool(_la_role_authorities(user, {school.la_id}))


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
    return changeable_among(user, [school] if may_use_intelligence(user, school) else [], entries)


def changeable_among(user, readable, entries) -> set[int]:
    """The ids of those of `entries` that the user may correct or withdraw, where `readable` are the schools whose
    intelligence they may use (intelligence_readable): those of an authority they are an officer or administrator of,
    and their own notes of the rest. Asked once for them all, as a timeline across earlier URNs needs."""
    authority_of = {school.pk: school.la_id for school in readable}
    theirs = _la_role_authorities(user, set(authority_of.values())) if readable else set()
    return {
        entry.pk
        for entry in entries
        if entry.school_id in authority_of and (entry.recorded_by_id == user.pk or authority_of[entry.school_id] in theirs)
    }
