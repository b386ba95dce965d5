"""A school's history across URNs: an academy conversion, re-brokering or merger gives a new URN.

GIAS links say it both ways round: the new school lists the old as its "Predecessor" and the old lists
the new as its "Successor" (each with "- merged", "- amalgamated" … variants). Either is enough.
"""

from django.db.models import Q

from register.models import SchoolLink

MAX_STEPS = 10  # conversions chain rarely beyond two or three; this stops a malformed loop


def history_urns(school) -> list[int]:
    """The school's URN first, then its predecessors' URNs, nearest first."""
    urns = [school.urn]
    frontier = [school.urn]
    for _ in range(MAX_STEPS):
        links = SchoolLink.objects.filter(
            Q(urn__in=frontier, link_type__startswith="Predecessor") | Q(linked_urn__in=frontier, link_type__startswith="Successor")
        ).values_list("urn", "linked_urn", "link_type")
        found = []
        for urn, linked, link_type in links:
            earlier = linked if link_type.startswith("Predecessor") else urn
            if earlier not in urns and earlier not in found:
                found.append(earlier)
        if not found:
            break
        urns.extend(sorted(found))
        frontier = found
    return urns
