import logging
from datetime import UTC, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

# A run queued this long has not been taken by a worker: the page says the worker may not be running. A run this
# long without word from its worker has stopped (the worker was stopped or killed part-way), and is marked failed.
WAITING_TOO_LONG = timedelta(minutes=5)
SILENT_TOO_LONG = timedelta(minutes=30)


def written_by(*, null: bool = False) -> models.ForeignKey:
    """The ImportRun that last wrote a row of a table filled in bulk (schools, figures, inspections).

    It is provenance, not structure: the import sets it to its own run inside its own transaction,
    and runs are never deleted (PROTECT still stops the ORM from deleting one that wrote rows). So it
    has no database constraint and no index: on PostgreSQL each constraint costs a check per row at
    commit, about a third of a national import, and nothing looks rows up by run.
    """
    return models.ForeignKey(
        "imports.ImportRun", null=null, on_delete=models.PROTECT, db_constraint=False, db_index=False, related_name="+"
    )


class ImportOutcome(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    UNCHANGED = "unchanged", "No changes"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class ImportRunQuerySet(models.QuerySet):
    def of_authorities(self, authority_ids):
        """The imports that concern these authorities: those of every authority (the national files all
        share), and those limited to one of them."""
        from register.models import LocalAuthority

        condition = models.Q(la_codes="")
        for code in LocalAuthority.objects.filter(id__in=authority_ids).values_list("code", flat=True):
            condition |= models.Q(la_codes__regex=rf"(^|,){code}(,|$)")
        return self.filter(condition)


class ImportRun(models.Model):
    """One import of one file: what it was, who ran it, what it changed. Imported rows point here."""

    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    text_checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the file's text as read: unpacked if gzipped, UTF-8, without a byte-order mark."
    )
    kind = models.CharField(max_length=40, blank=True)
    edition = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the file's name and header made it, for a kind they date: data set, release and year.",
    )
    la_codes = models.TextField(blank=True, help_text="The LA codes the import was limited to, if any (all 150-odd may be).")
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="Rows not taken: outside the authorities asked for, those the kind skips (ImportKind.skipped), England's."
    )
    skipped_national = models.PositiveIntegerField(
        default=0,
        help_text="Of the rows skipped, those of England's figures: every one in an import limited to some authorities, else those of "
        "a phase of school the import does not read.",
    )
    skipped_empty = models.PositiveIntegerField(
        default=0, help_text="Of the rows skipped, those that give nothing to take (ImportKind.empty): a row with no figures, say."
    )
    cleared = models.PositiveIntegerField(
        default=0,
        help_text="Rows that gave no figure at all, and so removed the figures an earlier file of the year held for their schools: "
        "not among the rows skipped.",
    )
    refused = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=ImportOutcome.choices, default=ImportOutcome.RUNNING)
    message = models.TextField(blank=True)
    remedy = models.CharField(
        max_length=10, blank=True, help_text="Of a refused file, what its page says to do next (imports.registry.Remedy); blank otherwise."
    )
    named_imports = models.JSONField(
        default=list,
        blank=True,
        help_text="The earlier imports its message names by number, '(import 12)', which its page links to: from these, never "
        "from the words, in which a file's name may say the same.",
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for runs in the background.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(
        max_length=254, blank=True, help_text="Kept as it was, should the account go. Blank for an import from the command line."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_at = models.DateField(
        null=True,
        blank=True,
        help_text="How recent the file is, where its rows tell: for an Ofsted file, the latest publication date in it.",
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_outcome_display()})"

    @property
    def progress_key(self):
        return f"import-progress-{self._cache_name}"

    @property
    def heartbeat_key(self):
        return f"import-heartbeat-{self._cache_name}"

    @cached_property
    def _cache_name(self) -> str:
        """The run's number and the moment it began: a run's number alone may have been another run's, whose word is
        still in the cache for a day (a database restored from a backup, or made afresh, as a demo is, beside the same
        cache), and a run waiting for its worker showed that one's progress bar, 99% done. Named once the run is saved,
        and so for as long as it is held."""
        return f"{self.pk}-{self.started_at.timestamp():.6f}"

    def heard_from(self, per_cent: int) -> None:
        """The worker's word that it is at `per_cent`, through the cache (the import's transaction is not yet visible).
        With the cache down the import goes on: the page, unable to ask, takes no run for stopped (last_heard)."""
        try:
            cache.set_many({self.progress_key: per_cent, self.heartbeat_key: timezone.now().timestamp()}, timeout=24 * 60 * 60)
        except Exception:
            if not getattr(self, "_unheard", False):  # once a run, not at every step
                self._unheard = True
                logger.warning("The cache cannot be written: import %s cannot say how far it has gone", self.pk, exc_info=True)

    def heard_of_rows(self, done: int, total: int) -> None:
        """heard_from, for `done` of the file's `total` rows stored: reading the file counts for the first tenth, and the
        run says 100 only once it has finished (import_file)."""
        self.heard_from(min(99, 10 + 89 * done // max(total, 1)))

    @property
    def last_heard(self) -> datetime | None:
        """When the worker last said how the run was going (when the run was queued or begun, before it said anything);
        None when the cache cannot be asked, and whether the run is alive is not known."""
        try:
            stamp = cache.get(self.heartbeat_key)
        except Exception:
            logger.warning("The cache cannot be read: import %s is not known to be alive or stopped", self.pk, exc_info=True)
            return None
        return datetime.fromtimestamp(stamp, tz=UTC) if stamp else self.started_at

    @property
    def waiting_too_long(self) -> bool:
        return self.outcome == ImportOutcome.QUEUED and timezone.now() - self.started_at > WAITING_TOO_LONG

    @property
    def silent_too_long(self) -> bool:
        if self.outcome != ImportOutcome.RUNNING:
            return False
        heard = self.last_heard
        return heard is not None and timezone.now() - heard > SILENT_TOO_LONG

    @property
    def live_progress(self) -> int:
        """Per cent done: the worker reports it through the cache while the import's transaction is open."""
        if self.is_finished:
            return 100 if self.outcome != ImportOutcome.QUEUED else 0
        try:
            return cache.get(self.progress_key, self.progress)
        except Exception:  # the cache is down: the last per cent the run itself holds
            return self.progress

    @property
    def is_finished(self):
        return self.outcome not in (ImportOutcome.QUEUED, ImportOutcome.RUNNING)
