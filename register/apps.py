from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"

    def ready(self):
        from audit.scopes import as_keys, locate

        from .importers import register_kinds
        from .models import LocalAuthority, School

        register_kinds()
        locate("register.school", lambda ids: as_keys(School.objects.filter(la_id__in=ids)))
        locate("register.localauthority", lambda ids: as_keys(LocalAuthority.objects.filter(id__in=ids)))
