"""After a register (GIAS) import, its legacy Ofsted ratings join the inspection history."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from imports.models import ImportOutcome, ImportRun

from .inspections import sync_register_inspections


@receiver(post_save, sender=ImportRun, dispatch_uid="evidence-register-inspections")
def add_register_inspections(sender, instance, **kwargs):
    # Only an establishment extract carries ratings, and only the schools it created or changed can have new ones.
    if instance.outcome == ImportOutcome.SUCCEEDED and instance.kind == "gias_establishments":
        with transaction.atomic():
            sync_register_inspections(instance)
