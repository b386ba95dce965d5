"""The audit log: append-only, one row per read of a confidential page and per change."""

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    IMPORT = "import", "Imported"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out"
    GRANT = "grant", "Granted role"
    REVOKE = "revoke", "Revoked role"
    REFUSED = "refused", "Refused access"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AppendOnly(models.Model):
    """A row of the log: written once, never changed nor deleted (the database's triggers refuse it too)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


# detail["by"] of an event the service records of its own accord (finding an import stopped, say), with no one's request.
SERVICE = "service"


class AuditEvent(AppendOnly):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user_email = models.CharField(max_length=254, blank=True, help_text="Kept as it was, should the account change.")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Text, not a bounded string: an import limited to every authority of England lies in all 150-odd. The log is read
    # by authority through AuditPlace, written with it from the same place; this stays as the event's own word on it.
    authorities = models.TextField(
        blank=True, help_text="Where the event lies when recorded: ',1,5,' (authority ids), '*' for every authority."
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "at"]),
            # A service administrator's log by action or kind of record, newest first: without these, each page read
            # every event of the kind (or of the log) to sort them.
            models.Index(fields=["action", "at"], name="audit_event_by_action"),
            models.Index(fields=["object_type", "at"], name="audit_event_by_kind"),
            # A search for a record's number (audit.log): with the trigram indexes of its words (migration 0007, made by
            # hand, as neither database's kind of index is the other's), each side of its OR is read from an index.
            models.Index(fields=["object_id"], name="audit_event_by_record"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.action} {self.object_type} {self.object_id}"

    @property
    def who(self) -> str:
        """Who did it, as the log shows it: the person, else the service itself (detail "by", see SERVICE), else someone
        not signed in on the web, else the command line."""
        if self.user_email:
            return self.user_email
        if self.detail.get("by") == SERVICE:
            return "Common Ground itself"
        return "Anonymous" if self.path else "Command line"


class AuditPlace(AppendOnly):
    """Where an event lies: one row for each authority it lay in when recorded (`authority_id`), or one with none for
    an event that lies in every authority; an event that lies nowhere has none. Written with the event, never changed.

    A search of every event's stamp (`authorities`) for ",5," reads the whole log: at a year of England's events, over a
    second for each page. The event's time, action and kind of record are copied in, so that an authority's events,
    newest first, filtered by action, kind or dates and counted, are read from its own part of an index."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="places", db_index=False)
    # A number, not a key: the stamp names authorities as they were when recorded, and holds on to none of them.
    authority_id = models.PositiveIntegerField(null=True, blank=True, help_text="None: every authority.")
    at = models.DateTimeField()
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "authority_id"], name="audit_place_once_per_authority")]
        indexes = [
            models.Index(fields=["authority_id", "at", "event"], name="audit_place_latest"),
            models.Index(fields=["authority_id", "action", "at", "event"], name="audit_place_by_action"),
            models.Index(fields=["authority_id", "object_type", "at", "event"], name="audit_place_by_kind"),
            # PostgreSQL reads "IS NULL" from an index without knowing its rows are then in order of time: the events of
            # every authority have an index of their own, so that they too are read newest first.
            models.Index(fields=["at", "event"], condition=models.Q(authority_id__isnull=True), name="audit_place_everywhere"),
        ]

    def __str__(self):
        return f"Event {self.event_id} in {'every authority' if self.authority_id is None else self.authority_id}"
