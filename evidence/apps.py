from django.apps import AppConfig


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

        loaders.register_all()
        register_kind(
            ImportKind(
                "performance_meta",
                "Performance tables meta file (KS2 or KS4 column descriptions)",
                meta.is_meta,
                loaders.naming_the_file(meta.load_meta),
            )
        )
