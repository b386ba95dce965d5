"""How the pages say that an inspection was of the institution a school replaced, not of the school itself.

A school not yet inspected in its current form (a new academy, converter or sponsored) is shown and counted by the
inspection of the school it replaced, as Ofsted's statistics count it. That inspection may be held under the school it
replaced (GIAS's link, or Ofsted's URN at inspection), or under the school's own URN but dated before it opened: GIAS
gives some academies the rating of the institution they replaced (16–19 academies the sixth-form college's, inspected
years before), and Ofsted's files may give an inspection before a conversion under the new URN. A category of concern
such an inspection gave ended when the school opened: an academy order takes a school out of its category (DfE's
schools causing concern guidance).
"""

from datetime import date

from core.jinja import gov_date

from .ofsted_words import category_code, category_words

ACADEMY_TYPE_GROUPS = ("Academies", "Free Schools")


def how_opened(opened_on: date | None, type_group: str) -> str:
    """How the school opened, from the register: 'opened as an academy on 1 April 2022'; without a date where it gives none."""
    words = "opened as an academy" if type_group in ACADEMY_TYPE_GROUPS else "opened"
    return f"{words} on {gov_date(opened_on)}" if opened_on else words


def before_opening(started_on: date, opened_on: date | None) -> bool:
    """Whether an inspection held under the school's own URN started before the school opened, so was of the institution
    it replaced; not where the register gives no opening date."""
    return opened_on is not None and started_on < opened_on


def inspected_before_opening(opened: str) -> str:
    """What an inspection dated before the school opened was, `opened` being how the school opened (how_opened): 'Inspected
    before this school opened as an academy on 1 September 2017: the inspection of the institution it replaced'."""
    return f"Inspected before this school {opened}: the inspection of the institution it replaced"


# Ofsted's words for each category of concern, of the school an inspection placed in it.
PLACED_IN = {
    "SM": "was placed in special measures",
    "SWK": "was judged to have serious weaknesses",
    "RSI": "was judged to require significant improvement",
}


def predecessors_category(category: str, urn: int | None, opened: str | None = None) -> str:
    """A predecessor's category of concern, shown for the school that replaced it: 'Its predecessor (URN 125099) was placed
    in special measures; that ended when this school opened as an academy on 1 April 2022'. `urn`: the predecessor's,
    where known (not of an inspection held under the school's own URN, dated before it opened). `opened` (how_opened)
    where the category lasted until the school opened; without it, only whose the category was."""
    code = category_code(category)
    placed = PLACED_IN.get(code, f"was placed in a category of concern ({category_words(code)})")
    said = f"Its predecessor (URN {urn}) {placed}" if urn else f"Its predecessor {placed}"
    return f"{said}; that ended when this school {opened}" if opened else said
