from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from audit.scopes import as_keys, locate

        from .models import Invitation, RoleAssignment

        locate("accounts.roleassignment", lambda ids: as_keys(RoleAssignment.objects.in_authorities(ids)))
        locate(
            "accounts.invitation",
            lambda ids: as_keys(Invitation.objects.filter(user__roles__in=RoleAssignment.objects.in_authorities(ids))),
        )
