from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self):
        from audit.scopes import as_keys, locate
        from imports.registry import ImportKind, register_kind
        from register.models import School

        from . import loaders, meta, signals  # noqa: F401
        from .models import IntelligenceEntry

        # The reads of a school's intelligence are recorded against the school.
        locate("evidence.intelligence", lambda ids: as_keys(School.objects.filter(la_id__in=ids)))
        locate("evidence.intelligenceentry", lambda ids: as_keys(IntelligenceEntry.objects.filter(school__la_id__in=ids)))

        loaders.register_all()
        register_kind(
            ImportKind(
                "performance_meta",
                "Performance tables meta file (KS2 or KS4 column descriptions)",
                meta.is_meta,
                loaders.naming_the_file(meta.load_meta),
            )
        )
