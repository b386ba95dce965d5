"""Forms for signing in, the second factor, and managing who holds which role."""

import hashlib
import logging
import math
import re
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.numbers import whole_number
from core.words import listed
from partnership.models import Body
from register.models import Group, LocalAuthority, School

from .access import scope_for
from .models import is_demo_account, on_one_line
from .roles import ROLE_SCOPE, Role, ScopeKind
from .services import closed_school_refusal, not_a_trust

logger = logging.getLogger(__name__)

# Anyone may ask for a reset link for any address: one address is sent at most this many (links, or its invitation
# again) within RESET_WINDOW seconds, so that no one can fill a person's inbox with emails in the service's name.
RESETS_PER_ADDRESS = 3
RESET_WINDOW = 60 * 60


class SignInForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(strip=False, error_messages={"required": "Enter your password"})

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    @sensitive_variables("password")
    def clean(self):
        email, password = self.cleaned_data.get("email"), self.cleaned_data.get("password")
        if email and password:
            # The request goes to authenticate() so that django-axes counts failures and locks out.
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                raise forms.ValidationError("Enter a correct email address and password", code="invalid_login")
            if is_demo_account(self.user.email) and not settings.DEMO_NOTICE:
                # Its password was printed for anyone at the demonstration to use: here it opens nothing.
                self.user = None
                raise forms.ValidationError(
                    "This is an account of the demonstration, which signs in only where the service runs as one", code="demo_account"
                )
        return self.cleaned_data


class SecondFactorForm(forms.Form):
    # Authenticator apps show the code in two halves ("024 909"): typed so, or with a hyphen, it is the same code.
    code = forms.CharField(strip=True, max_length=20, error_messages={"required": "Enter the 6-digit code from your authenticator app"})

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        if self.device is not None and (wait := _wait_after_wrong_codes(self.device)):
            # After wrong codes, each next try waits longer: the right code is refused until then, so say so.
            raise forms.ValidationError(wait)
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("The code is not correct or has expired. Enter the latest code from your authenticator app")
        return code


def _wait_after_wrong_codes(device) -> str:
    """Why no code is checked for now, where the device refuses any after wrong ones: 'A wrong code was entered 3 times:
    wait 8 seconds, then enter the latest code from your authenticator app'; else ''."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return ""
    seconds = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    times = data.get("failure_count") or 0
    entered = f"{times} times" if times > 1 else "just now"
    return (
        f"A wrong code was entered {entered}: wait {seconds} second{'s' if seconds != 1 else ''}, then enter the latest code"
        " from your authenticator app"
    )


TARGET_FIELD = {ScopeKind.AUTHORITY: "authority", ScopeKind.SCHOOL: "school_urn", ScopeKind.TRUST: "trust", ScopeKind.BODY: "body"}


class RoleForm(forms.Form):
    """A role and the one thing it is tied to, chosen from within the administrator's authorities."""

    role = forms.ChoiceField(choices=Role.choices, error_messages={"required": "Select a role"})
    authority = forms.ModelChoiceField(queryset=LocalAuthority.objects.none(), required=False)
    school_urn = forms.CharField(required=False, max_length=10)
    trust = forms.CharField(required=False, max_length=20)
    body = forms.ModelChoiceField(queryset=Body.objects.none(), required=False)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(admin)
        self.everything = scope.everything
        self.authority_ids = scope.admin_authority_ids
        self.fields["authority"].queryset = (
            LocalAuthority.objects.all() if self.everything else LocalAuthority.objects.filter(id__in=self.authority_ids)
        )
        self.fields["body"].queryset = (
            Body.objects.all() if self.everything else Body.objects.filter(authority_id__in=self.authority_ids)
        ).select_related("authority")
        authorities = list(self.fields["authority"].queryset[:2])
        if len(authorities) == 1:
            self.fields["authority"].initial = authorities[0].pk
        # Each role's radio reveals an input of its own for what the role is for ("headteacher-school_urn"), as
        # GOV.UK's conditionally revealed questions do: the field is read from that of the role chosen. (Without
        # JavaScript every role's input shows, and those of other roles may hold what was typed under them.)
        if self.is_bound and (own := self._own_input(self.data.get("role"))) and own[1] in self.data:
            self.data = self.data.copy()
            self.data[own[0]] = self.data[own[1]]

    @staticmethod
    def _own_input(role) -> tuple[str, str] | None:
        """(the field, the name and id of the input `role`'s radio reveals for it), or None for no role."""
        if role not in Role.values:
            return None
        field = TARGET_FIELD[ROLE_SCOPE[Role(role)]]
        return field, f"{role}-{field}"

    def revealed(self, role: str) -> dict:
        """What the input `role`'s radio reveals is rendered from: its field, its name and id, what it holds (what was
        typed in it, kept when the form is sent back with an error) and, for the role chosen, the field's error."""
        field, name = self._own_input(role)
        chosen = self.is_bound and self.data.get("role") == role
        value = self.data.get(name, "") if self.is_bound and not chosen else self[field].value()
        error = self.errors[field][0] if chosen and field in self.errors else None
        return {"field": field, "name": name, "value": "" if value is None else str(value), "error": error}

    @property
    def error_ids(self) -> dict[str, str]:
        """The id of the input that shows each field's error, where it is not the field's name: the error summary links
        to it (accounts/_forms.html)."""
        own = self._own_input(self.data.get("role")) if self.is_bound else None
        return {own[0]: own[1]} if own else {}

    def clean(self):
        role = self.cleaned_data.get("role")
        if not role:
            return self.cleaned_data
        kind = ROLE_SCOPE[Role(role)]
        field = TARGET_FIELD[kind]
        target = getattr(self, f"_{field}_target")(self.cleaned_data.get(field), Role(role))
        self.cleaned_data["target"] = target
        return self.cleaned_data

    def _missing(self, field, role, message):
        self.add_error(field, f"{role.label} is a role for a {ROLE_SCOPE[role].label.lower()}: {message}")

    def _authority_target(self, authority, role):
        if authority is None:
            self._missing("authority", role, "select the local authority")
        return authority

    def _body_target(self, body, role):
        if body is None:
            self._missing("body", role, "select the partnership body")
        return body

    def _school_urn_target(self, urn, role):
        urn = (urn or "").strip()
        if not urn:
            self._missing("school_urn", role, "enter the school's URN")
            return None
        number = whole_number(urn)
        if number is None:
            self.add_error("school_urn", "URN must be a number, like 125000")
            return None
        schools = School.objects.all() if self.everything else School.objects.filter(la_id__in=self.authority_ids)
        school = schools.filter(urn=number).first()
        if school is None:
            self.add_error("school_urn", "Enter the URN of a school in your local authority")
        elif refusal := closed_school_refusal(school):
            self.add_error("school_urn", refusal)
            return None
        return school

    def _trust_target(self, reference, role):
        reference = (reference or "").strip()
        if not reference:
            self._missing("trust", role, "enter the trust's group UID or group ID")
            return None
        groups = (
            Group.objects.all()
            if self.everything
            else Group.objects.filter(memberships__school__la_id__in=self.authority_ids, memberships__left_on__isnull=True).distinct()
        )
        uid = whole_number(reference)
        found = groups.filter(uid=uid) if uid is not None else groups.filter(group_id__iexact=reference)
        group = found.first()
        if group is None:
            self.add_error("trust", "Enter the group UID or group ID of a trust with schools in your local authority")
            return None
        if refusal := not_a_trust(group):
            self.add_error("trust", f"{refusal}. Enter the group UID or group ID of a trust")
            return None
        elsewhere = [] if self.everything else self._other_authorities_of(group)
        if elsewhere:
            self.add_error(
                "trust",
                f"{group} also has schools in {listed([str(authority) for authority in elsewhere])}. Only an administrator "
                "of every authority the trust's schools are in, or a site administrator, can give this role",
            )
            return None
        return group

    def _other_authorities_of(self, group):
        """The authorities, other than the administrator's, of the trust's current member schools: a trust role
        reaches the confidential records of every one of them, so it is not one authority's to give."""
        return list(LocalAuthority.objects.filter(id__in=group.memberships.outside(self.authority_ids).values("school__la_id")))


class InviteForm(RoleForm):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    full_name = forms.CharField(max_length=200, validators=[on_one_line], error_messages={"required": "Enter their full name"})

    field_order = ["full_name", "email", "role", "authority", "school_urn", "trust", "body"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ResetRequestForm(PasswordResetForm):
    """Asking for a password reset link, with errors in GOV.UK words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {"required": "Enter your email address", "invalid": "Enter an email address in the correct format, like name@example.org"}
        )

    def save(self, *args, request=None, **kwargs):
        """Get ready what `send` emails; the page sends it once its answer has gone (accounts.views.PasswordResetView),
        so that how long the answer takes says nothing of whether the address has an account."""
        self._sending = partial(self._send, *args, request=request, **kwargs)

    def send(self) -> None:
        """Email what `save` got ready, if anything."""
        if sending := getattr(self, "_sending", None):
            self._sending = None
            sending()

    def _send(self, *args, request=None, **kwargs):
        """Email a reset link to the account, if it has a password; to one invited who has not set one yet, their
        invitation again. The page says the same whatever happens, so as not to tell who has an account, nor that an
        address was asked for too often (more than RESETS_PER_ADDRESS times in RESET_WINDOW: nothing more is sent)."""
        if not _reset_allowed(self.cleaned_data["email"]):
            return
        super().save(*args, request=request, **kwargs)
        from .services import invite_again_if_pending

        invite_again_if_pending(self.cleaned_data["email"], request)


def _reset_allowed(email: str) -> bool:
    """Whether a reset may be emailed to `email` now: counted by the address, whatever case it was typed in. With the
    cache out of reach, it is sent: a person locked out of their account matters more than a full inbox."""
    key = "password-resets:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    try:
        cache.add(key, 0, RESET_WINDOW)
        count = cache.incr(key)
    except Exception:
        return True
    if count == RESETS_PER_ADDRESS + 1:
        logger.warning("An address was asked for more password resets than %s within %s seconds: no more are sent for now",
                       RESETS_PER_ADDRESS, RESET_WINDOW)  # fmt: skip
    return count <= RESETS_PER_ADDRESS


class NewPasswordForm(SetPasswordForm):
    """Choosing a new password, twice: from a reset or an invitation link, and (with the current one) on 'Your account'.
    The settings' validators' refusals go under the new password, which they are about (Django's SetPasswordForm puts
    them under the second field), each in plain words; the new password's hint says what they ask of it."""

    error_messages = {"password_mismatch": "The new passwords do not match: enter the same new password twice"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password1"].help_text = password_hint()
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"

    @sensitive_variables("new")
    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        if (new := self.cleaned_data.get("new_password1")) and (refusals := self.refusals(new)):
            self.add_error("new_password1", refusals)
        return self.cleaned_data

    @sensitive_variables("new")
    def refusals(self, new: str) -> list:
        """Why `new` will not do, by the settings' validators, each in plain words; none if it will."""
        try:
            password_validation.validate_password(new, self.user)
        except forms.ValidationError as error:
            return [_in_plain_words(each) for each in error.error_list]
        return []


def password_hint() -> str:
    """What a new password must be, as the settings' validators have it: 'At least 12 characters. …'."""
    validators = password_validation.get_default_password_validators()
    lengths = [each.min_length for each in validators if isinstance(each, password_validation.MinimumLengthValidator)]
    at_least = f"At least {max(lengths)} characters. " if lengths else ""
    return at_least + "Do not use a password you use anywhere else."


class ChangePasswordForm(NewPasswordForm):
    """A signed-in person changing their password: their current one, then the new one twice. The current password is
    checked as signing in checks one, so that wrong ones count towards the same lock (django-axes, by account and
    address). Each error says which field is wrong and why; the page shows none of what was typed again."""

    error_messages = NewPasswordForm.error_messages | {
        "password_incorrect": "Your current password is not correct",
        "password_unchanged": "Your new password must be different from your current password",
    }
    old_password = forms.CharField(strip=False, error_messages={"required": "Enter your current password"})

    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    @sensitive_variables("password")
    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        # authenticate(), with the request, is what counts the failure (and locks out) as on the sign-in page.
        if authenticate(self.request, email=self.user.email, password=password) != self.user:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return password

    @sensitive_variables("new")
    def refusals(self, new: str) -> list:
        """The current password again will not do, whatever the validators say of it."""
        if new == self.cleaned_data.get("old_password"):
            return [forms.ValidationError(self.error_messages["password_unchanged"], code="password_unchanged")]
        return super().refusals(new)


def _in_plain_words(error: forms.ValidationError) -> str:
    """What a password validator found wrong with a new password, in GOV.UK words where it is one of Django's own;
    another validator's words as it gives them, less a full stop at their end, as GOV.UK's error messages have none (the
    page joins several reasons with full stops between them)."""
    params = error.params or {}
    code = error.code
    if code == "password_too_short":
        return f"Your new password must be at least {params['min_length']} characters long"
    if code == "password_too_similar":
        like = {"email": "email address"}.get(str(params["verbose_name"]), params["verbose_name"])
        return f"Your new password is too like your {like}: choose one that does not contain it"
    if code == "password_too_common":
        return "Your new password is one of those used most often, which are guessed first: choose a less common one"
    if code == "password_entirely_numeric":
        return "Your new password must not be only numbers"
    return " ".join(error.messages).rstrip().removesuffix(".")
