"""What a GIAS file without some of its columns leaves alone, and how the import says so.

A field whose column the file does not have is left as the register holds it: neither compared with
the file nor written. Fields that only mean something together are left together (a new head's first
name beside the old head's surname would name nobody; a low age from one extract and a high age from
another may not even be a range). A file without a column that identifies its rows is refused.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from core.words import listed
from imports.registry import ImportRefused

# What the fields are called in the import's message, and the fields left together, in a GIAS extract's
# column order. Every register field but those that identify the school (which a file must have).
LEFT_TOGETHER = [
    ("establishment type groups", ["type_group"]),
    ("reasons for opening", ["open_reason"]),
    ("opening dates", ["opened_on"]),
    ("reasons for closing", ["close_reason"]),
    ("closing dates", ["closed_on"]),
    ("phases", ["phase"]),
    ("age ranges", ["low_age", "high_age"]),
    ("nursery classes", ["nursery_provision"]),
    ("sixth forms", ["sixth_form"]),
    ("genders", ["gender"]),
    ("religious characters", ["religious_character"]),
    ("dioceses", ["diocese"]),
    ("admissions policies", ["admissions_policy"]),
    ("capacities", ["capacity"]),
    ("census dates", ["census_date"]),
    ("numbers on roll", ["pupils", "boys", "girls"]),
    ("free school meals percentages", ["fsm_percent"]),
    ("trust school flags", ["trust_flag"]),
    ("trusts", ["trust_name"]),
    ("sponsors", ["sponsor_name"]),
    ("federations", ["federation_name"]),
    ("UKPRNs", ["ukprn"]),
    ("dates of the last Ofsted inspection", ["ofsted_last_inspection"]),
    ("the dates GIAS last changed each entry", ["register_changed_on"]),
    ("addresses", ["street", "locality", "address3", "town", "county", "postcode"]),
    ("websites", ["website"]),
    ("telephone numbers", ["telephone"]),
    ("heads", ["head_title", "head_first_name", "head_last_name"]),
    ("heads' job titles", ["head_job_title"]),
    ("types of SEN provision", ["sen_provision"]),
    ("regions", ["region"]),
    ("districts", ["district"]),
    ("wards", ["ward"]),
    ("parliamentary constituencies", ["constituency"]),
    ("urban and rural classifications", ["urban_rural"]),
    ("locations", ["easting", "northing"]),
    ("Ofsted ratings", ["ofsted_rating"]),
    ("LSOAs", ["lsoa_code"]),
]


@dataclass(frozen=True)
class Absent:
    words: str  # what the fields are, e.g. "heads"
    columns: list[str]  # the columns of theirs the file does not have
    fields: list[str]  # the fields left as the register holds them


def refuse_missing_columns(header: list[str], required: list[str], every: str) -> None:
    """Refuse a file without one of the `required` columns, naming it; `every` is the kind of file that has them all."""
    missing = [column for column in required if column not in header]
    if missing:
        named = ", ".join(f"'{column}'" for column in missing)
        raise ImportRefused(f"the file has no column{'s' if len(missing) > 1 else ''} {named}; every {every} has {listed(required)}")


def absent_fields(header: list[str], columns_of: Mapping[str, list[str]], together=LEFT_TOGETHER) -> list[Absent]:
    """The groups of fields left as held because the file lacks some of their columns; `columns_of`
    maps each field to the columns it is read from, `together` names the fields (as LEFT_TOGETHER does)."""
    present = set(header)
    found = []
    for words, fields in together:
        missing = [column for field in fields for column in columns_of[field] if column not in present]
        if missing:
            found.append(Absent(words, missing, fields))
    return found


def absent_note(absent: list[Absent]) -> str:
    """e.g. "The file has no column 'HeadLastName': heads were left as they were." """
    columns = [column for group in absent for column in group.columns]
    named, left = listed([f"'{column}'" for column in columns]), listed([group.words for group in absent])
    return f"The file has no column{'s' if len(columns) > 1 else ''} {named}: {left} were left as they were."
