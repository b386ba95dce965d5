from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"

    def ready(self):
        from audit.scopes import locate

        from .importers import register_kinds

        register_kinds()
        locate("register.school", school_place)
        locate("register.localauthority", lambda authority_id: {authority_id})


def school_place(school_id: int) -> set[int]:
    """A school, and what is recorded against it, lies in its authority."""
    from .models import School

    return set(School.objects.filter(pk=school_id).values_list("la_id", flat=True))
