from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self):
        from . import loaders, signals  # noqa: F401

        loaders.register_all()
