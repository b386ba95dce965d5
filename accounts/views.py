"""Signing in and out, the second factor, password reset and accepting an invitation (managing people: accounts.people)."""

import logging
from base64 import b32encode

import segno
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup

from audit.models import AuditAction
from audit.services import record
from core.next_page import safe_next, with_next
from core.words import duration, isolated

from . import services
from .forms import NewPasswordForm, ResetRequestForm, SecondFactorForm, SignInForm
from .middleware import SIGNED_IN_COOKIE
from .models import User
from .sessions import record_sign_out
from .tokens import authenticator_setup_tokens, invitation_token_generator, password_reset_tokens
from .two_factor import (
    MAILBOX_SHOWN,
    SECOND_FACTOR_PENDING,
    mailbox_shown,
    second_factor_url,
    show_mailbox,
    two_factor_required,
)

logger = logging.getLogger(__name__)


def _after_sign_in(request):
    return redirect(safe_next(request) or settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")  # not given in the report of an error
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.method == "GET" and request.user.is_authenticated:
        return _after_sign_in(request)
    form = SignInForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_bound:
        if form.is_valid():
            return _signed_in(request, form.user)
        if form.has_error("__all__", "invalid_login"):
            email = form.cleaned_data.get("email", "")
            record(AuditAction.SIGN_IN_FAILED, request=request, obj=_account_of(email), email=email, stage="password")
        elif form.has_error("__all__", "demo_account"):  # its shared password, tried where it opens nothing
            email = form.cleaned_data.get("email", "")
            record(AuditAction.SIGN_IN_FAILED, request=request, obj=_account_of(email), email=email, stage="demo account")
    context = {"form": form, "next": safe_next(request), "signed_out": request.GET.get("signed_out")}
    return render(request, "accounts/sign_in.html", context)


def _account_of(email: str) -> User | None:
    """The account a failed sign-in or a lock-out was about, if the email is one's: the event then lies where the
    account does (accounts.apps.where_an_account_lies), so that its authority's administrators see it."""
    return User.objects.filter(email__iexact=email.strip()).first() if email else None


# The audit log's reason for the end of a session by signing in again in the same browser.
SIGNED_IN_AGAIN = "signed in again in the same browser"


def _signed_in(request, user):
    if request.user.is_authenticated:
        # Signed in already (a sign-in form left open in another tab), the person begins a new session. Django's login
        # would keep this one's data for the same person: the second factor given in it, and so a password alone would
        # put off its absolute limit (accounts.sessions) by as long again. That session's end is recorded, as any is:
        # whoever signs in now may be someone else, at a shared computer.
        record_sign_out(request, reason=SIGNED_IN_AGAIN)
        request.session.flush()
    login(request, user)
    record(AuditAction.SIGN_IN, request=request, stage="password")
    next_url = safe_next(request)
    if user_has_device(user, confirmed=True) and not two_factor_required(user):
        # They chose a second factor, so it is asked for, though their roles do not need one.
        request.session[SECOND_FACTOR_PENDING] = True
    if two_factor_required(user) or request.session.get(SECOND_FACTOR_PENDING):
        if not user_has_device(user, confirmed=True) and not mailbox_shown(request):
            request.session[SETUP_LINK_DUE] = True  # the set-up page it leads to emails the link (_setup_link_sent)
        response = redirect(second_factor_url(request, next_url))
    else:
        response = redirect(next_url or settings.LOGIN_REDIRECT_URL)
    response.set_cookie(SIGNED_IN_COOKIE, "1", secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when an account is locked after repeated failed sign-ins."""
    cool_off = get_cool_off(request)
    wait = duration(max(60, cool_off.total_seconds())) if cool_off else None  # "30 minutes", "an hour", "2 hours"
    email = get_client_username(request, credentials) or ""
    record(AuditAction.LOCKED_OUT, request=request, obj=_account_of(email), email=email)
    # Wrong current passwords, given to change it, count towards the same lock (accounts.your_account.change_password).
    changing = request.path == reverse("accounts:change-password")
    return render(request, "accounts/locked_out.html", {"wait": wait, "changing": changing}, status=429)


@never_cache  # a public path, which the middleware does not mark so (accounts.middleware): it names the person
@require_http_methods(["GET", "POST"])
def sign_out(request):
    if not request.user.is_authenticated:
        # Signed out already: Back to this page after signing out, or a session that ended meanwhile. Sent to sign in,
        # the person would be brought back here after it and asked whether to sign out.
        response = redirect(settings.LOGOUT_REDIRECT_URL)
        response.delete_cookie(SIGNED_IN_COOKIE)
        return response
    if request.method == "GET":
        return render(request, "accounts/sign_out.html")
    record_sign_out(request)
    logout(request)
    messages.success(request, "You have been signed out")
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    next_url = safe_next(request)
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            return redirect(second_factor_url(request, next_url))
        return render(request, "accounts/two_factor_done.html")
    if not mailbox_shown(request):
        return _setup_link_sent(request)
    device = services.app_to_set_up(user)
    form = SecondFactorForm(request.POST if request.method == "POST" else None, device=device)
    if form.is_bound and form.is_valid():
        services.confirm_two_factor_device(device=device, request=request)
        otp_login(request, device)
        for done_with in (SECOND_FACTOR_PENDING, MAILBOX_SHOWN, SETUP_LINK_DUE):
            request.session.pop(done_with, None)
        messages.success(request, "Two-factor authentication is set up. You will be asked for a code each time you sign in")
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "next": next_url,
        "qr_code": _qr_svg(device.config_url),
        "secret_key": " ".join(_chunks(b32encode(device.bin_key).decode(), 4)),
    }
    return render(request, "accounts/two_factor_setup.html", context)


# When this session last asked for a link to set up an authenticator app to be emailed (seconds since 1970).
SETUP_LINK_SENT = "cg_setup_link_sent"
# Set by signing in with a password alone, for a role that needs a second factor and has no app yet: the set-up page
# the sign-in leads to emails the link at once. Nothing else sends one without being asked (a button, posted).
SETUP_LINK_DUE = "cg_setup_link_due"


def _setup_link_sent(request):
    """Signed in with a password alone, the person is emailed a link to set up their authenticator app
    (services.send_authenticator_setup_link), and this page says so: at once after signing in for a role that needs
    the app, otherwise when they ask with the page's button (never by merely opening the page, which a page on another
    site could make a browser do). At most one a minute for the person, however many sessions ask: within the minute
    of the last, the page still says truly that a link was sent, and one asked for again that one went less than a
    minute ago."""
    now = int(timezone.now().timestamp())
    action = request.POST.get("action") if request.method == "POST" else None
    asked = action in ("send", "send-again")
    due = request.session.pop(SETUP_LINK_DUE, False)
    if asked or due:
        sent = services.send_authenticator_setup_link(user=request.user, request=request, next_url=safe_next(request), asked=asked)
        request.session[SETUP_LINK_SENT] = now
        if action == "send-again" and sent:
            messages.success(request, f"We have sent another link to {isolated(request.user.email)}")
        elif action == "send-again":
            messages.info(request, "We sent you a link less than a minute ago. If it has not come, wait a minute, then ask again")
    if asked:
        return redirect(second_factor_url(request, safe_next(request)))
    context = {"email": request.user.email, "valid": duration(settings.PASSWORD_RESET_TIMEOUT), "next": safe_next(request)}
    if now - request.session.get(SETUP_LINK_SENT, 0) > settings.PASSWORD_RESET_TIMEOUT:
        return render(request, "accounts/two_factor_ask_for_link.html", context)
    return render(request, "accounts/two_factor_link_sent.html", context)


@require_http_methods(["GET", "POST"])
def two_factor_link(request, uidb64, token):
    """The emailed link to set up an authenticator app. Opening it changes nothing (a mail system may open links to
    check them); its button uses it, and sends the person to set up the app, signing in first if they have not."""
    user = _user_of_link(uidb64)
    valid = user is not None and authenticator_setup_tokens.check_token(user, token)
    another = valid and request.user.is_authenticated and request.user.pk != user.pk
    if not valid or another:
        return render(request, "accounts/two_factor_link.html", {"valid": False, "another": another, "next": safe_next(request)})
    if request.method == "GET":
        return render(request, "accounts/two_factor_link.html", {"valid": True})
    if not services.use_authenticator_setup_link(user=user, token=token, request=request):
        return render(request, "accounts/two_factor_link.html", {"valid": False, "next": safe_next(request)})  # used meanwhile
    # The page the person asked for before signing in, which the link holds, once the app is set up: on this site only.
    next_url = safe_next(request)
    set_up = with_next(reverse("accounts:two-factor-setup"), next_url)
    if request.user.is_authenticated:
        return redirect(set_up)
    messages.info(request, "Sign in to set up your authenticator app")
    # Whose roles need a second factor are sent to set it up after signing in; one who chose to have one is sent there.
    return redirect(with_next(reverse("accounts:sign-in"), next_url if two_factor_required(user) else set_up))


def _user_of_link(uidb64: str) -> User | None:
    try:
        return User.objects.filter(pk=int(urlsafe_base64_decode(uidb64).decode())).first()
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None


def _qr_svg(text: str) -> Markup:
    svg = segno.make(text, error="m").svg_inline(scale=5, border=4, title="QR code to scan with your authenticator app", light="#fff")
    # segno writes only geometry and colour attributes (no style), which strict CSP allows.
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1))  # noqa: S704


def _chunks(text: str, size: int):
    return [text[i : i + size] for i in range(0, len(text), size)]


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    next_url = safe_next(request)
    if user.is_verified():
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(second_factor_url(request, next_url))
    form = SecondFactorForm(request.POST if request.method == "POST" else None, device=device)
    if form.is_bound:
        if form.is_valid():
            otp_login(request, device)
            request.session.pop(SECOND_FACTOR_PENDING, None)
            record(AuditAction.SIGN_IN, request=request, stage="second factor")
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        record(AuditAction.SIGN_IN_FAILED, request=request, stage="second factor")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


# Password reset by email: Django's views, with our templates.


class AfterTheAnswer(HttpResponseRedirect):
    """A redirect that, once the server has sent it (a WSGI server then closes the response), does `then`: work whose
    length must not show in how long the answer took. A failure is logged: the answer has gone, and says the same."""

    def __init__(self, url, *, then):
        super().__init__(url)
        self.then = then

    def close(self):
        then, self.then = self.then, None
        try:
            if then is not None:
                then()
        except Exception:
            logger.exception("Work left until after the answer had gone failed")
        finally:
            super().close()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, except that the emails go once the answer has: sending one (to an account, or an invitation again)
    took the time of a connection to the mail server, which an address with no account did not, so that how long the
    page took to answer told whether an address has an account here."""

    def get_initial(self):
        # Reached from their account's page, a signed-in person asks for a link to their own address.
        return {"email": self.request.user.email} if self.request.user.is_authenticated else {}

    @property
    def extra_email_context(self):
        return {"valid": duration(settings.PASSWORD_RESET_TIMEOUT)}  # how long the link works, which the email says

    def form_valid(self, form):
        super().form_valid(form)  # the form gets its emails ready (ResetRequestForm.save)
        return AfterTheAnswer(self.get_success_url(), then=form.send)


password_reset = PasswordResetView.as_view(
    form_class=ResetRequestForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset_body.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-sent"),
)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"valid": duration(settings.PASSWORD_RESET_TIMEOUT)}  # as the email says


password_reset_sent = PasswordResetSentView.as_view()

password_reset_complete = auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    token_generator = password_reset_tokens

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditAction.UPDATE, request=self.request, user=form.user, obj=form.user, change="password reset")
        services.email_password_changed(user=form.user, request=self.request, reset=True)
        show_mailbox(self.request, form.user)  # the link came by email: they may set up an authenticator app
        # Locked out after failed sign-ins, as the lock page suggests, they reset their password: it lifts the lock.
        services.unlock(user=form.user, request=self.request, why="sign-in lock lifted by a new password")
        return response


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The emailed invitation link: the new user sets a password, then signs in."""

    form_class = NewPasswordForm
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("accounts:sign-in")
    token_generator = invitation_token_generator

    def get_context_data(self, **kwargs):
        user = getattr(self, "user", None)
        return super().get_context_data(**kwargs) | {"deactivated": user is not None and not user.is_active}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.accept_invitation(user=form.user, request=self.request)
        show_mailbox(self.request, form.user)  # the link came by email: they may set up an authenticator app
        services.unlock(user=form.user, request=self.request, why="sign-in lock lifted by a new password")
        messages.success(self.request, "Your password is set. Sign in with your email address and new password")
        return response
