"""The service navigation: each role's items, and an LA administrator's pages gathered under 'Administration', so that
the navigation fits beside the service's name at desktop width (tests/browser/test_navigation.py looks at it)."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role

from .conftest import sign_in
from .factories import UserFactory

EVERYONE = ["Home", "Schools", "Trusts", "Authorities"]
END = ["Your account", "Sign out"]


def navigation(html: str) -> list[tuple[str, bool]]:
    """The service navigation's items, as (text, shown as the section the page is in)."""
    items = re.findall(r'<li class="govuk-service-navigation__item([^"]*)">\s*<a[^>]*>\s*(?:<strong[^>]*>)?([^<]+)', html)
    return [(text.strip(), "active" in classes) for classes, text in items]


@pytest.mark.parametrize("role", [role for role in Role if role != Role.LA_ADMIN])
def test_each_role_but_the_administrators_has_the_same_six_items(client, world, role):
    html = sign_in(client, world.users[role]).get(reverse("core:home")).content.decode()
    assert [text for text, _ in navigation(html)] == EVERYONE + END


def test_an_la_administrator_reaches_imports_users_and_the_audit_log_from_one_administration_item(client, world):
    sign_in(client, world.users[Role.LA_ADMIN])
    home = client.get(reverse("core:home")).content.decode()
    assert [text for text, _ in navigation(home)] == EVERYONE + ["Administration"] + END
    for name in ("core:administration", "imports:list", "accounts:user-list", "audit:list"):
        html = client.get(reverse(name)).content.decode()
        assert [text for text, active in navigation(html) if active] == ["Administration"], name
    page = client.get(reverse("core:administration")).content.decode()
    for name, heading in (("imports:list", "Imports"), ("accounts:user-list", "Users"), ("audit:list", "Audit log")):
        assert f'<a class="govuk-link" href="{reverse(name)}">{heading}</a>' in page
    assert "who changed what, in your authority." in page


def test_every_administration_page_leads_back_to_the_administration_page_in_its_breadcrumbs(client, world):
    """Imports, users and the audit log, and the pages under them, each begin their breadcrumbs 'Home', 'Administration',
    the page their navigation item leads to: the users pages led to Home only, or back to users, and the imports list
    and audit log had none."""
    from imports.models import ImportOutcome, ImportRun

    admin = world.users[Role.LA_ADMIN]
    sign_in(client, admin)
    run = ImportRun.objects.create(file_name="edubasealldata20261101.csv", outcome=ImportOutcome.SUCCEEDED, user=admin)
    person = world.users[Role.HEADTEACHER]
    users = ("Users", reverse("accounts:user-list"))
    crumbs = {
        reverse("imports:list"): [],
        reverse("imports:detail", args=[run.pk]): [("Imports", reverse("imports:list")), ("edubasealldata20261101.csv", None)],
        reverse("accounts:user-list"): [],
        reverse("accounts:user-detail", args=[person.pk]): [users],
        reverse("accounts:user-invite"): [users],
        reverse("audit:list"): [],
    }
    start = [("Home", reverse("core:home")), ("Administration", reverse("core:administration"))]
    for path, more in crumbs.items():
        html = client.get(path).content.decode()
        nav = html.split('<nav class="govuk-breadcrumbs', 1)[1].split("</nav>", 1)[0]
        items = re.findall(
            r'<li class="govuk-breadcrumbs__list-item"[^>]*>\s*(?:<a class="govuk-breadcrumbs__link" href="([^"]+)">)?([^<]+)<', nav
        )
        assert [(text.strip(), href or None) for href, text in items] == start + more, path
        assert 'class="govuk-back-link"' not in html, path


def test_the_item_of_the_page_itself_is_current_and_of_a_page_in_its_section_active(client, world):
    """GOV.UK Frontend 6's service navigation: on the item's own page it is the current page (aria-current="page"), and on
    another page of its section it is the section the page is in (aria-current="true"); each shown as the section. Every
    item had aria-current="true", on its own page too, where a screen reader should say 'current page'."""
    sign_in(client, world.users[Role.LA_ADMIN])
    pages = {
        reverse("core:home"): ("Home", "page"),
        reverse("register:school-list"): ("Schools", "page"),
        reverse("register:school-detail", args=[world.school.urn]): ("Schools", "true"),
        reverse("register:trust-list"): ("Trusts", "page"),
        reverse("register:trust-detail", args=[world.trust.uid]): ("Trusts", "true"),
        reverse("register:authority-list"): ("Authorities", "page"),
        reverse("register:authority-detail", args=[world.la.code]): ("Authorities", "true"),
        reverse("core:administration"): ("Administration", "page"),
        reverse("imports:list"): ("Administration", "true"),
        reverse("accounts:user-list"): ("Administration", "true"),
        reverse("audit:list"): ("Administration", "true"),
        reverse("accounts:your-account"): ("Your account", "page"),
        reverse("accounts:change-password"): ("Your account", "true"),
    }
    for path, expected in pages.items():
        html = client.get(path).content.decode()
        menu = html.split('<ul class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
        marked = re.findall(
            r'<a class="govuk-service-navigation__link" href="[^"]+"\s+aria-current="(\w+)">\s*(?:<strong[^>]*>)?([^<]+)', menu
        )
        assert [(text.strip(), value) for value, text in marked] == [expected], path


def test_a_service_administrator_has_the_administration_item_too(client, world):
    admin = UserFactory(email="service.admin@example.org", full_name="Sam Okafor", is_superuser=True, is_staff=True)
    html = sign_in(client, admin).get(reverse("core:administration")).content.decode()
    assert navigation(html) == [(text, text == "Administration") for text in EVERYONE + ["Administration"] + END]
    assert "who changed what, across the service." in html


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.HEADTEACHER])
def test_the_administration_page_is_refused_to_other_roles(client, world, role):
    assert sign_in(client, world.users[role]).get(reverse("core:administration")).status_code == 403
