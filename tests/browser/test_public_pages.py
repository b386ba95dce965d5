"""Pages anyone can open: GOV.UK styled, accessible (axe-core, WCAG 2.2 AA), and screenshotted."""

import pytest

from .conftest import assert_govuk_styled, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("start", "/"),
        ("accessibility", "/accessibility/"),
        ("cookies", "/cookies/"),
        ("privacy", "/privacy/"),
    ],
)
def test_public_page(page, name, path):
    response = page.goto(path)
    assert response.status == 200
    assert_govuk_styled(page)
    check_page(page, f"public-{name}")
