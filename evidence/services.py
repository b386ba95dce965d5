"""Writes of the evidence app that are not imports: recording, correcting and withdrawing local intelligence."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record

from .forms import changed_fields
from .models import IntelligenceEntry, IntelligenceRevision


def record_intelligence(school, *, user, kind, severity, occurred_on, summary, request=None) -> IntelligenceEntry:
    """Add a dated, confidential entry about `school`, and audit who wrote it. Callers check permission."""
    with transaction.atomic():
        entry = IntelligenceEntry.objects.create(
            school=school,
            kind=kind,
            severity=severity,
            occurred_on=occurred_on,
            summary=summary.strip(),
            recorded_by=user,
            recorded_by_name=user.display_name,
        )
        record(
            AuditAction.CREATE,
            request=request,
            user=user,
            obj=entry,
            object_repr=_described(entry),
            school_urn=school.urn,
            kind=kind,
            severity=severity,
        )
    return entry


def _described(entry) -> str:
    """The entry named with its school, so that the audit log's search for the school finds it beside the reads."""
    return f"{entry}, {entry.school.name} ({entry.school.urn})"


def _audit_update(entry, user, request, **details) -> None:
    record(AuditAction.UPDATE, request=request, user=user, obj=entry, object_repr=_described(entry), school_urn=entry.school.urn, **details)


class AlreadyWithdrawn(Exception):
    """The entry was withdrawn, by someone else perhaps, after the page that would change it was shown."""

    def __init__(self, entry):
        super().__init__(f"{entry} was withdrawn by {entry.withdrawn_by_name} at {entry.withdrawn_at:%Y-%m-%d %H:%M}")
        self.entry = entry


def _locked(entry) -> IntelligenceEntry:
    """The entry as it stands, locked for the change: refused (AlreadyWithdrawn) where it was withdrawn meanwhile."""
    entry = IntelligenceEntry.objects.select_for_update().select_related("school").get(pk=entry.pk)
    if entry.withdrawn_at is not None:
        raise AlreadyWithdrawn(entry)
    return entry


def correct_intelligence(entry, *, user, kind, severity, occurred_on, summary, reason, request=None) -> IntelligenceRevision:
    """Correct `entry` in place, keeping the version it replaces (with who corrected it, when and why), and audit it.
    Callers check permission (evidence.permissions.may_change_intelligence); a withdrawn entry is not changed."""
    with transaction.atomic():
        entry = _locked(entry)
        before = str(entry)
        changed = changed_fields(entry, {"kind": kind, "severity": severity, "occurred_on": occurred_on, "summary": summary})
        revision = IntelligenceRevision.objects.create(
            entry=entry,
            kind=entry.kind,
            severity=entry.severity,
            occurred_on=entry.occurred_on,
            summary=entry.summary,
            reason=reason.strip(),
            changed_by=user,
            changed_by_name=user.display_name,
        )
        entry.kind, entry.severity, entry.occurred_on, entry.summary = kind, severity, occurred_on, summary.strip()
        entry.save(update_fields=["kind", "severity", "occurred_on", "summary"])
        _audit_update(entry, user, request, corrected=changed, was=before, reason=revision.reason, revision=revision.pk)
    return revision


def withdraw_intelligence(entry, *, user, reason, request=None) -> IntelligenceEntry:
    """Take `entry` off the timeline without deleting it, saying who withdrew it, when and why, and audit it.
    Callers check permission (evidence.permissions.may_change_intelligence); one withdrawn already stays as it was."""
    with transaction.atomic():
        entry = _locked(entry)
        entry.withdrawn_at = timezone.now()
        entry.withdrawn_by = user
        entry.withdrawn_by_name = user.display_name
        entry.withdrawal_reason = reason.strip()
        entry.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_by_name", "withdrawal_reason"])
        _audit_update(entry, user, request, withdrawn=True, reason=entry.withdrawal_reason)
    return entry
