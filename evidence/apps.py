from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def keep_catalogue_in_step(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """After every migrate, the Measure table says what evidence/catalogue.py says, so that a release's new or reworded
        measures show at once, not at the next import (which also keeps it in step). Not while the evidence app's tables are
        behind its models (migrated back to an earlier state): the next migrate forwards does it. A flush (as between
    tests) sends no state: the models are then the code's."""
    from .models import Measure
    from .store import sync_catalogue

    try:
        migrated = apps.get_model("evidence", "Measure")
    except LookupError:  # migrated back to before the table was made
        return
    if using != DEFAULT_DB_ALIAS or {f.name for f in migrated._meta.concrete_fields} != {f.name for f in Measure._meta.concrete_fields}:
        return
    sync_catalogue()


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self):
        from audit.scopes import locate
        from imports.registry import ImportKind, register_kind
        from register.apps import school_place

        from . import loaders, meta, signals  # noqa: F401
        from .models import IntelligenceEntry

        # The reads of a school's intelligence are recorded against the school.
        locate("evidence.intelligence", school_place)
        # The reads of an authority's intelligence, its schools' entries together, are recorded against the authority.
        locate("evidence.authorityintelligence", lambda authority_id: {authority_id})
        locate(
            "evidence.intelligenceentry", lambda pk: set(IntelligenceEntry.objects.filter(pk=pk).values_list("school__la_id", flat=True))
        )

        post_migrate.connect(keep_catalogue_in_step, sender=self, dispatch_uid="evidence-catalogue-in-step")
        loaders.register_all()
        register_kind(
            ImportKind(
                "performance_meta",
                "Performance tables meta file (KS2 or KS4 column descriptions)",
                meta.is_meta,
                loaders.naming_the_file(meta.load_meta),
            )
        )
