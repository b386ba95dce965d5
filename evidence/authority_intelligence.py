"""An authority's local intelligence: the current entries of every school of it whose intelligence the reader may read,
newest first, as a review meeting starts from them; and the filters that narrow them."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from core.dates import date_range
from register.models import School
from register.presenters import search_condition

from .models import IntelligenceEntry, IntelligenceKind, IntelligenceRevision, Severity

# How much of a summary the list shows: a longer one is cut at a word, its whole on the school's page.
EXCERPT_CHARACTERS = 240
PAGE_SIZE = 25


@dataclass
class IntelligenceFilters:
    """What the list is narrowed to, as typed (`typed`, shown back in the form), and an error for each date that is
    not one (`errors`, by the field's name)."""

    typed: dict = field(default_factory=dict)
    kind: str = ""
    severity: str = ""
    since: date | None = None
    until: date | None = None
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_query(cls, params) -> "IntelligenceFilters":
        typed = {key: params.get(key, "").strip()[:200] for key in ("q", "kind", "severity", "from", "to")}
        dates, errors = date_range(typed)
        # A kind or severity the form does not offer (an address edited by hand) narrows nothing, and is shown as "any".
        kind = typed["kind"] if typed["kind"] in IntelligenceKind.values else ""
        severity = typed["severity"] if typed["severity"] in Severity.values else ""
        typed |= {"kind": kind, "severity": severity}
        return cls(typed, kind, severity, dates["from"], dates["to"], errors)

    @property
    def active(self) -> bool:
        return any(self.typed.values())

    def asked(self) -> dict:
        """The filters asked for, as the audit log records them: those given, as typed."""
        return {key: value for key, value in self.typed.items() if value}

    def apply(self, entries: QuerySet) -> QuerySet:
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.severity:
            entries = entries.filter(severity=self.severity)
        if self.since:
            entries = entries.filter(occurred_on__gte=self.since)
        if self.until:
            entries = entries.filter(occurred_on__lte=self.until)
        if words := self.typed["q"]:
            # The school list's search: a name as typed or without its punctuation, a URN, LAESTAB or postcode.
            entries = entries.filter(school__in=School.objects.filter(search_condition(words)))
        return entries


def current_entries(school_ids) -> QuerySet:
    """The current (not withdrawn) entries of the schools, newest first by the day what they record happened, then by
    when they were recorded; each with where it was corrected, when last (`corrected_at`), in one query, then the schools
    of those read in a second. Joined to the entries in the first, the schools were read whole, every school in England
    (some 25 ms of a page of Kent's 2,000 entries with all England loaded), to give the 25 shown theirs."""
    last_correction = IntelligenceRevision.objects.filter(entry=OuterRef("pk")).order_by("-changed_at", "-id").values("changed_at")[:1]
    return (
        IntelligenceEntry.objects.filter(school_id__in=school_ids, withdrawn_at__isnull=True)
        .prefetch_related("school")
        .annotate(corrected_at=Subquery(last_correction))
        .order_by("-occurred_on", "-recorded_at", "-id")
    )


def excerpt(summary: str, limit: int = EXCERPT_CHARACTERS) -> tuple[str, bool]:
    """The summary on one line (its line ends as spaces) and, if longer than `limit`, cut at the last word that fits,
    with an ellipsis; and whether it was cut."""
    text = re.sub(r"\s+", " ", summary).strip()
    if len(text) <= limit:
        return text, False
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.–—-") + "…", True
