from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from audit.scopes import locate, locate_people

        from .models import RoleAssignment
        from .sessions import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="accounts.sessions.note_sign_in")

        locate("accounts.roleassignment", lambda pk: RoleAssignment.objects.filter(pk=pk).authority_ids())
        # An invitation lies where the role it was sent with does.
        locate("accounts.invitation", lambda pk: RoleAssignment.objects.filter(invitation_sent_with__pk=pk).authority_ids())
        locate_people(lambda user_id: RoleAssignment.objects.current().filter(user_id=user_id).authority_ids())
        locate("accounts.user", where_an_account_lies)


def where_an_account_lies(user_id: int) -> set[int]:
    """An event about a person's account (a failed sign-in as them, its deactivation) lies where they hold roles; where
    they hold none now (every role revoked, then the account deactivated), where the roles revoked last were, whose
    administrators answer for the account still."""
    from django.db.models import Max

    from .models import RoleAssignment

    roles = RoleAssignment.objects.filter(user_id=user_id)
    if current := roles.current().authority_ids():
        return current
    last = roles.aggregate(last=Max("revoked_at"))["last"]
    return roles.filter(revoked_at=last).authority_ids() if last else set()
