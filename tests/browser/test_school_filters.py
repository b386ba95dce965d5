"""The school list's drop-downs on a phone: a trust's or a type's long name, chosen, wraps in its box, and each option
of the opened list is within the screen, where the box showed the name's first words cut off at its edge.
Screenshots: var/screenshots/school-filters-*.png."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import GroupFactory, GroupMembershipFactory, SchoolFactory

from .conftest import check_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TRUST = "Godalming Learning Partnership (Co-operative Schools Network)"
LONG_TYPE = "Academy special sponsor led"

# The drop-down's box and its text: how high it is, and whether its text is all within it.
BOX = """select => ({height: select.getBoundingClientRect().height, text: select.innerText})"""
OPTIONS_OUTSIDE = """select => [...select.options]
    .filter(option => { const box = option.getBoundingClientRect(); return box.width === 0 || box.right > innerWidth; })
    .map(option => option.text)"""


def test_a_long_trust_or_type_chosen_is_read_whole_on_a_phone(page, world, sign_in_as):
    trust = GroupFactory(name=LONG_TRUST)
    GroupMembershipFactory(group=trust, school=SchoolFactory(la=world.la, name="Broadwater School", type_name=LONG_TYPE))
    sign_in_as(world.users[Role.LA_OFFICER])
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("register:school-list") + f"?trust={trust.uid}&type={LONG_TYPE.replace(' ', '+')}")
    heights = {}
    for name in ("trust", "type", "phase"):
        select = page.locator(f"select#{name}")
        heights[name] = select.evaluate(BOX)["height"]
    # The chosen trust's and type's names wrap onto a second line; 'Any phase' stays on one.
    assert heights["trust"] > 1.5 * heights["phase"] and heights["type"] > 1.5 * heights["phase"], heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    check_page(page, "school-filters-chosen-320")

    trust_select = page.locator("select#trust")
    trust_select.click()
    assert trust_select.evaluate(OPTIONS_OUTSIDE) == []
    screenshot(page, "school-filters-trust-list-320")
    page.keyboard.press("Escape")
