from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from audit.scopes import locate, locate_people

        from .models import RoleAssignment

        locate("accounts.roleassignment", lambda pk: RoleAssignment.objects.filter(pk=pk).authority_ids())
        # An invitation lies where the role it was sent with does.
        locate("accounts.invitation", lambda pk: RoleAssignment.objects.filter(invitation_sent_with__pk=pk).authority_ids())
        locate_people(lambda user_id: RoleAssignment.objects.current().filter(user_id=user_id).authority_ids())
