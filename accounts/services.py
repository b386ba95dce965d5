"""Writes to accounts: inviting people, granting and revoking their roles. Each is audited."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import AuditAction, AuditEvent
from audit.services import record
from core.jinja import gov_date
from core.next_page import with_next
from core.words import duration, isolated, listed

from .models import Invitation, RoleAssignment, User
from .roles import ROLE_SCOPE, Role, ScopeKind
from .tokens import authenticator_setup_tokens, invitation_token_generator
from .two_factor import show_mailbox


def target_field(role: Role) -> str:
    """The RoleAssignment field that holds what `role` is tied to."""
    return {ScopeKind.AUTHORITY: "authority", ScopeKind.SCHOOL: "school", ScopeKind.TRUST: "group", ScopeKind.BODY: "body"}[
        ROLE_SCOPE[Role(role)]
    ]


def check_target(role: Role, target) -> None:
    """Refuse a target of the wrong kind for the role (a headteacher of an authority, say), or a school that has closed."""
    from partnership.models import Body
    from register.models import Group, LocalAuthority, School

    expected = {"authority": LocalAuthority, "school": School, "group": Group, "body": Body}[target_field(role)]
    if not isinstance(target, expected):
        kind = ROLE_SCOPE[Role(role)].label.lower()
        raise ValidationError(f"{Role(role).label} is a role for a {kind}, not for {isolated(str(target))}.")
    if closed := closed_school(target):
        raise ValidationError(f"{closed}. A role may be given only at a school that is open or proposed to open.")
    if refusal := not_a_trust(target):
        raise ValidationError(f"{refusal}.")


def not_a_trust(target) -> str:
    """Why a group is not one a trust leader's role may be for: a school sponsor, a federation of maintained schools or
    a children's centres group, whose leaders are not a trust's (GIAS lists them all as groups); '' for a trust."""
    from register.models import Group

    if not isinstance(target, Group) or target.is_trust:
        return ""
    return f"{isolated(str(target))} is a {target.get_kind_display().lower()}, not a trust: {Role.TRUST_LEADER.label} is a role for a trust"


def closed_school(target) -> str:
    """That `target` is a school that has closed, if it is (nothing otherwise), where no role may be given: a role at a
    school is for one that is open or proposed to open. The words name the successors GIAS links it to that the
    register holds, one of which the role may have been meant for."""
    from register.models import School, SchoolStatus

    if not isinstance(target, School) or target.status != SchoolStatus.CLOSED:
        return ""
    closed = f"closed on {gov_date(target.closed_on)}" if target.closed_on else "has closed"
    successors = [isolated(str(school)) for school in target.registered_successors()]
    if successors:
        closed += f"; its successor{'s are' if len(successors) > 1 else ' is'} {listed(successors)}"
    return f"{isolated(str(target))} {closed}"


def closed_school_refusal(target) -> str:
    """closed_school's words, with what to do on a form that asks for a school's URN."""
    closed = closed_school(target)
    return f"{closed}. Enter the URN of a school that is open or proposed to open" if closed else ""


@dataclass(frozen=True)
class Invited:
    """Whom invite_user invited, whether they had an account, and the role, already, and whether an invitation was
    emailed (to one who has not set a password yet, again): the page says which."""

    user: User
    had_account: bool
    had_role: bool
    emailed: bool = False


def invite_user(*, email, full_name, role, target, invited_by, request=None) -> Invited:
    """Create the account (no password yet), grant the role and email a link to set a password.

    Inviting an email that already has an account only grants the role; if that person has not yet
    set a password, the invitation is sent again.
    """
    check_target(role, target)
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        had_account = user is not None
        if user is None:
            user = User.objects.create_user(email, full_name=full_name.strip())
        assignment, granted = _grant(user, role, target, invited_by, request)
        if not had_account:
            # Recorded once the role is theirs: an event about an account lies where its person holds a role.
            record(AuditAction.CREATE, request=request, user=invited_by, obj=user)
        emailed = user.is_active and not user.has_usable_password()
        if emailed:
            _invite_again(user, invited_by, assignment, request, by=invited_by)
    return Invited(user, had_account, had_role=not granted, emailed=emailed)


def _invite_again(user, invited_by, assignment, request, *, by) -> None:
    """Email `user` an invitation (a new link), recorded as made by `by` (None: at their own asking)."""
    invitation = Invitation.objects.create(user=user, invited_by=invited_by, assignment=assignment)
    record(AuditAction.CREATE, request=request, user=by, obj=invitation, object_repr=f"Invitation for {user.email}")
    link = invitation_link(user, request)
    transaction.on_commit(lambda: send_invitation(user, invited_by, link, assignment))


def invite_again_if_pending(email: str, request=None) -> bool:
    """Someone invited who has not yet set a password asks for a password reset, which only an account with one can
    have: their invitation is sent again instead, for the role of their latest. Whether one was sent."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    latest = user.invitations.select_related("invited_by", "assignment").order_by("-pk").first()
    if latest is None or latest.assignment is None or latest.assignment.revoked_at is not None:
        return False  # no invitation, or one to a role since ended: theirs to ask an administrator for again
    with transaction.atomic():
        _invite_again(user, latest.invited_by, latest.assignment, request, by=None)
    return True


def held_role(user, role, target) -> RoleAssignment | None:
    """The current assignment of `user` to the role tied to `target`, if they hold it."""
    return RoleAssignment.objects.current().filter(user=user, role=role, **{target_field(role): target}).first()


def grant_role(*, user, role, target, granted_by, request=None) -> RoleAssignment:
    """Give `user` the role tied to `target`; holding it already changes nothing."""
    return _grant(user, role, target, granted_by, request)[0]


def _grant(user, role, target, granted_by, request) -> tuple[RoleAssignment, bool]:
    """grant_role, also saying whether the role was granted now (False: the user held it already)."""
    check_target(role, target)
    with transaction.atomic():
        existing = held_role(user, role, target)
        if existing is not None:
            return existing, False
        assignment = RoleAssignment.objects.create(user=user, role=role, granted_by=granted_by, **{target_field(role): target})
        record(AuditAction.GRANT, request=request, user=granted_by, obj=assignment, role=str(role), to=user.email)
    _forget_scope(user)
    return assignment, True


def revoke_role(*, assignment, revoked_by, request=None) -> None:
    """End a role. The assignment stays, with when it ended, so the history is kept."""
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        assignment.revoked_at = locked.revoked_at
        record(AuditAction.REVOKE, request=request, user=revoked_by, obj=locked, role=locked.role, to=locked.user.email)
    _forget_scope(assignment.user)


def accept_invitation(*, user, request=None) -> None:
    """Mark the user's open invitations accepted, once they have set their password."""
    with transaction.atomic():
        for invitation in Invitation.objects.filter(user=user, accepted_at__isnull=True):
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            record(
                AuditAction.UPDATE, request=request, user=user, obj=invitation, object_repr=f"Invitation for {user.email}", accepted=True
            )


def confirm_two_factor_device(*, device, request=None) -> None:
    """The user proved their authenticator app works: from now on it is their second factor."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(AuditAction.UPDATE, request=request, user=device.user, obj=device.user, change="two-factor authentication set up")


# A person is sent at most one link to set up an authenticator app a minute, however many sessions ask for one.
SETUP_LINK_GAP = 60
SETUP_LINK_SENT = "Link to set up an authenticator app for "


def _setup_link_sent_lately(user) -> bool:
    """Whether `user` was sent a link to set up an authenticator app less than SETUP_LINK_GAP ago (the audit log records
    each) that still works as far as the app it holds goes: not one that an app set up, reset or replaced (by using a
    link) has made void since, for which another is wanted at once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sent = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="accounts.user", object_id=str(user.pk), object_repr__startswith=SETUP_LINK_SENT
    )
    last = sent.filter(at__gt=timezone.now() - timedelta(seconds=SETUP_LINK_GAP)).order_by("-at").values_list("at", flat=True).first()
    # An app made before django-otp recorded when (its created_at empty) is older than any link.
    made_before = Q(created_at__lte=last) | Q(created_at__isnull=True)
    return last is not None and TOTPDevice.objects.filter(made_before, user=user, confirmed=False).exists()


def app_to_set_up(user):
    """The person's authenticator app waiting to be set up (its key not yet confirmed by a code): theirs, else a new one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


def send_authenticator_setup_link(*, user, request, next_url: str = "", asked: bool = False) -> bool:
    """Email `user` a link to set up their authenticator app, which shows that the mailbox is theirs: signed in with a
    password alone, they are not let set one up. The app to be set up is made now (not shown until the link is used),
    so that the link holds it and is void once it is replaced or set up (accounts.tokens.AuthenticatorSetupTokens).
    `next_url`: the page the person asked for, which the link sends them on to once the app is set up. `asked`: the person
    asked for it with the page's button, rather than being sent it as they signed in; the email says which.

    Not if one that still works was sent less than SETUP_LINK_GAP ago, from this session or another (signing in again
    and again, or in several browsers): whether one was sent now."""

    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one sender at a time for the person
        if _setup_link_sent_lately(user):
            return False
        app_to_set_up(user)
        link = emailed_link("accounts:two-factor-link", authenticator_setup_tokens, user, request, next_url=next_url)
        record(AuditAction.CREATE, request=request, user=user, obj=user, object_repr=f"{SETUP_LINK_SENT}{user.email}")
        transaction.on_commit(
            lambda: _email_authenticator_setup_link(user, link, request.build_absolute_uri(reverse("accounts:password-reset")), asked=asked)
        )
    return True


def _email_authenticator_setup_link(user, link, reset_link, *, asked=False) -> None:
    valid = duration(settings.PASSWORD_RESET_TIMEOUT)
    context = {"user": user, "link": link, "reset_link": reset_link, "valid": valid, "asked": asked}
    subject = render_to_string("accounts/email/two_factor_link_subject.txt", context).strip()
    send_mail(subject, render_to_string("accounts/email/two_factor_link_body.txt", context), None, [user.email])


def use_authenticator_setup_link(*, user, token, request) -> bool:
    """The person opened the link to set up their authenticator app (send_authenticator_setup_link): this session may
    now set one up. The app waiting to be set up is replaced by one with a new key, which voids the link: it works once,
    even posted twice at the same moment, as the token is checked again under a lock on the person's row. Whether it
    was used now (not: used, replaced or set up meanwhile)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one use at a time for the person
        if not authenticator_setup_tokens.check_token(user, token):
            return False
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        app_to_set_up(user)
        record(AuditAction.UPDATE, request=request, user=user, obj=user, change="link to set up an authenticator app used")
    show_mailbox(request, user)
    return True


def change_password(*, user, password: str, request) -> None:
    """The signed-in person chose a new password, giving their current one (accounts.forms.ChangePasswordForm). Recorded
    as a password reset is; every other session of theirs ends at its next request (Django's, begun before the change,
    no longer let them in), and they are emailed to say so (email_password_changed)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(AuditAction.UPDATE, request=request, user=user, obj=user, change="password changed")
        email_password_changed(user=user, request=request)


def email_password_changed(*, user, request, reset: bool = False) -> None:
    """Email the person that their password was changed, on 'Your account' or (`reset`) with a link emailed to them, and
    what to do if it was not them. Not for a first password, set from an invitation: it changes none they had. The email
    goes once the change is made: should the mail server fail, the password is changed all the same, and the failure
    logged."""
    context = {
        "user": user,
        "when": gov_date(timezone.now(), with_time=True),
        "reset": reset,
        "reset_link": request.build_absolute_uri(reverse("accounts:password-reset")),
    }
    transaction.on_commit(lambda: _email_password_changed(user, context), robust=True)


def _email_password_changed(user, context) -> None:
    subject = render_to_string("accounts/email/password_changed_subject.txt", context).strip()
    send_mail(subject, render_to_string("accounts/email/password_changed_body.txt", context), None, [user.email])


def reset_two_factor(*, user, reset_by, request=None) -> None:
    """Remove a person's authenticator app (lost phone): they set up a new one at their next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        record(AuditAction.UPDATE, request=request, user=reset_by, obj=user, change="two-factor authentication reset", devices=removed)


def locked_until(user):
    """When the lock on signing in as `user`, after repeated failed sign-ins (django-axes), ends; None if there is none.
    Failures are counted per address the sign-ins came from, whatever capitals the email was typed with."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(username__iexact=user.email, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if cool_off:
        attempts = attempts.filter(attempt_time__gt=timezone.now() - cool_off)
    last = attempts.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    return None if last is None else (last + cool_off if cool_off else last)


def unlock(*, user, unlocked_by=None, request=None, why: str = "sign-in lock lifted") -> int:
    """Forget the failed sign-ins as `user` (whatever capitals they were typed with), lifting a lock on signing in: by an
    administrator, or as the person sets a new password (`unlocked_by` None: by themselves). Audited where it lifted one."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    names = set(AccessAttempt.objects.filter(username__iexact=user.email).values_list("username", flat=True))
    was_locked = locked_until(user) is not None
    forgotten = sum(reset(username=name) for name in names)
    if was_locked:
        record(AuditAction.UPDATE, request=request, user=unlocked_by or user, obj=user, change=why)
    return forgotten


def set_active(*, user, active: bool, changed_by, request=None) -> None:
    """Deactivate an account (someone who has left) or reactivate it. A deactivated person cannot sign
    in, and a session they already had ends at their next request; their roles are kept for the record."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        change = "account reactivated" if active else "account deactivated"
        record(AuditAction.UPDATE, request=request, user=changed_by, obj=user, change=change)


def emailed_link(url_name: str, tokens, user, request=None, *, next_url: str = "") -> str:
    """The address of a link emailed to `user`: the page `url_name`, with their id and a token of `tokens` (one of
    accounts.tokens' generators), on this site (the request's, else SITE_URL); with `next_url`, where to go after."""
    path = reverse(url_name, kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": tokens.make_token(user)})
    path = with_next(path, next_url)
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def invitation_link(user, request=None) -> str:
    return emailed_link("accounts:invitation-accept", invitation_token_generator, user, request)


def send_invitation(user, invited_by, link, assignment=None) -> None:
    """The invitation email: who invited them, for what role (`assignment`'s) and where, and the link."""
    role = f"{assignment.get_role_display()}, {assignment.scope_object}" if assignment is not None else ""
    days = settings.INVITATION_TIMEOUT // (24 * 3600)
    context = {"user": user, "invited_by": invited_by, "link": link, "valid_days": days, "role": role}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [user.email])


def _forget_scope(user) -> None:
    # scope_for caches on the instance; a changed role must be seen at once.
    if hasattr(user, "_cg_scope"):
        del user._cg_scope
