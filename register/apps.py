from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"

    def ready(self):
        from .importers import register_kinds

        register_kinds()
