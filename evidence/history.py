"""A school's history across URNs: an academy conversion, re-brokering or merger gives a new URN.

GIAS links say it both ways round: the new school lists the old as its "Predecessor" and the old lists
the new as its "Successor" (each with "- merged", "- amalgamated" … variants). Either is enough.

A linked school the register holds as still open is not followed: it goes on publishing its own
figures under its own URN (GIAS links Lanesborough School to the Royal Grammar School as an
amalgamated predecessor, and both are open), so joining them would show another school's results.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from register.models import School, SchoolLink, SchoolStatus

MAX_STEPS = 10  # conversions chain rarely beyond two or three; this stops a malformed loop


@dataclass
class History:
    urns: list[int]  # the school's URN first, then its predecessors', nearest first
    still_open: list[int] = field(default_factory=list)  # predecessors by GIAS's links that are open, so not joined


def history(school) -> History:
    found = History([school.urn])
    frontier = [school.urn]
    for _ in range(MAX_STEPS):
        links = SchoolLink.objects.filter(
            Q(urn__in=frontier, link_type__startswith="Predecessor") | Q(linked_urn__in=frontier, link_type__startswith="Successor")
        ).values_list("urn", "linked_urn", "link_type")
        earlier = {linked if link_type.startswith("Predecessor") else urn for urn, linked, link_type in links}
        earlier -= {*found.urns, *found.still_open}
        open_ = set(School.objects.filter(urn__in=earlier).exclude(status=SchoolStatus.CLOSED).values_list("urn", flat=True))
        found.still_open.extend(sorted(open_))
        frontier = sorted(earlier - open_)
        if not frontier:
            break
        found.urns.extend(frontier)
    return found


def history_urns(school) -> list[int]:
    """The school's URN first, then its predecessors' URNs, nearest first."""
    return history(school).urns
