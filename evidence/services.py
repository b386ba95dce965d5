"""Writes of the evidence app that are not imports: recording local intelligence."""

from django.db import transaction

from audit.models import AuditAction
from audit.services import record

from .models import IntelligenceEntry


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
            recorded_by_name=user.get_full_name() or user.email,
        )
        # Named by its school too, so that the audit log's search for the school finds the entry beside the reads.
        described = f"{entry}, {school.name} ({school.urn})"
        record(
            AuditAction.CREATE,
            request=request,
            user=user,
            obj=entry,
            object_repr=described,
            school_urn=school.urn,
            kind=kind,
            severity=severity,
        )
    return entry
