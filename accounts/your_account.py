"""The signed-in person's own account: who they are, their roles, their second factor, and changing their password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from audit.models import AuditAction
from audit.services import record
from core.views import held_roles

from . import services
from .access import scope_for
from .forms import ChangePasswordForm
from .two_factor import roles_need_two_factor, two_factor_required


def your_account(request):
    user = request.user
    assignments = list(user.roles.current().select_related("authority", "school", "group", "body"))
    context = {
        "held_roles": held_roles(assignments),
        "everything": scope_for(user).everything,  # a site administrator, who needs no role to see every school
        "two_factor_on": user_has_device(user, confirmed=True),
        "two_factor_why": _two_factor_why(user),
    }
    return render(request, "accounts/your_account.html", context)


def _two_factor_why(user) -> str:
    """Whether the person's roles need two-factor authentication, in their words."""
    if not roles_need_two_factor(user):
        return "Your roles do not need it, but it keeps your account safer."
    if not two_factor_required(user):
        # Switched off for the whole site (a demonstration): not that these roles do not need it.
        return "It is switched off on this site, though your roles need it where it is on. It keeps your account safer."
    if scope_for(user).roles:
        return "Your roles need it."
    return "Site administrators need it."


# The audit log's stage of a failed sign-in that was a wrong current password, given to change it.
WRONG_CURRENT = "current password, to change it"


# The passwords typed are not given in the report of an error (its email, its log, or the page shown where DEBUG is on).
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request):
    """The person's current password, then a new one twice. A wrong current password is recorded as a failed sign-in
    is, and counts towards the same lock (accounts.forms.ChangePasswordForm). Changed, this session stays signed in and
    every other one of theirs ends (accounts.services.change_password), and the failed sign-ins counted against the account
    are forgotten, as a reset forgets them."""
    user = request.user
    form = ChangePasswordForm(user, request.POST if request.method == "POST" else None, request=request)
    if form.is_bound:
        if form.is_valid():
            services.change_password(user=user, password=form.cleaned_data["new_password1"], request=request)
            # The wrong current passwords typed before were of the old password: forgotten, as a reset forgets them.
            services.unlock(user=user, request=request, why="sign-in lock lifted by a new password")
            update_session_auth_hash(request, user)  # this session only: the others were begun with the old password
            messages.success(request, "Your password has been changed. Anywhere else you were signed in, you have been signed out")
            return redirect("accounts:your-account")
        if form.has_error("old_password", "password_incorrect"):
            record(AuditAction.SIGN_IN_FAILED, request=request, obj=user, stage=WRONG_CURRENT)
    return render(request, "accounts/change_password.html", {"form": form})
