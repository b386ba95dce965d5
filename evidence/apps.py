from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self):
        from imports.registry import ImportKind, register_kind

        from . import loaders, meta, signals  # noqa: F401

        loaders.register_all()
        register_kind(
            ImportKind(
                "performance_meta",
                "Performance tables meta file (KS2 or KS4 column descriptions)",
                meta.is_meta,
                loaders.naming_the_file(meta.load_meta),
            )
        )
