"""The signed-in person's own account: who they are, their roles, their second factor and how to change their password."""

from django.shortcuts import render
from django_otp import user_has_device

from core.views import held_roles

from .access import scope_for
from .two_factor import two_factor_required


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
    if not two_factor_required(user):
        return "Your roles do not need it, but it keeps your account safer."
    if scope_for(user).roles:
        return "Your roles need it."
    return "Site administrators need it."
