"""What the school list says of a filter's value that the form cannot show as one of its choices: a trust written in
the text box (where the trusts are too many to list), whose words may match several trusts, one or none; a trust, an
authority, a phase or a type that a link chose and the drop-down does not list."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.words import how_many, isolated, listed

from .models import GroupMembership, LocalAuthority, School
from .presenters import SchoolFilters

# The most trusts named; more are counted ("and 7 more").
TRUSTS_NAMED = 5


@dataclass
class TrustMatch:
    """The trusts a trust filter's value matched (SchoolFilters.trusts): those with a school the reader can see, the
    first few by name, and how many in all; where none has, how many matched with no school here."""

    written: str
    uids: list[int]  # of the first TRUSTS_NAMED with a school here, with `names`
    names: list[str]
    here: int
    without_school: int = 0

    @property
    def words(self) -> SafeString:
        """For the results summary, as HTML: which trusts the value matched, or that it matched none, or only trusts
        with no school here ("No schools found." alone does not tell a misspelt name from a trust of no school here).
        Trusts with no school the reader can see are counted, not named. The words written and the trusts' names are
        isolated (<bdi>), so that words written right to left do not reorder the sentence around them."""
        written = format_html("‘<bdi>{}</bdi>’", self.written)
        if self.here:
            names = [format_html("<bdi>{}</bdi>", name) for name in self.names]
            more = [f"{self.here - TRUSTS_NAMED:,} more"] if self.here > TRUSTS_NAMED else []
            trusts = mark_safe(listed(names + more))  # noqa: S308 - each name escaped above; the rest is ours
            return format_html("{} matches {} with a school here: {}.", written, how_many(self.here, "trust"), trusts)
        if self.without_school:
            whose = "it has no school" if self.without_school == 1 else "none of them has a school"
            return format_html("{} matches {}, but {} here.", written, how_many(self.without_school, "trust"), whose)
        return format_html("No trust matches {}.", written)

    @property
    def option(self) -> str:
        """The drop-down's option for the value, where it is not one trust listed: what it is, not a trust's name. An
        option's text holds no <bdi>: the words are isolated by Unicode's own marks (core.words.isolated)."""
        return f"‘{isolated(self.written)}’ ({how_many(self.here, 'trust') if self.here else 'no trust here'})"


def trust_match(filters: SchoolFilters, visible: QuerySet[School]) -> TrustMatch:
    """The trusts the trust filter's value matched, among those with a school in `visible` (the reader's)."""
    here = Exists(GroupMembership.objects.current().filter(group=OuterRef("pk"), school__in=visible))
    with_school = filters.trusts().filter(here).order_by(Lower("name"), "uid")
    first = list(with_school.values_list("uid", "name")[: TRUSTS_NAMED + 1])
    count = len(first) if len(first) <= TRUSTS_NAMED else with_school.count()
    found = TrustMatch(filters.trust, [uid for uid, _ in first[:TRUSTS_NAMED]], [name for _, name in first[:TRUSTS_NAMED]], count)
    if not count:
        found.without_school = filters.trusts().count()
    return found


def unlisted_authority(code: str) -> str:
    """The drop-down's option for an authority a link chose where the reader has no school: its name, and that, or
    that no authority has the code (the list is then empty, and the form says why)."""
    name = LocalAuthority.objects.filter(code=code).values_list("name", flat=True).first()
    return f"{name} (no school here)" if name else f"{code} (no authority has this code)"


def unlisted_school_value(field: str, value: str) -> str:
    """The drop-down's option for a phase or a type (`field`: "phase" or "type_name") a link chose that none of the
    reader's schools has, and that it matches no school here: by the phase's or type's own words where a school in the
    register has it, whatever the case of the letters given ("Middle deemed secondary (no school here)"); otherwise as
    the words given, quoted and isolated, as the trust drop-down shows words that are no trust's ("‘Primry’ (no school
    here)")."""
    named = School.objects.filter(**{f"{field}__iexact": value}).order_by(field).values_list(field, flat=True).first()
    shown = named or f"‘{isolated(value)}’"
    return f"{shown} (no school here)"
