"""Ofsted's words, as the pages and the reader of its files (evidence.ofsted) use them: the areas of an inspection in the
order Ofsted publishes them, the words each kind of column may hold and how a file's spelling of them is stored, the 1–4
grades and the categories of concern in digits, codes and words, and inspection types and ungraded inspections' outcomes in
words a reader knows. Plain data and functions, no Django.
"""

import re
from typing import NamedTuple

NOT_EVALUATED = "Not evaluated"


REPORT_CARD_AREAS = {
    "inclusion": "Inclusion",
    "curriculumandteaching": "Curriculum and teaching",
    "achievement": "Achievement",
    "attendanceandbehaviour": "Attendance and behaviour",
    "personaldevelopmentandwellbeing": "Personal development and wellbeing",
    "earlyyears": "Early years",
    "post16provision": "Post-16 provision",
    "leadershipandgovernance": "Leadership and governance",
}
GRADED_AREAS = {
    "latestoeifqualityofeducation": "Quality of education",
    "latestoeifbehaviourandattitudes": "Behaviour and attitudes",
    "latestoeifpersonaldevelopment": "Personal development",
    "latestoeifeffectivenessofleadershipandmanagement": "Leadership and management",
    "latestoeifearlyyearsprovision": "Early years provision",
    "latestoeifsixthformprovision": "Sixth form provision",
}
# Where each area comes in the order Ofsted publishes them: an inspection's judgements are stored as JSON, whose keys
# PostgreSQL (jsonb) keeps in an order of its own.
AREA_ORDER = {label: place for place, label in enumerate([*GRADED_AREAS.values(), *REPORT_CARD_AREAS.values()])}


def in_published_order(judgements: dict) -> list[tuple]:
    """An inspection's (area, words) in the order Ofsted publishes its areas; any other area after them, by name."""
    return sorted(judgements.items(), key=lambda item: (AREA_ORDER.get(item[0], len(AREA_ORDER)), item[0]))


# The words each kind of column may hold, in Ofsted's casing; a file's are compared in lower case with runs of
# spaces made one, and stored as Ofsted writes them. Blank, NULL and 9 (not evaluated) are allowed everywhere.
# Anything else refuses the file, naming the row.
REPORT_CARD_SCALE = ("Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement", "Not applicable")
ALLOWED = {
    "report card area": REPORT_CARD_SCALE,
    "safeguarding": ("Met", "Not met"),
    "category of concern": ("SM", "RSI", "SWK", "Special measures", "Serious weaknesses", "Requires significant improvement"),
    "graded judgement": ("1", "2", "3", "4", "Outstanding", "Good", "Requires improvement", "Inadequate", "Not judged"),
}


LEGACY_GRADES = {"1": "Outstanding", "2": "Good", "3": "Requires improvement", "4": "Inadequate"}
# GIAS gives an inadequate school's rating as its category of concern.
GRADE_OF_WORDS = {words.lower(): grade for grade, words in LEGACY_GRADES.items()} | {"special measures": "4", "serious weaknesses": "4"}
CATEGORY_OF_RATING = {"special measures": "SM", "serious weaknesses": "SWK"}
CATEGORIES = {"SM": "special measures", "SWK": "serious weaknesses", "RSI": "requires significant improvement"}
CATEGORY_OF_WORDS = {name: code for code, name in CATEGORIES.items()}
# How each of ALLOWED's words is stored, whatever the file's case and spacing: as Ofsted writes it, and a category
# of concern as its code (the column holds codes, as the register's rating gives them).
STORED = {kind: {word.lower(): word for word in allowed} | {"": "", "9": "9", "null": "NULL"} for kind, allowed in ALLOWED.items()}
STORED["category of concern"] |= CATEGORY_OF_WORDS


def legacy_grade(overall: str | None) -> str | None:
    """The 1–4 grade an overall judgement stands for, as a digit or in words; None for anything else."""
    overall = (overall or "").strip()
    return overall if overall in LEGACY_GRADES else GRADE_OF_WORDS.get(overall.lower())


def category_code(category: str | None) -> str:
    """SM, SWK or RSI, whether the file gave the code or the words ('Special measures'); other text as given."""
    category = (category or "").strip()
    return category.upper() if category.upper() in CATEGORIES else CATEGORY_OF_WORDS.get(category.lower(), category)


def category_words(category: str) -> str:
    """A category of concern in words, as CATEGORIES gives them ("special measures" for SM); other text as given."""
    code = category_code(category)
    return CATEGORIES.get(code, code)


def placed_in(overall: str | None, category: str | None) -> str:
    """The category of concern an inspection placed the school in, as its code: from the category given, else from a
    register's rating in a category's words ('Special Measures'); '' for none."""
    return category_code(category) or CATEGORY_OF_RATING.get((overall or "").strip().lower(), "")


def describe_outcome(overall: str, category: str) -> str:
    """A graded inspection's outcome in words: 'Good'; 'Inadequate: special measures'; other words as published."""
    grade = legacy_grade(overall)
    if grade is None:
        return overall or "Not judged"
    category = placed_in(overall, category)
    if grade == "4" and category in CATEGORIES:
        return f"Inadequate: {CATEGORIES[category]}"
    return LEGACY_GRADES[grade]


def describe_grade(value: str) -> str:
    """'2' → 'Good (2)'; a grade's words as published; the register's words for a category of concern as the grade
    they are ('Special Measures' → 'Inadequate (the register gives “Special Measures”)': the category is said apart)."""
    if value in LEGACY_GRADES:
        return f"{LEGACY_GRADES[value]} ({value})"
    grade = legacy_grade(value)
    if grade and LEGACY_GRADES[grade].lower() != value.strip().lower():
        return f"{LEGACY_GRADES[grade]} (the register gives “{value.strip()}”)"
    return value


# Ofsted's inspection types name the Education Act 2005's sections: a section 5 inspection is a full one, a
# section 8 visit is any other (a monitoring visit, an inspection without formal designation).
INSPECTION_TYPES = {
    "s5 inspection": "Full inspection (section 5)",
    "academy first section 5": "First full inspection as an academy (section 5)",
    "s8 no formal designation visit": "Inspection without formal designation (section 8)",
}


def describe_type(kind: str, *, judged: bool = False) -> str:
    """An inspection type in words a reader knows: 'S5 Inspection' → 'Full inspection (section 5)'; the
    section numbers spelt out in any other: 'Requires Improvement S5 Reinspection Visit 1' → 'Requires
    improvement section 5 reinspection visit 1'. A section 8 visit that `judged` (gave grades or a report
    card) was deemed a section 5 inspection: Ofsted's year-to-date file calls these "Section 8 deemed section 5"."""
    kind = kind.strip()
    if kind.lower() in INSPECTION_TYPES:
        words = INSPECTION_TYPES[kind.lower()]
    else:
        words = re.sub(r"\bs([58])\b", r"section \1", kind.lower())
        words = words[:1].upper() + words[1:]
    if judged and "section 8" in words.lower():
        words += ", deemed a full inspection (section 5)"
    return words


class Ungraded(NamedTuple):
    """An ungraded inspection's outcome in plain words: a few for a tag, a sentence on what they mean (or ''),
    and whether inspectors found that the school might not keep its grade."""

    words: str
    meaning: str = ""
    concerns: bool = False


# The outcomes Ofsted's monthly file gives an ungraded inspection. Until August 2024 they named the grade the
# school kept, what inspectors found beyond it, and "S5 Next" where the next inspection is to be a full (section
# 5) one: "School remains Good (Concerns) - S5 Next". From September 2024, with no overall grade, they say only
# what inspectors found; "Improved significantly" and "Some aspects not as strong" also mean a full one next.
REMAINS = re.compile(r"school remains (good|outstanding)(?: \((concerns|improving|improved significantly)\))?( - s5 next)?")
FULL_NEXT = "the next inspection will be a full inspection (section 5)"
UNGRADED_OUTCOMES = {
    "standards maintained": Ungraded(
        "Standards maintained", "Inspectors found the school has kept the standards of its last graded inspection"
    ),
    "improved significantly": Ungraded(
        "May have improved significantly",
        f"Inspectors found evidence the school may have improved significantly since its last graded inspection, so {FULL_NEXT}",
    ),
    "some aspects not as strong": Ungraded(
        "Some aspects not as strong",
        f"Inspectors found some aspects of the school's work may not be as strong as at its last graded inspection, so {FULL_NEXT}",
        concerns=True,
    ),
}
FINDINGS = {"concerns": "with concerns", "improving": "may be improving", "improved significantly": "may have improved significantly"}


def ungraded_outcome(outcome: str | None) -> Ungraded:
    """Ofsted's outcome of an ungraded inspection in plain words: 'School remains Good (Concerns) - S5 Next' →
    'Remains good, with concerns', inspectors having found that it may no longer be good, and a full inspection
    next. Words it does not know are kept as published; a blank outcome stays blank."""
    published = (outcome or "").strip()
    spoken = " ".join(published.lower().replace("\u2013", "-").split())
    if spoken in UNGRADED_OUTCOMES:
        return UNGRADED_OUTCOMES[spoken]
    found = REMAINS.fullmatch(spoken)
    if not found:
        return Ungraded(published)
    grade, finding, full_next = found.groups()
    words, meaning = f"Remains {grade}", ""
    if finding == "concerns":
        meaning = f"Inspectors found evidence the school may no longer be {grade}"
    elif finding:
        meaning = f"Inspectors found evidence the school {'may now be outstanding' if grade == 'good' else FINDINGS[finding]}"
    if finding:
        words += f", {FINDINGS[finding]}"
    if full_next:
        meaning = f"{meaning}, so {FULL_NEXT}" if meaning else FULL_NEXT[:1].upper() + FULL_NEXT[1:]
    return Ungraded(words, meaning, concerns=finding == "concerns")
