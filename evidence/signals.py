"""After a register (GIAS) import, its legacy Ofsted ratings join the inspection history, in the same transaction."""

from django.dispatch import receiver

from imports.signals import file_loaded

from .inspections import sync_register_inspections


@receiver(file_loaded, sender="gias_establishments", dispatch_uid="evidence-register-inspections")
def add_register_inspections(sender, run, counts, **kwargs):
    # Only the schools the extract created or changed can carry a new rating.
    if counts.created or counts.changed:
        sync_register_inspections(run, schools=counts.created + counts.changed)
