from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"
