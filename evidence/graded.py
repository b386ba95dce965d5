"""Schools by their latest graded inspection, as evidence.latest finds it: the school list's filter by it (graded_as), found
by the database, and the authority's counts of them (graded_counts), each following a school not yet inspected in its
current form to the school it replaced, as Ofsted's statistics count it."""

from collections import Counter

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from register.models import School, SchoolLink, SchoolStatus

from .history import direct_predecessors
from .latest import LatestInspection
from .models import Framework, Inspection
from .ofsted_words import legacy_grade

# The school list's Ofsted filter: a school's latest graded inspection, as the authority's results page counts them.
GRADED_CHOICES = {
    "1": "Outstanding",
    "2": "Good",
    "3": "Requires improvement",
    "4": "Inadequate",
    "no-grade": "Graded without an overall grade (from September 2024)",
    "none": "No graded inspection on record",
}


def graded_choice(value: str) -> str:
    """A key of GRADED_CHOICES, from one or from a legacy rating in words (a link made when the filter took
    GIAS's words: 'Good', 'Serious Weaknesses'); "" for anything else."""
    return value if value in GRADED_CHOICES else legacy_grade(value) or ""


def graded_as(schools: QuerySet[School], choice: str) -> QuerySet[School]:
    """The schools whose latest graded inspection (latest_for_schools) is `choice` (a key of GRADED_CHOICES), found by the
    database, as the country's schools are too many to read in; each inspection's words still read as legacy_grade reads them."""
    graded = Inspection.objects.filter(framework=Framework.GRADED)
    # A school with none of its own goes by its predecessors': those with a predecessor are found first (a few thousand
    # in the country), then only theirs looked up. Looked up for every school, the country's query is estimated so long
    # that PostgreSQL compiles it (JIT), which takes longer than running it.
    unseen = schools.exclude(Exists(graded.filter(school=OuterRef("pk"))))
    linked = unseen.filter(Exists(SchoolLink.objects.predecessors_of(OuterRef("urn")))).values("pk")
    by_predecessors = School.objects.filter(pk__in=linked).alias(theirs=_predecessors_latest_graded())
    if choice == "none":
        return unseen.exclude(pk__in=by_predecessors.filter(theirs__isnull=False).values("pk"))
    wanted = "" if choice == "no-grade" else choice
    held = graded.order_by().values_list("overall", flat=True).distinct()
    words = [overall for overall in held if (legacy_grade(overall) or "") == wanted]
    # A school's latest is the one with none after it: one a day at most (the unique index). Of the schools listed only:
    # otherwise, beside the predecessors' in one condition, the database worked out every school's in the country
    # however few were listed (15 to 110 ms a query of an authority's list, which now takes 1).
    listed = graded.filter(school__in=schools.values("pk"))
    latest = listed.exclude(Exists(graded.filter(school=OuterRef("school"), started_on__gt=OuterRef("started_on"))))
    own = latest.filter(overall__in=words).values("school_id")
    return schools.filter(Q(pk__in=own) | Q(pk__in=by_predecessors.filter(theirs__in=words).values("pk")))


def _predecessors_latest_graded() -> Subquery:
    """The words of the latest graded inspection of the school's predecessors that are not open, as latest_for_schools
    follows them: of two on one day, the higher URN's."""
    urns = SchoolLink.objects.predecessors_of(OuterRef(OuterRef("urn"))).order_by().values("other")
    theirs = Inspection.objects.filter(framework=Framework.GRADED, school__urn__in=urns).exclude(school__status=SchoolStatus.OPEN)
    return Subquery(theirs.order_by("-started_on", "-school__urn").values("overall")[:1])


def graded_counts(schools: list[School], latest: dict[int, LatestInspection]) -> list[tuple[str, int, int | None]]:
    """(outcome, number of schools, how many of them by a predecessor's inspection) by their latest graded inspection
    (`latest`: what latest_for_schools(schools, Framework.GRADED) found), best grade first; none made up for report cards. A
    grade given as a digit and in words counts once ('4' with SM is the register's 'Special Measures'). Last, the schools
    with none on record; apart from them, where there are any, those that replaced a school the register does not hold,
    whose inspection would count."""
    # As Ofsted counts them: a school by its predecessor's outcome, category of concern included, though the category was not its own.
    counts = Counter((inspection.grade or "9", inspection.counted_as) for inspection in latest.values())
    theirs = Counter((inspection.grade or "9", inspection.counted_as) for inspection in latest.values() if inspection.by_predecessor)
    rows = [(key[1], n, theirs[key]) for key, n in sorted(counts.items())]
    unheld = replaced_unheld([school.urn for school in schools if school.pk not in latest])
    rows.append((GRADED_CHOICES["none"], len(schools) - len(latest) - unheld, None))
    return [*rows, (REPLACED_UNHELD, unheld, None)] if unheld else rows


REPLACED_UNHELD = "No graded inspection on record: replaced a school the register does not hold"


def replaced_unheld(urns: list[int]) -> int:
    """How many of these schools GIAS links to a predecessor the register does not hold (a register of open schools
    only lacks the schools academies replaced)."""
    earlier = direct_predecessors(urns)
    held = set(School.objects.filter(urn__in={urn for urns in earlier.values() for urn in urns}).values_list("urn", flat=True))
    return sum(1 for predecessors in earlier.values() if not held.issuperset(predecessors))
