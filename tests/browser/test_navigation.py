"""The service navigation at desktop width and on a phone, for each role: at 1280px its items stand on one line beside
the service's name (an LA administrator's nine items had wrapped onto a line of their own under it); at 320px they fold
behind GOV.UK's 'Menu' button, which shows each of them. Screenshots: var/screenshots/navigation-*.png."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each item's and the service name's top edge, and the nav's height: on one line, one top and one line's height.
LAYOUT = """() => {
    const box = element => element.getBoundingClientRect();
    const items = [...document.querySelectorAll('.govuk-service-navigation__item')];
    return {
        name: box(document.querySelector('.govuk-service-navigation__service-name')).top,
        tops: items.map(item => box(item).top),
        visible: items.filter(item => box(item).height > 0).map(item => item.innerText.trim()),
    };
}"""

# The page's heading within its box: a service administrator's, their email address, ran past the page's edge.
HEADING_FITS = "() => { const h1 = document.querySelector('main h1'); return h1.scrollWidth <= h1.clientWidth; }"


def layout(page):
    page.evaluate("() => document.fonts.ready")
    return page.evaluate(LAYOUT)


@pytest.mark.parametrize("role", [Role.LA_ADMIN, Role.LA_OFFICER, Role.HEADTEACHER, Role.TRUST_LEADER, "service administrator"])
def test_each_roles_navigation_fits_one_line_at_desktop_width_and_folds_behind_menu_on_a_phone(page, world, sign_in_as, role):
    if role == "service administrator":
        # As createsuperuser makes one, with no name: the home page welcomes them by their email address.
        user = UserFactory(email="service.admin@test.commonground.example", full_name="", is_superuser=True, is_staff=True)
    else:
        user = world.users[role]
    sign_in_as(user)
    name = str(role).replace(" ", "-")
    page.goto(reverse("core:home"))
    wide = layout(page)
    assert len(set(wide["tops"])) == 1 and abs(wide["tops"][0] - wide["name"]) < 20, wide
    assert page.evaluate(HEADING_FITS), "the page's heading runs past its edge"
    # The home page's tasks, in rows of three that each start level (floated, one was left alone on the right).
    tops = page.evaluate("() => [...document.querySelectorAll('.cg-tasks > *')].map(task => task.getBoundingClientRect().top)")
    assert len(set(tops)) == -(-len(tops) // 3), tops
    check_page(page, f"navigation-{name}-1280")

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("core:home"))
    folded = layout(page)
    assert folded["visible"] == [], folded
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    shown = layout(page)
    assert shown["visible"] == [item.text_content().strip() for item in page.locator(".govuk-service-navigation__item").all()]
    assert len(shown["visible"]) == len(wide["tops"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 320 and page.evaluate(HEADING_FITS)
    check_page(page, f"navigation-{name}-320")
