from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from audit.scopes import as_keys, locate

        from .models import Invitation, RoleAssignment

        locate("accounts.roleassignment", lambda ids: as_keys(RoleAssignment.objects.in_authorities(ids)))
        # An invitation lies where the role it was sent with does.
        locate(
            "accounts.invitation", lambda ids: as_keys(Invitation.objects.filter(assignment__in=RoleAssignment.objects.in_authorities(ids)))
        )
