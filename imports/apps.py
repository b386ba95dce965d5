from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"

    def ready(self):
        from audit.scopes import EVERY_AUTHORITY, locate

        from .models import ImportRun

        def run(run_id: int):
            """An import lies in the authorities it was limited to; one of every authority, in all of them."""
            codes = ImportRun.objects.filter(pk=run_id).values_list("la_codes", flat=True).first()
            if codes is None:
                return set()
            if not codes:
                return EVERY_AUTHORITY
            from register.models import LocalAuthority

            return set(LocalAuthority.objects.filter(code__in=codes.split(",")).values_list("id", flat=True))

        locate("imports.importrun", run)
