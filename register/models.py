"""The register: authorities, schools (governance blind), groups (trusts, federations, sponsors) and links."""

from collections.abc import Callable

from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Lower
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.jinja import gov_date
from imports.models import written_by

from . import websites


class LocalAuthorityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The authorities whose register `user` may browse (as SchoolQuerySet.visible_to): those their roles touch."""
        from accounts.access import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(id__in=scope.register_authority_ids)


class LocalAuthority(models.Model):
    code = models.PositiveSmallIntegerField(unique=True, help_text="Three-digit DfE LA code, e.g. 936.")
    name = models.CharField(max_length=120)
    ons_code = models.CharField(max_length=9, blank=True, help_text="Nine-character ONS code, e.g. E10000030.")
    region = models.CharField(max_length=60, blank=True)

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return f"{self.name} ({self.code})"


class GroupKind(models.TextChoices):
    FEDERATION = "federation", "Federation"
    TRUST = "trust", "Trust"
    SPONSOR = "sponsor", "School sponsor"
    MULTI_ACADEMY_TRUST = "mat", "Multi-academy trust"
    UMBRELLA_TRUST = "umbrella", "Umbrella trust"
    CHILDRENS_CENTRES_GROUP = "cc_group", "Children's centres group"
    CHILDRENS_CENTRES_COLLABORATION = "cc_collab", "Children's centres collaboration"
    SINGLE_ACADEMY_TRUST = "sat", "Single-academy trust"
    OTHER = "other", "Other"


# GIAS `Group Type (code)` to our kinds.
GIAS_GROUP_TYPES = {
    1: GroupKind.FEDERATION,
    2: GroupKind.TRUST,
    5: GroupKind.SPONSOR,
    6: GroupKind.MULTI_ACADEMY_TRUST,
    7: GroupKind.UMBRELLA_TRUST,
    8: GroupKind.CHILDRENS_CENTRES_GROUP,
    9: GroupKind.CHILDRENS_CENTRES_COLLABORATION,
    10: GroupKind.SINGLE_ACADEMY_TRUST,
}
TRUST_KINDS = (GroupKind.TRUST, GroupKind.MULTI_ACADEMY_TRUST, GroupKind.SINGLE_ACADEMY_TRUST, GroupKind.UMBRELLA_TRUST)
# GIAS's plain "Trust" is a foundation trust of maintained schools, and an umbrella trust serves
# schools of any kind: neither is an academy trust.
ACADEMY_TRUST_KINDS = (GroupKind.MULTI_ACADEMY_TRUST, GroupKind.SINGLE_ACADEMY_TRUST)


class GroupQuerySet(models.QuerySet):
    def trusts(self):
        return self.filter(kind__in=TRUST_KINDS)

    def open(self):
        return self.filter(status="Open")


class Group(models.Model):
    """A GIAS group: trust, federation, sponsor. `uid` is GIAS `Group UID` (= MAT `trust_uid`)."""

    uid = models.PositiveIntegerField(unique=True)
    group_id = models.CharField(max_length=20, blank=True, help_text="GIAS Group ID, e.g. TR01234.")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=GroupKind.choices)
    status = models.CharField(max_length=30, blank=True)
    companies_house_number = models.CharField(max_length=20, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    head_name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=400, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    ukprn = models.CharField(max_length=12, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", null=True, on_delete=models.PROTECT, related_name="+")

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_trust(self):
        return self.kind in TRUST_KINDS


class SchoolQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def of_authorities(self, la_codes):
        """The schools of the authorities with these LA codes: an import limited to them; every school when
        there are none (an import of every authority)."""
        return self.filter(la__code__in=la_codes) if la_codes else self

    def visible_to(self, user):
        """Schools whose register entry `user` may browse: the authorities their roles touch."""
        from accounts.access import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(la_id__in=scope.register_authority_ids)

    def confidential_to(self, user):
        """Schools whose confidential records `user` may read: the only way to ask that."""
        from accounts.access import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self._reached(Q(la_id__in=scope.authority_ids) | particular_schools(scope))

    def particular_to(self, user):
        """Of the schools whose confidential records `user` may read, those their roles name in particular: a role
        at a school, a trust's current schools, a partnership body's; not a whole authority's (none for a superuser)."""
        from accounts.access import scope_for

        return self._reached(particular_schools(scope_for(user)))

    def _reached(self, condition):
        # Through a subquery: the joins of memberships and bodies would repeat a school reached more than one way.
        return self.filter(id__in=School.objects.filter(condition).values("id"))


def particular_schools(scope) -> Q:
    """The schools a scope reaches by its roles at schools, trusts and partnership bodies (accounts.access.Scope)."""
    return (
        Q(id__in=scope.school_ids)
        | Q(memberships__group_id__in=scope.group_ids, memberships__left_on__isnull=True)
        # A body's schools as far as they are its authority's: a body never opens another authority's records.
        | Q(bodies__id__in=scope.body_ids, bodies__authority_id=F("la_id"))
    )


class SchoolStatus(models.TextChoices):
    OPEN = "Open", "Open"
    PROPOSED_TO_CLOSE = "Open, but proposed to close", "Open, but proposed to close"
    PROPOSED_TO_OPEN = "Proposed to open", "Proposed to open"
    CLOSED = "Closed", "Closed"


# A school proposed to open has no pupils yet and is not counted among an authority's open schools.
OPEN_STATUSES = (SchoolStatus.OPEN, SchoolStatus.PROPOSED_TO_CLOSE)


class School(models.Model):
    """An establishment in GIAS. Maintained schools and academies are the same kind of thing here."""

    urn = models.PositiveIntegerField(unique=True)
    # Indexed by (la, name) below, which also serves every lookup by authority.
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, db_index=False, related_name="schools")
    establishment_number = models.PositiveIntegerField(null=True, blank=True)
    laestab = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=255)
    type_name = models.CharField("type", max_length=100, blank=True)
    type_group = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=40, choices=SchoolStatus.choices, default=SchoolStatus.OPEN)
    opened_on = models.DateField(null=True, blank=True)
    open_reason = models.CharField(max_length=100, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=100, blank=True)
    phase = models.CharField(max_length=40, blank=True)
    low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    religious_character = models.CharField(max_length=80, blank=True)
    diocese = models.CharField(max_length=100, blank=True)
    admissions_policy = models.CharField(max_length=40, blank=True)
    nursery_provision = models.CharField(max_length=40, blank=True)
    sixth_form = models.CharField(max_length=40, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    pupils = models.PositiveIntegerField(null=True, blank=True)
    boys = models.PositiveIntegerField(null=True, blank=True)
    girls = models.PositiveIntegerField(null=True, blank=True)
    fsm_percent = models.DecimalField("FSM %", max_digits=5, decimal_places=1, null=True, blank=True)
    census_date = models.DateField(null=True, blank=True)
    trust_flag = models.CharField(max_length=80, blank=True)
    trust_name = models.CharField(max_length=255, blank=True)
    sponsor_name = models.CharField(max_length=255, blank=True)
    federation_name = models.CharField(max_length=255, blank=True)
    ukprn = models.CharField(max_length=12, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    website = models.CharField(max_length=255, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    head_title = models.CharField(max_length=30, blank=True)
    head_first_name = models.CharField(max_length=100, blank=True)
    head_last_name = models.CharField(max_length=100, blank=True)
    head_job_title = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=60, blank=True)
    district = models.CharField(max_length=100, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    constituency = models.CharField(max_length=100, blank=True)
    urban_rural = models.CharField(max_length=80, blank=True)
    lsoa_code = models.CharField(max_length=12, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ofsted_rating = models.CharField(max_length=40, blank=True)
    ofsted_last_inspection = models.DateField(null=True, blank=True)
    sen_provision = models.CharField(max_length=400, blank=True, help_text="Types of SEN provision, from GIAS SEN1–SEN13.")
    register_changed_on = models.DateField(
        null=True, blank=True, help_text="GIAS LastChangedDate: an older extract never overwrites a newer entry."
    )
    # A digest of every register field above: a newer extract updates only rows whose digest changed.
    row_digest = models.CharField(max_length=32, blank=True)
    import_run = written_by(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Few indexes on purpose: every one slows a national import. Pages ask within an authority (la, name),
        # and the school list's page of the country by name (lower(name), urn: its order, so its first 50 are read
        # from the index, not sorted from all). Phase and status are too unselective to help; postcode search is
        # case-insensitive, which a plain index cannot serve.
        indexes = [models.Index(fields=["la", "name"]), models.Index(Lower("name"), "urn", name="school_lower_name_urn")]
        constraints = [
            models.CheckConstraint(
                name="school_ages_ordered",
                condition=Q(low_age__isnull=True) | Q(high_age__isnull=True) | Q(low_age__lte=models.F("high_age")),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def phase_or_type(self) -> str:
        """The school's phase; or, where GIAS gives it none ("Not applicable": a pupil referral unit, a college), its type."""
        return self.type_name if self.phase in ("", "Not applicable") and self.type_name else self.phase

    @property
    def head_name(self):
        return " ".join(p for p in (self.head_title, self.head_first_name, self.head_last_name) if p)

    @property
    def address_lines(self):
        return [p for p in (self.street, self.locality, self.address3, self.town, self.county, self.postcode) if p]

    @property
    def website_address(self) -> str | None:
        """The school's website to link to: None where GIAS's is not surely a web address (register.websites)."""
        return websites.website_address(self.website)

    @property
    def age_range(self):
        if self.low_age is None or self.high_age is None:
            return ""
        return f"{self.low_age} to {self.high_age}"

    def registered_successors(self):
        """The schools GIAS links to this one as its successors that the register holds (a successor it does not hold
        has no entry here to name), whichever end says so: this school's "Successor" link, or the successor's "Predecessor"."""
        return School.objects.filter(urn__in=SchoolLink.objects.successors_of(self.urn).values("other")).order_by("urn")


class GroupMembershipQuerySet(models.QuerySet):
    def current(self):
        """The memberships of schools that have not left."""
        return self.filter(left_on__isnull=True)

    def outside(self, authority_ids):
        """The current memberships of schools in authorities other than these: a group with one reaches beyond them, so
        a role at it is not theirs alone to give or end."""
        return self.current().exclude(school__la_id__in=authority_ids)


class GroupMembership(models.Model):
    """A school's membership of a group (trust, federation, sponsor), from GIAS group links."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", null=True, on_delete=models.PROTECT, related_name="+")

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "school"], name="group_membership_unique")]


PREDECESSOR, SUCCESSOR = "Predecessor", "Successor"  # how GIAS's link types start ("Predecessor - merged", …)
OTHER_END = {PREDECESSOR: SUCCESSOR, SUCCESSOR: PREDECESSOR}


class SchoolLinkQuerySet(models.QuerySet):
    """GIAS gives a link at both ends, each school's row naming the other, but a register may hold only one end: an
    extract, or a links import limited to some authorities, lacks the other school's row. So a school's predecessors and
    successors are read from either end, here only."""

    def predecessors_of(self, urns):
        """The links naming the predecessors of the schools with these URNs (any iterable or queryset of URNs, or one
        URN or reference to one), whichever end says so; each annotated with `school`, the URN it is of, and `other`,
        its predecessor's. A link given at both ends comes twice."""
        return self._naming(urns, PREDECESSOR)

    def successors_of(self, urns):
        """As predecessors_of, for successors: `other` is the successor's URN."""
        return self._naming(urns, SUCCESSOR)

    def _naming(self, urns, kind: str):
        lookup = "" if isinstance(urns, int | F) else "__in"
        own = Q(**{f"urn{lookup}": urns, "link_type__startswith": kind})
        theirs = Q(**{f"linked_urn{lookup}": urns, "link_type__startswith": OTHER_END[kind]})
        is_own = Q(link_type__startswith=kind)
        return self.filter(own | theirs).annotate(
            school=Case(When(is_own, then=F("urn")), default=F("linked_urn")),
            other=Case(When(is_own, then=F("linked_urn")), default=F("urn")),
        )


class SchoolLink(models.Model):
    """A GIAS link between establishments, kept by URN (the other school may be outside the register)."""

    urn = models.PositiveIntegerField(db_index=True)
    linked_urn = models.PositiveIntegerField(db_index=True)
    linked_name = models.CharField(max_length=255, blank=True)
    link_type = models.CharField(max_length=80)
    established_on = models.DateField(null=True, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", null=True, on_delete=models.PROTECT, related_name="+")

    objects = SchoolLinkQuerySet.as_manager()

    class Meta:
        ordering = ["urn", "established_on"]
        constraints = [models.UniqueConstraint(fields=["urn", "linked_urn", "link_type"], name="school_link_unique")]

    @property
    def end(self) -> str | None:
        """PREDECESSOR or SUCCESSOR, what the linked school is to this one; None for another kind of link."""
        return next((end for end in OTHER_END if self.link_type.startswith(end)), None)

    @property
    def type_from_other_end(self) -> str:
        """The link's type as the linked school would give it: "Predecessor - merged" is "Successor - merged"."""
        return OTHER_END[self.end] + self.link_type[len(self.end) :]


class RegisterEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    CLOSED = "closed", "Closed"
    STATUS_CHANGED = "status", "Status changed"
    HEAD_CHANGED = "head", "Headteacher changed"
    RENAMED = "renamed", "Renamed"
    TYPE_CHANGED = "type", "Type changed"
    JOINED_TRUST = "joined_trust", "Joined a trust"
    LEFT_TRUST = "left_trust", "Left a trust"
    TRUST_RENAMED = "trust_renamed", "Trust renamed"
    FEDERATION_CHANGED = "federation", "Federation changed"
    PHASE_CHANGED = "phase", "Phase or age range changed"
    OFSTED_CHANGED = "ofsted", "Ofsted rating changed"
    LINK_CHANGED = "link", "Link to another school changed"


class RegisterEvent(models.Model):
    """A dated change seen between two register extracts: leadership change and conversion are risk signals."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=RegisterEventKind.choices)
    occurred_on = models.DateField(help_text="When it happened, if the register says; otherwise when it recorded the change.")
    on_or_before = models.BooleanField(
        default=False, help_text="The register does not say when it happened: occurred_on is when it recorded the change."
    )
    after = models.DateField(
        null=True, blank=True, help_text="For a change the register does not date: when it last changed the entry before, so not before."
    )
    old_value = models.CharField(max_length=400, blank=True)
    new_value = models.CharField(max_length=400, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="events")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["school", "occurred_on"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.change}"

    @property
    def when(self) -> str:
        """The date in words, and where the register does not say it, the dates it lies between."""
        if not self.on_or_before:
            return gov_date(self.occurred_on)
        if self.after == self.occurred_on:  # between two extracts of the same day
            return gov_date(self.occurred_on)
        if self.after:
            return f"Between {gov_date(self.after)} and {gov_date(self.occurred_on)}"
        return f"On or before {gov_date(self.occurred_on)}"

    @property
    def change(self) -> str:
        """What changed, in words: the trust left or joined, else from the old value to the new."""
        return "".join(self._change(lambda value: f"“{value}”"))

    @property
    def change_html(self) -> SafeString:
        """`change` for a page, each value isolated (<bdi>): a name written right to left (a school's, a trust's, a
        head's) does not reorder the words around it."""
        parts = self._change(lambda value: format_html("“<bdi>{}</bdi>”", value))
        return mark_safe("".join(conditional_escape(part) for part in parts))  # noqa: S308 - each part escaped

    def _change(self, quoted: Callable[[str], str]) -> list[str]:
        """`change`'s words and values, each value as `quoted` gives it."""
        if self.kind == RegisterEventKind.LEFT_TRUST:
            return [quoted(self.old_value)]
        if self.kind == RegisterEventKind.JOINED_TRUST:
            return [quoted(self.new_value)]
        if self.kind == RegisterEventKind.OPENED and not self.old_value:
            return []  # a school new to the register: its name, the event's new value, is beside it already
        if self.kind == RegisterEventKind.CLOSED and self.new_value not in ("", SchoolStatus.CLOSED):
            # The register's reason for the closure ("For Academy"), kept as the new value: the status became "Closed".
            return ["from ", quoted(self.old_value), " to ", quoted(SchoolStatus.CLOSED), ", for the reason ", quoted(self.new_value)]
        words = ["from ", quoted(self.old_value)] if self.old_value else []
        if self.new_value:
            words += [" to " if words else "to ", quoted(self.new_value)]
        return words
