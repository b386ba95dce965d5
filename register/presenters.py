"""Search, filters and sorting for the school list, kept out of the view."""

import re
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Exists, F, Lookup, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Lower, Replace
from django.db.models.lookups import Contains

from core.numbers import whole_number
from core.words import listed
from evidence.graded import graded_as, graded_choice
from evidence.models import Inspection

from .models import OTHER_END, PREDECESSOR, SUCCESSOR, TRUST_KINDS, Group, GroupMembership, School, SchoolLink, SchoolStatus

SORTS = {
    "name": (Lower("name"), "Name (A to Z)"),
    "-name": (Lower("name").desc(), "Name (Z to A)"),
    "urn": ("urn", "URN"),
    # Schools with no pupil figure last either way, on both databases (SQLite puts nulls first going up,
    # PostgreSQL going down).
    "-pupils": (F("pupils").desc(nulls_last=True), "Most pupils"),
    "pupils": (F("pupils").asc(nulls_last=True), "Fewest pupils"),
    "phase": ("phase", "Phase"),
    # By the latest inspection in the school's history (a report card too, which GIAS's inspection date
    # leaves out); schools never inspected last, on both databases.
    "-inspected": (F("latest_inspected_on").desc(nulls_last=True), "Most recently inspected"),
}
# State-funded schools, as DfE counts them: maintained schools (pupil referral units and nursery schools too),
# academies and free schools of every kind, and maintained special schools. GIAS's "Special schools" group
# also holds non-maintained and independent special schools, which are not; nor are independent schools,
# children's centres, colleges, universities and GIAS's "Other types".
STATE_FUNDED_TYPE_GROUPS = ["Local authority maintained schools", "Academies", "Free Schools"]
STATE_FUNDED_SPECIAL_TYPES = ["Community special school", "Foundation special school"]


def state_funded(through: str = "") -> Q:
    """The state-funded schools, or the rows whose schools (`through`, e.g. "schools__") are."""
    return Q(**{f"{through}type_group__in": STATE_FUNDED_TYPE_GROUPS}) | Q(**{f"{through}type_name__in": STATE_FUNDED_SPECIAL_TYPES})


def is_state_funded(school) -> bool:
    """Whether the school is one of the state-funded, as state_funded() asks the database."""
    return school.type_group in STATE_FUNDED_TYPE_GROUPS or school.type_name in STATE_FUNDED_SPECIAL_TYPES


STATUSES = {"open": "Open", "closed": "Closed", "all": "All"}
DIGITS = re.compile(r"^\d{5,7}$")
LAESTAB = re.compile(r"^(\d{3})[/ -]?(\d{4})$")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
# Left out when names are compared, so that "St. John's", "St Johns" and "St John’s" are one name, as are
# "Coworth-Flexlands" and "Coworth Flexlands". Each is replaced in turn, in the database and in the query alike.
# "Saint" is "st" as a word before a name ("Saint John's"), not inside one: with the spaces gone, "st" is in
# "Banstead" and "Westfield", and a search for "saint" would find them.
NAME_REPLACEMENTS = [("&", "and"), (" saint ", " st "), (" saint-", " st-"), *((mark, "") for mark in "'’‘.,-() ")]


@dataclass
class SchoolFilters:
    q: str = ""
    phase: str = ""
    type_name: str = ""
    trust: str = ""
    status: str = "open"
    ofsted: str = ""
    la: str = ""
    mine: bool = False
    state_funded_only: bool = False
    sort: str = "name"
    # The schools the user's roles name in particular (School.objects.particular_to), which "mine" narrows the list
    # to; None for someone whose roles cover whole authorities only, who is not offered the choice.
    own_schools: QuerySet[School] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_query(cls, params, own_schools: QuerySet[School] | None = None) -> "SchoolFilters":
        f = cls(
            q=params.get("q", "").strip()[:100],
            phase=params.get("phase", ""),
            type_name=params.get("type", ""),
            trust=params.get("trust", ""),
            status=params.get("status", "open"),
            ofsted=graded_choice(params.get("ofsted", "")),
            la=params.get("la", ""),
            mine=own_schools is not None and params.get("mine") == "1",
            state_funded_only=params.get("state_funded") == "1",
            sort=params.get("sort", "name"),
            own_schools=own_schools,
        )
        if f.status not in STATUSES:
            f.status = "open"
        if f.sort not in SORTS:
            f.sort = "name"
        # A trust or authority is the number it writes, as apply filters by it (" 04215" is 4215), so the form shows that
        # one chosen; an authority that is no number filters nothing, so the form does not show it as chosen. A trust may
        # be written by its name instead (the form asks for one where the trusts are too many to list).
        f.la = str(number) if (number := whole_number(f.la)) is not None else ""
        f.trust = str(number) if (number := whole_number(f.trust)) is not None else f.trust.strip()[:100]
        return f

    @property
    def active(self) -> bool:
        chosen = (self.q, self.phase, self.type_name, self.trust, self.ofsted, self.la, self.mine, self.state_funded_only)
        return any(chosen) or self.status != "open"

    def trusts(self) -> QuerySet[Group]:
        """The groups whose current schools the trust filter takes: the one of the UID written, or the trusts a name
        (or a group ID, or a Companies House number) finds."""
        if (uid := whole_number(self.trust)) is not None:
            return Group.objects.filter(uid=uid)
        return Group.objects.filter(kind__in=TRUST_KINDS).filter(group_search(self.trust))

    @property
    def other_status(self) -> str | None:
        """The status whose schools this one hides: closed ones for open, open ones for closed."""
        return {"open": "closed", "closed": "open"}.get(self.status)

    def hidden_by_status(self, schools: QuerySet[School]) -> int:
        """How many schools match the search but are hidden by the status chosen (0 when there is no search)."""
        if not self.q or self.other_status is None:
            return 0
        return replace(self, status=self.other_status).apply(schools).count()

    def apply(self, schools: QuerySet[School]) -> QuerySet[School]:
        if self.q:
            schools = schools.filter(search_condition(self.q))
        if self.phase:
            schools = schools.filter(phase=self.phase)
        if self.type_name:
            schools = schools.filter(type_name=self.type_name)
        if (trust := whole_number(self.trust)) is not None:
            schools = schools.filter(memberships__group__uid=trust, memberships__left_on__isnull=True)
        elif self.trust:
            named = GroupMembership.objects.current().filter(group__in=self.trusts())
            schools = schools.filter(id__in=named.values("school_id"))
        if (la := whole_number(self.la)) is not None:
            schools = schools.filter(la__code=la)
        if self.mine:
            schools = schools.filter(id__in=self.own_schools.values("id"))
        if self.state_funded_only:
            schools = schools.filter(state_funded())
        if self.status == "open":
            schools = schools.open()
        elif self.status == "closed":
            schools = schools.filter(status=SchoolStatus.CLOSED)
        if self.ofsted:
            # Last, on the schools the other filters leave: worked out from each one's inspection history, as the
            # list's tags and the authority's results page are, not from GIAS's rating, which a report card leaves behind.
            schools = graded_as(schools, self.ofsted)
        if self.sort == "-inspected":
            # A subquery, not a join grouped by school: the country's whole rows are not grouped (on disk), and the
            # list's count leaves it out.
            latest = Inspection.objects.filter(school=OuterRef("pk")).order_by("-started_on").values("started_on")[:1]
            schools = schools.alias(latest_inspected_on=Subquery(latest))
        return schools.order_by(SORTS[self.sort][0], Lower("name"), "urn")


def own_schools_hint(scope) -> str:
    """What "Your schools" takes in for the roles of a scope that names schools (accounts.access.Scope), in words."""
    parts = [
        scope.school_ids and "the schools you have a role at",
        scope.group_ids and ("your trust’s schools" if len(scope.group_ids) == 1 else "your trusts’ schools"),
        scope.body_ids and ("your partnership body’s schools" if len(scope.body_ids) == 1 else "your partnership bodies’ schools"),
    ]
    words = listed([part for part in parts if part])
    return words[:1].upper() + words[1:]


def group_search(q: str) -> Q:
    """The groups a search for `q` finds: by name or part of it, by GIAS's group ID ("TR03456") or by the Companies
    House number. The trust list's search, and the school list's trust written by name (SchoolFilters.trusts)."""
    return name_condition(q) | Q(group_id__iexact=q) | Q(companies_house_number=q)


def name_condition(q: str, field: str = "name") -> Q:
    """The names `q` finds, as comparable_name compares them (so "St Marys" finds "St Mary's" and "Saint Mary's"), or
    holding `q` as typed."""
    condition = Q(**{f"{field}__icontains": q})
    name = comparable_name(q)
    if name:
        # The letters must come in the name in that order: a cheap test that spares most rows the replacements
        # (a national register's search is then several times faster). "and" may stand for "&", so a, n and d
        # are not asked for; nor is anything but a plain letter or digit, which cannot need escaping.
        letters = [c for c in name if c.isascii() and c.isalnum() and c not in "and"]
        in_order = Q(Like(Lower(field), "%" + "%".join(letters) + "%")) if letters else Q()
        condition |= in_order & Q(Contains(comparable_name(Lower(field)), name))
    return condition


def search_condition(q: str) -> Q:
    """Name, URN, LAESTAB (9362004 or 936/2004) or postcode."""
    compact = q.replace(" ", "").upper()
    condition = name_condition(q)
    if DIGITS.match(q):
        condition |= Q(urn=int(q)) | Q(laestab=int(q))
    match = LAESTAB.match(q)
    if match:
        condition |= Q(laestab=int(match.group(1) + match.group(2)))
    if OUTWARD_CODE.match(compact):
        # A whole district ("GU1") is that district, not every one it begins (GU10 to GU19).
        condition |= Q(postcode__iexact=compact) | Q(postcode__istartswith=f"{compact} ")
    elif re.match(r"^[A-Z]{1,2}\d", compact):
        # Postcodes are stored as published ("GU12 6LX"): compared without the space, "GU126" and "GU12 6" find it.
        without_space = School.objects.annotate(compact_postcode=Replace("postcode", Value(" "), Value("")))
        condition |= Q(pk__in=without_space.filter(compact_postcode__istartswith=compact).values("pk"))
    return condition


class Like(Lookup):
    """A plain SQL LIKE with the pattern as given, wildcards and all (Django's lookups escape them)."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", (*lhs_params, *rhs_params)


def comparable_name(name):
    """A school name as searches compare it: lower case, "and" for "&", without apostrophes, full stops,
    commas, hyphens, brackets or spaces, and "st" for the word "saint" before another. Given a string, the string;
    given a database expression (already in lower case), the same done by the database, so that no row is read into
    Python. A space is put first, so that a name's first word is a word as the others are."""
    text = isinstance(name, str)
    name = " " + name.lower() if text else Concat(Value(" "), name)
    for old, new in NAME_REPLACEMENTS:
        name = name.replace(old, new) if text else Replace(name, Value(old), Value(new))
    return name


def superseded_count(schools) -> int:
    """How many of `schools` (the schools as read already, or a queryset of them) GIAS's links give a successor the
    register does not hold: a school that converted or was re-brokered after the register's extract, which still looks
    open under its old URN."""
    # By the schools' URNs, and each successor looked up by its own: given the schools as a subquery, and the successors
    # as not among every URN the register holds, PostgreSQL read every link in England and every school's URN (11 ms for
    # Kent's or Surrey's schools with all England loaded, on each authority page, statistics page and download; 3 to 4 now).
    links = SchoolLink.objects.successors_of([school.urn for school in schools])
    links = links.filter(~Exists(School.objects.filter(urn=OuterRef("other"))))
    return links.values("school").distinct().count()


@dataclass(frozen=True)
class Link:
    """A GIAS link as a school's page shows it, from the school's end: its own row's, or the other school's read the
    other way round (a school naming this one as its predecessor is this one's successor)."""

    kind: str  # GIAS's link type from this school's end: "Predecessor", "Successor - merged", …
    urn: int  # the other school's
    name: str  # the other school's, as this school's link or else the register gives it; "" where neither does
    established_on: date | None
    held: bool  # whether the register holds the other school

    @property
    def is_successor(self) -> bool:
        return self.kind.startswith(SUCCESSOR)


def links_of(school: School) -> list[Link]:
    """The school's links, oldest first: its own, and those only the other school's end gives (SchoolLinkQuerySet), read
    from this school's end. Two queries."""
    ends = Q(link_type__startswith=PREDECESSOR) | Q(link_type__startswith=SUCCESSOR)
    found = list(SchoolLink.objects.filter(Q(urn=school.urn) | Q(ends, linked_urn=school.urn)))
    own = [link for link in found if link.urn == school.urn]
    given = {(link.linked_urn, link.end) for link in own}
    theirs = [link for link in found if link.urn != school.urn and (link.urn, OTHER_END[link.end]) not in given]
    names = dict(
        School.objects.filter(urn__in=[link.linked_urn for link in own] + [link.urn for link in theirs]).values_list("urn", "name")
    )
    links = [
        Link(
            link.link_type,
            link.linked_urn,
            link.linked_name or names.get(link.linked_urn, ""),
            link.established_on,
            link.linked_urn in names,
        )
        for link in own
    ]
    links += [Link(link.type_from_other_end, link.urn, names.get(link.urn, ""), link.established_on, link.urn in names) for link in theirs]
    return sorted(links, key=lambda link: (link.established_on or date.min, link.urn))


def openable(user, links: list[Link]) -> list[tuple[Link, bool]]:
    """Each link with whether `user` may open the other school's pages: one the register holds and their roles let them
    see. One query, none where the register holds none of them."""
    held = [link.urn for link in links if link.held]
    visible = set(School.objects.visible_to(user).filter(urn__in=held).values_list("urn", flat=True)) if held else set()
    return [(link, link.urn in visible) for link in links]


@dataclass(frozen=True)
class SuccessorNotice:
    """GIAS's links name successors that the register's own entry for the school does not reflect."""

    successors: list[Link]
    extract_on: date | None  # the latest change in the extract the school's entry came from, if known


def successor_notice(school: School, links: list[Link]) -> SuccessorNotice | None:
    """A notice when the school's links (often newer than the register's extract) name a successor that the
    register does not hold, or one established after the extract the school's entry came from: a converted
    or re-brokered school gets a new URN, and the old one then looks open until a newer extract is imported.
    For a school the register already has closed, only a successor missing from the register is news.
    At most one query: the extract's date, asked only when there is a successor."""
    successors = [link for link in links if link.is_successor]
    if not successors:
        return None
    extract_on = None
    if school.import_run_id:
        # The latest change the extract gave for the school's authority: read by the (la, name) index.
        written = School.objects.filter(la_id=school.la_id, import_run_id=school.import_run_id)
        extract_on = written.aggregate(latest=Max("register_changed_on"))["latest"]

    def stale(link):
        if not link.held:
            return True
        after = link.established_on is not None and extract_on is not None and link.established_on > extract_on
        return after and school.is_open

    found = [link for link in successors if stale(link)]
    return SuccessorNotice(found, extract_on) if found else None
