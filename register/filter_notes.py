"""What the school list says of a filter's value that the form cannot show as one of its choices: a trust written in
the text box (where the trusts are too many to list), whose words may match several trusts, one or none."""

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from core.words import listed

from .models import GroupMembership, School
from .presenters import SchoolFilters

# The most trusts named; more are counted ("and 7 more").
TRUSTS_NAMED = 5


def trust_match(filters: SchoolFilters, visible: QuerySet[School]) -> str:
    """Which trusts the trust written matched, among those with a school in `visible` (the reader's), or that it
    matched none, or only trusts with no school there: "No schools found." alone does not tell a name misspelt from
    a trust of no school here. The trusts are the ones the filter takes the schools of (SchoolFilters.trusts)."""
    if not filters.trust:
        return ""
    here = Exists(GroupMembership.objects.current().filter(group=OuterRef("pk"), school__in=visible))
    with_school = filters.trusts().filter(here).order_by(Lower("name"), "uid")
    names = list(with_school.values_list("name", flat=True)[: TRUSTS_NAMED + 1])
    written = f"‘{filters.trust}’"
    if names:
        count = len(names) if len(names) <= TRUSTS_NAMED else with_school.count()
        shown = names[:TRUSTS_NAMED] + ([f"{count - TRUSTS_NAMED:,} more"] if count > TRUSTS_NAMED else [])
        return f"{written} matches {_trusts(count)} with a school here: {listed(shown)}."
    if without := filters.trusts().count():
        return f"{written} matches {_trusts(without)}, but {'it has no school' if without == 1 else 'none of them has a school'} here."
    return f"No trust matches {written}."


def _trusts(count: int) -> str:
    return "1 trust" if count == 1 else f"{count:,} trusts"
