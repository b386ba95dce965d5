"""The school list's drop-downs on a phone: a trust's or a type's long name, chosen, wraps in its box, and each option
of the opened list is within the screen, where the box showed the name's first words cut off at its edge. The option
the arrow keys are on in an open list has GOV.UK's focus style, and stands out in a contrast theme too.
Screenshots: var/screenshots/school-filters-*.png."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import GroupFactory, GroupMembershipFactory, SchoolFactory

from .conftest import check_page, screenshot, tab_to

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


# The option that has focus in the open list (its picker), with its colours, its outline and its bar, and the picker's
# own background, which a contrast theme sets.
FOCUSED_OPTION = """() => {
    const option = document.activeElement, style = getComputedStyle(option);
    const picker = option.closest('select');
    return {tag: option.tagName, text: option.text, open: picker.matches(':open'), background: style.backgroundColor,
            colour: style.color, shadow: style.boxShadow, outline: [style.outlineStyle, style.outlineWidth],
            pickerBackground: getComputedStyle(picker, '::picker(select)').backgroundColor};
}"""
YELLOW, BLACK = "rgb(255, 221, 0)", "rgb(11, 12, 12)"


def test_the_option_the_arrow_keys_are_on_has_govuk_focus_style(page, world, sign_in_as):
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("register:school-list"))
    if not page.evaluate("CSS.supports('appearance', 'base-select')"):
        pytest.skip("this browser draws its own drop-down list, which no stylesheet reaches")
    tab_to(page, "select#status")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate(FOCUSED_OPTION)
    assert focused["tag"] == "OPTION" and focused["open"] and focused["text"] != "Open", focused
    # GOV.UK's focus: black text on yellow, a black bar along its foot, and a transparent outline for a contrast theme.
    assert (focused["background"], focused["colour"]) == (YELLOW, BLACK), focused
    assert focused["shadow"] == f"{BLACK} 0px -4px 0px 0px inset", focused
    assert focused["outline"] == ["solid", "3px"], focused
    screenshot(page, "school-filters-option-focused")

    page.emulate_media(forced_colors="active")
    try:
        themed = page.evaluate(FOCUSED_OPTION)
        screenshot(page, "school-filters-option-focused-forced-colours")
    finally:
        page.emulate_media(forced_colors="none")
    # In a contrast theme the option still stands apart from the list around it, its words readable on it.
    assert themed["tag"] == "OPTION" and themed["open"], themed
    assert themed["background"] != themed["pickerBackground"] and themed["colour"] != themed["background"], themed
    assert themed["outline"] == ["solid", "3px"], themed
    page.keyboard.press("Escape")
