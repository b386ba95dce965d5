"""Every page that sets a new password (changing it from 'Your account', a reset by email, accepting an invitation) says
what the settings' validators want of it, and why one is refused, in the same words, under the new password."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.roles import Role
from accounts.tokens import password_reset_tokens

from .conftest import sign_in
from .evidence_helpers import text
from .test_accounts_change_password import CURRENT, errors, summary

NEW = "a new and long passphrase 42"


def reset_page(client, world):
    """The page a password reset link opens, for the headteacher."""
    head = world.users[Role.HEADTEACHER]
    link = services.emailed_link("accounts:password-reset-confirm", password_reset_tokens, head)
    return head, client.get(path_of(link))["Location"]


def invitation_page(client, world):
    """The page an invitation link opens, for someone invited who has no password yet."""
    invited = User.objects.create_user("nia.okafor@example.org", full_name="Nia Okafor")
    return invited, client.get(path_of(services.invitation_link(invited)))["Location"]


def change_page(client, world):
    head = world.users[Role.HEADTEACHER]
    sign_in(client, head)
    return head, reverse("accounts:change-password")


def path_of(link: str) -> str:
    """An emailed link's path on this site."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


PAGES = {"reset": reset_page, "invitation": invitation_page, "change": change_page}


def set_password(client, url, new, again=None):
    return client.post(url, {"old_password": CURRENT, "new_password1": new, "new_password2": new if again is None else again})


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short pass", "Your new password must be at least 12 characters long"),
        ("password1234", "Your new password is one of those used most often, which are guessed first: choose a less common one"),
        ("736459120348576", "Your new password must not be only numbers"),
    ],
)
def test_a_password_the_validators_refuse_says_why_under_the_new_password(client, world, page, new, message):
    person, url = PAGES[page](client, world)
    response = set_password(client, url, new)
    assert response.status_code == 200
    assert errors(response) == {"new_password1": message}
    assert summary(response) == [("#new_password1", message)]
    person.refresh_from_db()
    assert not person.check_password(new)


@pytest.mark.parametrize("page", PAGES)
def test_a_password_like_the_persons_email_address_is_refused_under_the_new_password(client, world, page):
    person, url = PAGES[page](client, world)
    response = set_password(client, url, person.email)
    message = "Your new password is too like your email address: choose one that does not contain it"
    assert errors(response) == {"new_password1": message}


@pytest.mark.parametrize("page", PAGES)
def test_every_reason_is_given_each_in_plain_words(client, world, page):
    _, url = PAGES[page](client, world)
    response = set_password(client, url, "12345678")
    assert errors(response) == {
        "new_password1": "Your new password must be at least 12 characters long. Your new password is one of those used most "
        "often, which are guessed first: choose a less common one. Your new password must not be only numbers"
    }
    assert [href for href, _ in summary(response)] == ["#new_password1"] * 3


@pytest.mark.parametrize("page", PAGES)
def test_the_hint_and_the_refusal_are_the_settings(client, world, settings, page):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 40}}
    ]
    _, url = PAGES[page](client, world)
    page_text = text(client.get(url))
    assert "At least 40 characters. Do not use a password you use anywhere else." in page_text
    assert "12 characters" not in page_text
    assert errors(set_password(client, url, NEW)) == {"new_password1": "Your new password must be at least 40 characters long"}


class NeedsASymbol:
    """A validator of another package's kind: its words are a sentence, with a full stop."""

    def validate(self, password, user=None):
        if password.isalnum():
            raise ValidationError("This password must contain at least one symbol.", code="password_no_symbol")

    def get_help_text(self):
        return "Your password must contain at least one symbol."


@pytest.mark.parametrize("page", PAGES)
def test_another_validators_words_are_given_as_it_gives_them_without_a_full_stop_before_the_next(client, world, settings, page):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": f"{__name__}.NeedsASymbol"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 40}},
    ]
    _, url = PAGES[page](client, world)
    response = set_password(client, url, "Correcthorsebatterystaple")
    assert errors(response) == {
        "new_password1": "This password must contain at least one symbol. Your new password must be at least 40 characters long"
    }
    assert [message for _, message in summary(response)] == [
        "This password must contain at least one symbol",
        "Your new password must be at least 40 characters long",
    ]


@pytest.mark.parametrize("page", PAGES)
def test_with_no_length_in_the_settings_the_hint_gives_none(client, world, settings, page):
    settings.AUTH_PASSWORD_VALIDATORS = []
    _, url = PAGES[page](client, world)
    page_text = text(client.get(url))
    assert "Do not use a password you use anywhere else." in page_text
    assert "characters" not in page_text


@pytest.mark.parametrize("page", PAGES)
def test_passwords_that_do_not_match_are_refused_under_the_second(client, world, page):
    _, url = PAGES[page](client, world)
    response = set_password(client, url, NEW, again=NEW + "!")
    assert errors(response) == {"new_password2": "The new passwords do not match: enter the same new password twice"}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_names_whose_password_it_is_for_a_password_manager(client, world, page):
    person, url = PAGES[page](client, world)
    html = client.get(url).content.decode()
    assert html.count('autocomplete="username"') == 1
    assert f'<input type="email" id="username" value="{person.email}" autocomplete="username" hidden readonly>' in html
    assert html.count('autocomplete="new-password"') == 2
