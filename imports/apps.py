from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"

    def ready(self):
        from audit.scopes import as_keys, locate

        from .models import ImportRun

        locate("imports.importrun", lambda ids: as_keys(ImportRun.objects.of_authorities(ids)))
