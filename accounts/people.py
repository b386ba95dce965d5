"""Managing people: LA administrators, within their authorities; superusers, everywhere. Their list, inviting someone,
and a person's page, with its roles and the account's actions (each confirmed first)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from audit.models import AuditAction
from audit.services import administered, record, record_refusal
from core.numbers import whole_number
from core.paging import page_of
from core.words import isolated
from register.models import GroupMembership

from . import services
from .access import scope_for
from .forms import InviteForm, RoleForm
from .models import RoleAssignment, User
from .roles import Role


def _require_la_admin(request):
    if not scope_for(request.user).is_la_admin:
        raise PermissionDenied


def _current_roles():
    return Prefetch(
        "roles", queryset=RoleAssignment.objects.current().select_related("authority", "school", "group", "body"), to_attr="current_roles"
    )


def user_list(request):
    _require_la_admin(request)
    query = request.GET.get("q", "").strip()
    users = User.objects.manageable_by(request.user).prefetch_related(_current_roles()).order_by("full_name", "email")
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = page_of(users, 50, request.GET.get("page"))
    record(
        AuditAction.VIEW, request=request, object_type="accounts.user", object_repr="Users" + (f" matching {query!r}" if query else ""),
        lies_in=administered(scope_for(request.user)),
    )  # fmt: skip
    return render(request, "accounts/user_list.html", {"page": page, "search": query})


@require_http_methods(["GET", "POST"])
def user_invite(request):
    _require_la_admin(request)
    form = InviteForm(request.POST if request.method == "POST" else None, admin=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        invited = services.invite_user(
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            target=data["target"],
            invited_by=request.user,
            request=request,
        )
        user = invited.user
        if invited.had_account:
            # Their account is as it was: the name they are known by is theirs to keep, not the one typed here.
            named = f" as {isolated(user.full_name)}" if user.full_name and user.full_name != data["full_name"].strip() else ""
            again = ". Their invitation was emailed again, as they have not set a password yet" if invited.emailed else ""
            if invited.had_role:
                messages.info(
                    request, f"{isolated(user.email)} already had an account{named}, and already held this role: nothing changed{again}"
                )
            else:
                messages.success(request, f"{isolated(user.email)} already had an account{named}. They now hold the new role{again}")
        else:
            messages.success(request, f"Invitation sent to {isolated(user.email)}")
        return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    _require_la_admin(request)
    person = User.objects.manageable_by(request.user).filter(pk=pk).first()
    if person is None:
        # Someone the administrator may not manage is not there, as far as the page says; but one who is there is
        # recorded as refused, where that person lies (audit.scopes), so their own administrators see who tried.
        if refused := User.objects.filter(pk=pk).first():
            record_refusal(request, refused)
        raise Http404("No such person.")
    form = RoleForm(admin=request.user)
    if request.method == "POST":
        if action := ACCOUNT_ACTIONS.get(request.POST.get("action")):
            return action(request, person)
        form = RoleForm(request.POST, admin=request.user)
        if form.is_valid() and services.held_role(person, role := form.cleaned_data["role"], target := form.cleaned_data["target"]):
            form.add_error("role", f"{isolated(person.display_name)} already holds this role: {Role(role).label}, {isolated(str(target))}")
        if form.is_valid():
            data = form.cleaned_data
            services.grant_role(user=person, role=data["role"], target=data["target"], granted_by=request.user, request=request)
            messages.success(request, f"Role granted: {Role(data['role']).label}, {isolated(str(data['target']))}")
            return redirect("accounts:user-detail", pk=person.pk)
    # The roles tied to the administrator's authorities; of the person's others, how many they hold, not what or where.
    theirs = _roles_tied_to_admin(request.user, person)
    assignments = list(theirs.select_related("authority", "school", "group", "body", "granted_by").order_by("revoked_at", "-granted_at"))
    revocable = _revocable_ids(request.user, person)
    record(AuditAction.VIEW, request=request, obj=person)
    current = [a for a in assignments if a.revoked_at is None]
    context = {
        "person": person,
        "form": form,
        "current": current,
        "elsewhere": person.roles.current().count() - len(current),
        "revoked": [a for a in assignments if a.revoked_at is not None],
        "revocable": revocable,
        "invitations": list(_invitations_seen_by(request.user, person, theirs)[:5]),
        "no_invitation": _no_invitation(person),
        "has_two_factor": user_has_device(person, confirmed=True),
        "may_manage_account": (may_manage := _may_manage_account(request.user, person, revocable)),
        "locked_until": services.locked_until(person) if may_manage else None,
    }
    return render(request, "accounts/user_detail.html", context)


def _roles_tied_to_admin(admin, person):
    """The roles of `person`, current and past, tied to the authorities `admin` administers (all of them for a site
    administrator)."""
    scope = scope_for(admin)
    return person.roles.all() if scope.everything else person.roles.in_authorities(scope.admin_authority_ids)


def _no_invitation(person) -> str:
    """What the person's page says of their invitation when the administrator sees none. Made without one, the account
    was made by a site administrator (manage.py createsuperuser, the Django admin, or load_demo's demonstration
    accounts). Invited by another authority, who invited them is that authority's business, as the roles it gave are."""
    if person.invitations.exists():
        return "None from your authorities"
    return "Not invited: a site administrator made the account"


def _invitations_seen_by(admin, person, theirs):
    """The person's invitations, latest first, that `admin` may see: those sent with a role tied to the admin's
    authorities (`theirs`: _roles_tied_to_admin) or sent by the admin. Another authority's invitation, and who sent it,
    is that authority's business, as the roles it gave are."""
    invitations = person.invitations.select_related("invited_by")
    if scope_for(admin).everything:
        return invitations
    return invitations.filter(Q(assignment__in=theirs) | Q(invited_by=admin))


def _revocable_ids(admin, person) -> set:
    """The current roles of `person` that `admin` may end: those tied to the admin's authorities, but not a role at a
    trust with a current school in another authority, which is no more one authority's to end than to give
    (RoleForm._trust_target)."""
    if admin.pk == person.pk:
        return set()  # Another administrator must change your own roles.
    roles = _roles_tied_to_admin(admin, person).current()
    scope = scope_for(admin)
    if not scope.everything:
        roles = roles.exclude(group_id__in=GroupMembership.objects.outside(scope.admin_authority_ids).values("group_id"))
    return set(roles.values_list("pk", flat=True))


def _revoke(request, person):
    assignment_id = request.POST.get("assignment", "")
    if whole_number(assignment_id, 18) not in _revocable_ids(request.user, person):
        raise PermissionDenied
    assignment = RoleAssignment.objects.select_related("authority", "school", "group", "body").get(pk=assignment_id)
    if not _confirmed(request):
        facts = {"Role": assignment.get_role_display(), "For": str(assignment.scope_object)}
        return _confirmation(request, person, "revoke", facts=facts, hidden={"assignment": assignment.pk})
    services.revoke_role(assignment=assignment, revoked_by=request.user, request=request)
    messages.success(request, f"Role revoked: {assignment.get_role_display()}, {isolated(str(assignment.scope_object))}")
    return redirect(reverse("accounts:user-detail", kwargs={"pk": person.pk}))


def _reset_two_factor(request, person):
    _require_account_manager(request, person)
    if not _confirmed(request):
        return _confirmation(request, person, "reset_two_factor")
    services.reset_two_factor(user=person, reset_by=request.user, request=request)
    messages.success(
        request,
        f"Two-factor authentication reset: {isolated(str(person))} will set up their authenticator app again when they next sign in",
    )
    return redirect(reverse("accounts:user-detail", kwargs={"pk": person.pk}))


def _unlock(request, person):
    _require_account_manager(request, person)
    services.unlock(user=person, unlocked_by=request.user, request=request)
    messages.success(request, f"{isolated(person.display_name)} can try to sign in again")
    return redirect(reverse("accounts:user-detail", kwargs={"pk": person.pk}))


def _require_account_manager(request, person):
    """403 unless the signed-in administrator may act on `person`'s account as a whole (_may_manage_account)."""
    if not _may_manage_account(request.user, person, _revocable_ids(request.user, person)):
        raise PermissionDenied


def _may_manage_account(admin, person, revocable: set) -> bool:
    """Whether `admin` may act on `person`'s account as a whole (deactivate, reactivate, reset their
    second factor, lift a sign-in lock): never themselves, a superuser only by a superuser, and only when every current role
    the person holds is among `revocable` (those the admin could revoke: _revocable_ids), so that no
    authority's administrator can shut out, or open up, someone another authority has given a role."""
    if admin.pk == person.pk or (person.is_superuser and not admin.is_superuser):
        return False
    return set(person.roles.current().values_list("pk", flat=True)) <= revocable


def _set_active(request, person, active: bool):
    _require_account_manager(request, person)
    if person.is_active == active:
        raise PermissionDenied
    if not active and not _confirmed(request):
        return _confirmation(request, person, "deactivate")
    services.set_active(user=person, active=active, changed_by=request.user, request=request)
    name = isolated(person.display_name)
    messages.success(request, f"{name} can sign in again" if active else f"{name} is deactivated and can no longer sign in")
    return redirect(reverse("accounts:user-detail", kwargs={"pk": person.pk}))


# What the buttons on a person's page post (as `action`); any other post (the role form's "grant") grants a role.
ACCOUNT_ACTIONS = {
    "revoke": _revoke,
    "reset_two_factor": _reset_two_factor,
    "deactivate": lambda request, person: _set_active(request, person, False),
    "reactivate": lambda request, person: _set_active(request, person, True),
    "unlock": _unlock,
}


# Revoking a role, deactivating an account and resetting a second factor take access away: the button on the
# person's page asks first, and only the form on that question's page (confirm=yes) acts.


@dataclass(frozen=True)
class Confirmation:
    """The wording of the page that asks before one of these actions; {name} is the person's name."""

    question: str
    consequences: tuple[str, ...]
    button: str
    warning: bool = True


CONFIRMATIONS = {
    "revoke": Confirmation(
        question="Revoke {name}'s role?",
        consequences=("{name} will no longer have this role, or the access it gives.", "They keep any other roles they hold."),
        button="Revoke role",
    ),
    "deactivate": Confirmation(
        question="Deactivate {name}'s account?",
        consequences=(
            "{name} will not be able to sign in, and any session they have open will end.",
            "Their roles and everything they recorded are kept. An administrator can reactivate the account.",
        ),
        button="Deactivate account",
    ),
    "reset_two_factor": Confirmation(
        question="Reset {name}'s two-factor authentication?",
        consequences=(
            "Codes from their authenticator app will stop working.",
            "{name} will set up a new authenticator app when they next sign in.",
        ),
        button="Reset two-factor authentication",
        warning=False,
    ),
}


def _confirmed(request) -> bool:
    return request.POST.get("confirm") == "yes"


def _confirmation(request, person, action: str, *, facts: dict | None = None, hidden: dict | None = None):
    """The page that asks whether to go ahead. It changes nothing: it is recorded as a view of the person, as
    their page is. Whoever calls it has already checked that the admin may take the action."""
    wording = CONFIRMATIONS[action]
    # The name isolated, so that written right to left it does not reorder the words around it: by <bdi> on the page,
    # by Unicode's own marks in its title, which holds no markup.
    name = format_html("<bdi>{}</bdi>", person.display_name)
    record(AuditAction.VIEW, request=request, obj=person)
    context = {
        "person": person,
        "action": action,
        "title": wording.question.format(name=isolated(person.display_name)),
        "question": format_html(wording.question, name=name),
        "facts": facts or {},
        "consequences": [format_html(line, name=name) for line in wording.consequences],
        "button": {"text": wording.button, "classes": "govuk-button--warning" if wording.warning else ""},
        "hidden": (hidden or {}) | {"confirm": "yes"},
    }
    return render(request, "accounts/user_confirm.html", context)
