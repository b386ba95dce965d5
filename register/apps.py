from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"

    def ready(self):
        from audit.scopes import locate

        from .importers import register_kinds

        register_kinds()
        locate("register.school", school_place)
        locate("register.localauthority", lambda authority_id: {int(authority_id)} if authority_id.isdigit() else set())


def school_place(school_id: str) -> set[int]:
    """A school, and what is recorded against it, lies in its authority."""
    from .models import School

    return set(School.objects.filter(pk=school_id).values_list("la_id", flat=True)) if school_id.isdigit() else set()
