from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from audit.scopes import locate, locate_people

        from .models import RoleAssignment

        def role(assignment_id: str) -> set[int]:
            return RoleAssignment.objects.filter(pk=assignment_id).authority_ids() if assignment_id.isdigit() else set()

        def invitation(invitation_id: str) -> set[int]:
            """An invitation lies where the role it was sent with does."""
            if not invitation_id.isdigit():
                return set()
            return RoleAssignment.objects.filter(invitation_sent_with__pk=invitation_id).authority_ids()

        locate("accounts.roleassignment", role)
        locate("accounts.invitation", invitation)
        locate_people(lambda user_id: RoleAssignment.objects.current().filter(user_id=user_id).authority_ids())
