"""The administrators' wide tables fit the page at desktop width: a table may scroll sideways in a box of its own on a
small screen, but at 1280px none of its columns is hidden past the box's edge, to be scrolled to."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record
from imports.models import ImportOutcome, ImportRun
from tests.factories import UserFactory, grant

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDDEN_COLUMNS = """() => [...document.querySelectorAll('main .cg-table-scroll')]
    .filter(box => box.scrollWidth > box.clientWidth)
    .map(box => `${box.getAttribute('aria-labelledby')}: ${box.scrollWidth}px wide in a box of ${box.clientWidth}px`)"""


def hidden_columns(page) -> list[str]:
    """The tables on the page wider than their box, once the browser has laid it out."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate(HIDDEN_COLUMNS)


def test_the_imports_list_shows_every_column_at_desktop_width(page, world, sign_in_as):
    """The demo's imports (a file name as DfE gives it, thousands of rows skipped): the list was 1,015px wide in a
    960px page, and 'Imported by' was cut off at its edge."""
    for name, kind in (
        ("2024-2025-england-ks4-information-about-schools-provisional.csv.gz", "ks4_school_information"),
        ("2025-2026-ofsted-mi-all-inspections-ytd-published-by-2026-02-28.csv", "ofsted_all_inspections"),
        ("2018-2019-england_census.csv.gz", "census_summary"),
    ):
        ImportRun.objects.create(
            file_name=name, kind=kind, outcome=ImportOutcome.SUCCEEDED, created=6931, changed=300, unchanged=1183, skipped=23951
        )
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:list"))
    check_page(page, "desktop-imports")
    assert not hidden_columns(page)


def test_the_audit_log_shows_every_column_at_desktop_width(page, world, sign_in_as):
    """Email addresses as the demo's (body.member@demo.commonground.example) and the web addresses of downloads: the
    log was up to 1,047px wide in a 960px page, and the 'From' column was cut off at its edge."""
    member = UserFactory(email="body.member@demo.commonground.example", full_name="Robert Clarke")
    grant(member, Role.BODY_MEMBER, world.body)
    for path in (
        reverse("evidence:authority-results-outcomes-csv", args=[world.la.code]),
        reverse("accounts:sign-in") + "?next=" + reverse("evidence:school-intelligence", args=[world.school.urn]),
    ):
        request = RequestFactory().get(path, REMOTE_ADDR="2001:db8:85a3::8a2e:370:7334")
        request.user = member
        record(AuditAction.VIEW, request=request, obj=world.school)
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("audit:list"))
    assert "body.member@demo.commonground.example" in page.locator("main").inner_text()
    check_page(page, "desktop-audit-log")
    assert not hidden_columns(page)
