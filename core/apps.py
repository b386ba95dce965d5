from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        # Registers this installation's own checks of its settings.
        from . import checks  # noqa: F401
