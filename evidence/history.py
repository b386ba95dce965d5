"""A school's history across URNs: an academy conversion, re-brokering or merger gives a new URN.

GIAS links say it both ways round: the new school lists the old as its "Predecessor" and the old lists
the new as its "Successor" (each with "- merged", "- amalgamated" … variants). Either is enough.

A linked school the register holds as open (not closed, nor open but proposed to close) is not followed:
it goes on publishing its own figures under its own URN (GIAS links Lanesborough School to the Royal
Grammar School as an amalgamated predecessor, and both are open), so joining them would show another
school's results.
"""

from dataclasses import dataclass, field

from register.models import School, SchoolLink, SchoolStatus

MAX_STEPS = 10  # conversions chain rarely beyond two or three; this stops a malformed loop


@dataclass
class History:
    urns: list[int]  # the school's URN first, then its predecessors' that the register holds, nearest first
    still_open: list[int] = field(default_factory=list)  # predecessors by GIAS's links that are open, so not joined
    not_held: dict[int, str] = field(default_factory=dict)  # predecessors the register lacks: URN → name the link gives


def direct_predecessors(urns) -> dict[int, dict[int, str]]:
    """School URN → the URNs GIAS links to it as predecessors, one step back, whichever end says so →
    the name the school's own "Predecessor" link gives ("" where only the other's "Successor" link names it)."""
    found: dict[int, dict[int, str]] = {}
    links = SchoolLink.objects.predecessors_of(urns).values_list("school", "other", "urn", "linked_name")
    for school, other, link_of, name in links:
        if link_of == school:
            found.setdefault(school, {})[other] = name
        else:
            found.setdefault(school, {}).setdefault(other, "")
    return found


def history(school) -> History:
    found = History([school.urn])
    frontier = [school.urn]
    for _ in range(MAX_STEPS):
        earlier = {}
        for predecessors in direct_predecessors(frontier).values():
            for urn, name in predecessors.items():
                if name or urn not in earlier:
                    earlier[urn] = name
        for urn in (*found.urns, *found.still_open, *found.not_held):
            earlier.pop(urn, None)
        held = dict(School.objects.filter(urn__in=earlier).values_list("urn", "status"))
        # Open only: a school "open, but proposed to close" is the usual state of one converting or merging.
        open_ = {urn for urn, status in held.items() if status == SchoolStatus.OPEN}
        found.still_open.extend(sorted(open_))
        found.urns.extend(sorted(set(held) - open_))
        found.not_held.update(sorted((urn, name) for urn, name in earlier.items() if urn not in held))
        # A predecessor the register lacks may still list its own predecessors (an import without --la keeps every link).
        frontier = sorted(set(earlier) - open_)
        if not frontier:
            break
    return found


def history_urns(school) -> list[int]:
    """The school's URN first, then its predecessors' URNs, nearest first."""
    return history(school).urns
