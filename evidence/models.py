"""The evidence about each school: national figures by year, inspections, and local intelligence.

Years: `year` is the calendar year in which the academic year ends (2019 means 2018/19; the census of
January 2023 belongs to 2022/23, so 2023). A figure with no value carries a `status` saying why
(suppressed, not applicable, …); it is never stored as zero. Every figure points to its ImportRun.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.jinja import gov_date
from imports.models import written_by

from .catalogue import Unit
from .years import academic_year


class Source(models.IntegerChoices):
    """The published data set a figure came from. Stored as a small integer: there are millions of figures."""

    KS2_FINAL = 1, "Key stage 2 performance tables (final)"
    KS4_FINAL = 2, "Key stage 4 performance tables (final)"
    KS4_PROVISIONAL = 3, "Key stage 4 performance tables (provisional)"
    KS4_SCHOOL_INFO = 4, "Key stage 4 information about schools (final)"
    CENSUS_SPC = 5, "School census, school level (January)"
    CENSUS_SUMMARY = 6, "School census summary (performance tables)"
    ABSENCE = 7, "Pupil absence (performance tables)"
    # DfE publishes each year's tables provisional, then revised, then final; a file's name says which.
    KS2_REVISED = 8, "Key stage 2 performance tables (revised)"
    KS2_PROVISIONAL = 9, "Key stage 2 performance tables (provisional)"
    KS4_REVISED = 10, "Key stage 4 performance tables (revised)"
    # The explore-education-statistics files say their release in a `version` column.
    KS4_SCHOOL_INFO_REVISED = 11, "Key stage 4 information about schools (revised)"
    KS4_SCHOOL_INFO_PROVISIONAL = 12, "Key stage 4 information about schools (provisional)"


class Status(models.IntegerChoices):
    """Why a figure has no value. The source's own codes map here (see evidence.readers.CODES)."""

    VALUE = 0, "Value given"
    SUPPRESSED = 1, "Suppressed"
    NOT_APPLICABLE = 2, "Not applicable"
    NOT_AVAILABLE = 3, "Not available"
    NO_ENTRIES = 4, "No entries"
    NOT_PUBLISHED = 5, "Not published"
    NEW_SCHOOL = 6, "New school"
    NOT_REPORTED = 7, "Not reported"
    LOW_COVERAGE = 8, "Low coverage"
    LOW_RELIABILITY = 9, "Low reliability"
    ROUNDS_TO_ZERO = 10, "Rounds to zero"


class Area(models.IntegerChoices):
    LA = 1, "Local authority"
    ENGLAND = 2, "England (state-funded schools)"
    ENGLAND_ALL = 3, "England (all schools)"
    # Some files give England's figure only phase by phase (census summary and absence: 'NAT' rows).
    ENGLAND_PRIMARY = 4, "England (state-funded primary schools)"
    ENGLAND_SECONDARY = 5, "England (state-funded secondary schools)"
    ENGLAND_SPECIAL = 6, "England (state-funded special schools)"
    # An authority's figures for one phase, computed where England's are given only phase by phase.
    LA_PRIMARY = 7, "Local authority (state-funded primary schools)"
    LA_SECONDARY = 8, "Local authority (state-funded secondary schools)"
    LA_SPECIAL = 9, "Local authority (state-funded special schools)"


# An authority's own areas: its figures for all its state-funded schools, and for one phase. The others are England's.
AUTHORITY_AREAS = (Area.LA, Area.LA_PRIMARY, Area.LA_SECONDARY, Area.LA_SPECIAL)


class Measure(models.Model):
    """One entry of the catalogue (evidence/catalogue.py is the source; this table mirrors it)."""

    id = models.SmallAutoField(primary_key=True)
    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    unit = models.CharField(max_length=10)
    better = models.CharField(max_length=6, blank=True, help_text="higher, lower, or blank for context.")
    group = models.CharField(max_length=40)
    key = models.BooleanField(default=False, help_text="Shown on the school's results page.")
    gap = models.BooleanField(default=False, help_text="Disadvantaged pupils against others.")
    places = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    sources = models.JSONField(default=list, blank=True, help_text="Source data sets that have given figures.")
    years = models.JSONField(default=list, blank=True, help_text="Years (ending) with figures, ascending.")

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.label

    def format(self, value: float | None, status: int) -> str:
        """A figure of this measure as text: '56%', '-0.80', 'suppressed'. Never 0 for a missing value."""
        if value is None:
            return Status(status).label.lower()
        places = places_for(value, self.places)
        text = f"{value:,.{places}f}"
        return text + "%" if self.unit == Unit.PERCENT else text


def places_for(value: float, places: int) -> int:
    """The decimal places to show a figure with: its measure's, or one more where the figure was published with
    it (an authority's 51.60% beside schools' whole percentages), not where a figure calculated here runs on (13.9123…%)."""
    if round(value, places) != value and round(value, places + 1) == value:
        return places + 1
    return places


class Figure(models.Model):
    """Fields shared by school and area figures."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, db_index=False, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="Calendar year the academic year ends: 2019 = 2018/19.")
    source = models.PositiveSmallIntegerField(choices=Source.choices)
    value = models.FloatField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.VALUE)
    cohort = models.PositiveIntegerField(null=True, blank=True, help_text="Pupils the figure is about, where the file says.")
    import_run = written_by()

    class Meta:
        abstract = True


_VALUE_XOR_STATUS = Q(value__isnull=False, status=Status.VALUE) | Q(value__isnull=True, status__gt=Status.VALUE)


class Observation(Figure):
    school = models.ForeignKey("register.School", on_delete=models.CASCADE, db_index=False, related_name="observations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "measure", "year", "source"], name="observation_unique"),
            models.CheckConstraint(condition=_VALUE_XOR_STATUS, name="observation_value_or_status"),
        ]
        indexes = [models.Index(fields=["measure", "year"], name="observation_measure_year")]


class AreaObservation(Figure):
    """A figure for a local authority or England, as the file gives it or as computed from its schools."""

    area = models.PositiveSmallIntegerField(choices=Area.choices)
    la_code = models.PositiveSmallIntegerField(default=0, help_text="Three-digit LA code; 0 for England.")
    computed = models.BooleanField(default=False, help_text="Computed here from the schools' figures, not published.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "la_code", "measure", "year", "source"], name="area_observation_unique"),
            models.CheckConstraint(condition=_VALUE_XOR_STATUS, name="area_observation_value_or_status"),
        ]


class FigureChange(models.Model):
    """A figure an import replaced or removed: a corrected file for a year changes what its source said,
    and this keeps what it said before, so that the change can be seen and checked against both files.

    A school's figure has `school`; an area's has `area` and `la_code`. `new_status` is empty when the
    corrected file no longer gives the figure at all (the figure was removed).
    """

    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("register.School", null=True, blank=True, on_delete=models.CASCADE, db_index=False, related_name="+")
    area = models.PositiveSmallIntegerField(null=True, blank=True, choices=Area.choices)
    la_code = models.PositiveSmallIntegerField(default=0)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, db_index=False, related_name="+")
    year = models.PositiveSmallIntegerField()
    source = models.PositiveSmallIntegerField(choices=Source.choices)
    old_value = models.FloatField(null=True, blank=True)
    old_status = models.PositiveSmallIntegerField(choices=Status.choices)
    old_cohort = models.PositiveIntegerField(null=True, blank=True)
    old_import_run = written_by(null=True)
    new_value = models.FloatField(null=True, blank=True)
    new_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    new_cohort = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, area__isnull=True) | Q(school__isnull=True, area__isnull=False),
                name="figure_change_school_or_area",
            )
        ]
        # A school's results page asks what corrected files changed in its figures.
        indexes = [models.Index(fields=["school"], condition=Q(school__isnull=False), name="figure_change_school")]

    @property
    def academic_year(self):
        return academic_year(self.year)

    @property
    def removed(self) -> bool:
        return self.new_status is None

    @property
    def pupils_changed(self) -> bool:
        """Whether the number of pupils the figure is about changed (an authority's figure computed from more schools
        may keep its per cent): then both numbers are shown beside the figures."""
        return not self.removed and self.old_cohort != self.new_cohort

    @property
    def old_text(self) -> str:
        return self._with_pupils(self.measure.format(self.old_value, self.old_status), self.old_cohort)

    @property
    def new_text(self) -> str:
        if self.removed:
            return "no longer given"
        return self._with_pupils(self.measure.format(self.new_value, self.new_status), self.new_cohort)

    def _with_pupils(self, text: str, cohort: int | None) -> str:
        if not self.pupils_changed:
            return text
        return f"{text} ({'number of pupils not given' if cohort is None else f'{cohort:,} pupils'})"

    @property
    def place(self) -> str:
        """Whose figure: the area's name for an area (the school is shown by name where there is one), an authority's
        as "Surrey (936)" where the change list has read its name (`la_name`)."""
        authority = f"{name} ({self.la_code})" if (name := getattr(self, "la_name", None)) else f"Local authority {self.la_code}"
        if self.area == Area.LA:
            return authority
        if self.la_code:  # an authority's figure for one phase: "Surrey (936): state-funded primary schools"
            return f"{authority}: {Area(self.area).label.partition('(')[2].removesuffix(')')}"
        return Area(self.area).label if self.area else ""


class Framework(models.TextChoices):
    GRADED = "graded", "Graded inspection (before report cards)"
    UNGRADED = "ungraded", "Ungraded inspection"
    REPORT_CARD = "report_card", "Report card (from November 2025)"


class InspectionSource(models.TextChoices):
    REGISTER = "register", "Register (GIAS Ofsted rating)"
    OFSTED_ALL = "ofsted_all", "Ofsted: all inspections, year to date"
    OFSTED_LATEST = "ofsted_latest", "Ofsted: latest inspections"


class Inspection(models.Model):
    """One Ofsted inspection, in Ofsted's own words. Report cards have no overall grade, and none is made up."""

    # No index of its own: the unique (school, framework, started_on) index serves lookups by school.
    school = models.ForeignKey("register.School", on_delete=models.CASCADE, related_name="inspections", db_index=False)
    framework = models.CharField(max_length=12, choices=Framework.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    inspection_number = models.CharField(max_length=20, blank=True)
    inspection_type = models.CharField(max_length=100, blank=True)
    overall = models.CharField(max_length=40, blank=True, help_text="Graded inspections only: the words (or 1–4) as published.")
    category_of_concern = models.CharField(max_length=10, blank=True)
    safeguarding = models.CharField(max_length=20, blank=True)
    judgements = models.JSONField(default=dict, blank=True, help_text="Area → words as published; 'Not evaluated' for 9/NULL.")
    urn_at_inspection = models.PositiveIntegerField(null=True, blank=True, help_text="When inspected under a predecessor's URN.")
    source = models.CharField(max_length=16, choices=InspectionSource.choices)
    import_run = written_by()

    class Meta:
        ordering = ["-started_on"]
        constraints = [models.UniqueConstraint(fields=["school", "framework", "started_on"], name="inspection_unique")]
        # A school's latest inspection of any kind, read from the index's end (the school list sorted by the most recently
        # inspected looks it up for every school it lists): through the unique index, each school's were read and sorted.
        indexes = [models.Index(fields=["school", "started_on"], name="inspection_school_started")]

    def __str__(self):
        return f"{self.get_framework_display()} {self.started_on}"


class InspectionChange(models.Model):
    """What a later file corrected in an inspection already held: a field (or one evaluation area's
    words) that said one thing and now says another. Filling in what was blank is not a correction."""

    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=120, help_text="The field's name as the pages show it, or an evaluation area's.")
    old_value = models.CharField(max_length=200)
    new_value = models.CharField(max_length=200)
    old_import_run = written_by(null=True)


class IntelligenceKind(models.TextChoices):
    LEADERSHIP_CHANGE = "leadership", "Leadership change"
    COMPLAINT = "complaint", "Complaint"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    BUDGET_DEFICIT = "budget", "Budget deficit"
    FALLING_ROLL = "falling_roll", "Falling roll"
    STAFFING = "staffing", "Staffing"
    OTHER = "other", "Other"


# The pages on which a school's local intelligence is read, as the audit log names them in a read's detail ("page").
INTELLIGENCE_PAGES = {
    "intelligence": "its local intelligence",
    "timeline": "its timeline",
    "withdrawn": "its withdrawn entries",
    "correct": "correcting an entry",
    "correct-check": "checking a correction",
    "withdraw": "withdrawing an entry",
    "authority-intelligence": "the authority's local intelligence",
}


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class IntelligenceEntry(models.Model):
    """A dated, confidential note about a school from an LA officer or adviser (see evidence/permissions.py)."""

    school = models.ForeignKey("register.School", on_delete=models.PROTECT, related_name="intelligence")
    kind = models.CharField(max_length=16, choices=IntelligenceKind.choices)
    severity = models.CharField(max_length=6, choices=Severity.choices)
    occurred_on = models.DateField()
    summary = models.TextField(max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_name = models.CharField(max_length=200, help_text="Kept as it was, should the account go.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn (recorded against the wrong school, or in error): off the timeline, never deleted, so that a
    # safeguarding record is not lost. LA officers can still read it, with who withdrew it and why.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_by_name = models.CharField(max_length=200, blank=True, help_text="Kept as it was, should the account go.")
    withdrawal_reason = models.TextField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["school", "occurred_on"])]
        verbose_name_plural = "intelligence entries"

    def __str__(self):
        return f"{self.get_kind_display()} ({gov_date(self.occurred_on)})"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class IntelligenceRevision(models.Model):
    """An intelligence entry as it was before one correction, with who corrected it, when and why.

    A correction changes the entry in place (the timeline shows what is now believed) and keeps the version it
    replaced here, so that nothing once recorded about a school is lost.
    """

    entry = models.ForeignKey(IntelligenceEntry, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=16, choices=IntelligenceKind.choices)
    severity = models.CharField(max_length=6, choices=Severity.choices)
    occurred_on = models.DateField()
    summary = models.TextField(max_length=2000)
    reason = models.TextField(max_length=500, help_text="Why the entry was corrected.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_by_name = models.CharField(max_length=200, help_text="Kept as it was, should the account go.")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "changed_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({gov_date(self.occurred_on)}), before the correction of {gov_date(self.changed_at)}"


class StatisticalNeighbour(models.Model):
    """An LA's statistical neighbour, in rank order, from a file in Common Ground's own simple layout."""

    la_code = models.PositiveSmallIntegerField()
    neighbour_code = models.PositiveSmallIntegerField()
    rank = models.PositiveSmallIntegerField()
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["la_code", "rank"]
        constraints = [models.UniqueConstraint(fields=["la_code", "neighbour_code"], name="statistical_neighbour_unique")]


class NeighbourChange(models.Model):
    """What a later neighbours file changed in an authority's list: a neighbour's rank, or a neighbour it no longer
    names (`new_rank` empty). A neighbour newly named is not a change of what was held."""

    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    la_code = models.PositiveSmallIntegerField()
    neighbour_code = models.PositiveSmallIntegerField()
    old_rank = models.PositiveSmallIntegerField()
    new_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    old_import_run = written_by(null=True)


class KeyStage(models.TextChoices):
    KS2 = "ks2", "Key stage 2"
    KS4 = "ks4", "Key stage 4"


class ColumnDescription(models.Model):
    """What one column of a year's performance tables means, in DfE's words, from that year's meta file.

    Columns come and go, and their meaning shifts (Progress 8 'after adjustment for extreme scores' from
    2017/18), so a description belongs to a key stage and a year, never to a column alone.
    """

    key_stage = models.CharField(max_length=3, choices=KeyStage.choices)
    year = models.PositiveSmallIntegerField(help_text="Calendar year the academic year ends: 2019 = 2018/19.")
    column = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(help_text="The column's number in the meta file's own list.")
    description = models.TextField()
    methodology = models.TextField(blank=True, help_text="The meta file's note of a methodology change, if any.")
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key_stage", "year", "position"]
        constraints = [models.UniqueConstraint(fields=["key_stage", "year", "column"], name="column_description_unique")]

    def __str__(self):
        return f"{self.column} ({self.get_key_stage_display()}, {academic_year(self.year)})"
