"""Reading Ofsted's management information files into inspection records. Plain polars, no Django.

Two layouts (DOMAIN.md §2): "all inspections, year to date" (one row per inspection, report-card areas)
and the monthly "latest inspections" (one row per school: the latest report card or visit, plus the
last graded inspection under the previous framework and the latest ungraded one). Columns are found by
name, whatever their order, ignoring case, spacing and punctuation; extra columns are ignored.

Words are kept as published. `9`, `NULL` or blank in an area of an inspection mean "Not evaluated".
No overall grade is made for report cards.
"""

import re
from datetime import date

from imports.registry import ImportRefused

from .readers import read_table

NOT_EVALUATED = "Not evaluated"
GRADED, UNGRADED, REPORT_CARD = "graded", "ungraded", "report_card"
MISSING = {"", "NULL", "null"}


def key(name: str) -> str:
    """Header names compared loosely: 'Web Link (opens in new window)' → 'weblink'."""
    return re.sub(r"[^a-z0-9]+", "", name.lower().replace("(opens in new window)", "").replace("(where applicable)", ""))


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
FIELDS = {
    "urn": "urn",
    "inspectionnumber": "inspection_number",
    "inspectiontype": "inspection_type",
    "inspectionstartdate": "started_on",
    "inspectionenddate": "ended_on",
    "publicationdate": "published_on",
    "categoryofconcern": "category_of_concern",
    "safeguardingstandards": "safeguarding",
    "latestoeifoveralleffectiveness": "oeif_overall",
    "inspectionstartdateoflatestoeifgradedinspection": "oeif_started_on",
    "urnattimeoflatestoeifgradedinspection": "oeif_urn",
    "ungradedinspectionoveralloutcome": "ungraded_outcome",
    "dateoflatestungradedinspection": "ungraded_on",
}
DATE_FIELDS = ("started_on", "ended_on", "published_on", "oeif_started_on", "ungraded_on")


def is_all_inspections(header: list[str]) -> bool:
    keys = {key(h) for h in header}
    return {
        "urn",
        "inspectionnumber",
        "inspectionstartdate",
        "inclusion",
        "leadershipandgovernance",
    } <= keys and "latestoeifoveralleffectiveness" not in keys


def is_latest_inspections(header: list[str]) -> bool:
    keys = {key(h) for h in header}
    return {"urn", "inspectionstartdate", "latestoeifoveralleffectiveness"} <= keys


def parse_date(text: str | None, line: int, column: str) -> date | None:
    text = (text or "").strip()
    if text in MISSING:
        return None
    match = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", text) or re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if match and len(match.group(1)) == 4:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        pass
    raise ImportRefused(f"'{text}' is not a date (expected dd/mm/yyyy)", row=line, column=column)


SPACES = re.compile(r"\s{2,}")


def _words(value: str | None) -> str:
    value = (value or "").strip()
    if "  " in value:
        value = SPACES.sub(" ", value)
    return "" if value in MISSING else value


def read_inspections(data: bytes) -> tuple[list[dict], int]:
    """Inspection records from either layout, and the number of rows read."""
    frame = read_table(data)
    names = {key(c): c for c in frame.columns}
    if "urn" not in names:
        raise ImportRefused("there is no URN column")
    columns = {field: names[k] for k, field in FIELDS.items() if k in names}
    areas = {label: names[k] for k, label in REPORT_CARD_AREAS.items() if k in names}
    graded_areas = {label: names[k] for k, label in GRADED_AREAS.items() if k in names}
    records = []
    for line, row in enumerate(frame.iter_rows(named=True), start=2):
        text = {field: row[column] for field, column in columns.items()}
        urn = (text.get("urn") or "").strip()
        if not urn.isdigit():
            raise ImportRefused(f"'{urn}' is not a URN", row=line, column=columns["urn"])
        dates = {f: parse_date(text.get(f), line, columns[f]) for f in DATE_FIELDS if f in columns}
        base = {"urn": int(urn), "line": line}
        records.extend(_current(base, text, dates, row, areas))
        records.extend(_previous(base, text, dates, row, graded_areas, line, columns))
    return records, frame.height


def _current(base, text, dates, row, areas) -> list[dict]:
    """The inspection the row is about: a report card, or a visit that evaluated nothing (all 9)."""
    if not dates.get("started_on"):
        return []
    raw = {label: (row[column] or "").strip() for label, column in areas.items()}
    safeguarding = _words(text.get("safeguarding"))
    given = [v for v in raw.values() if v not in MISSING and v != "9"]
    if not given and not safeguarding and "9" not in raw.values():
        return []  # nothing under the report-card framework: the older columns carry the history
    judgements = {label: (NOT_EVALUATED if v in MISSING or v == "9" else _words(v)) for label, v in raw.items()}
    return [
        {
            **base,
            "framework": REPORT_CARD if given else UNGRADED,
            "started_on": dates["started_on"],
            "ended_on": dates.get("ended_on"),
            "published_on": dates.get("published_on"),
            "inspection_number": _words(text.get("inspection_number")),
            "inspection_type": _words(text.get("inspection_type")),
            "overall": "",
            "category_of_concern": _words(text.get("category_of_concern")),
            "safeguarding": safeguarding if safeguarding != "9" else NOT_EVALUATED,
            "judgements": judgements,
            "urn_at_inspection": None,
        }
    ]


def _previous(base, text, dates, row, graded_areas, line, columns) -> list[dict]:
    """The monthly file's last graded (OEIF) inspection and latest ungraded one."""
    records = []
    if dates.get("oeif_started_on"):
        oeif_urn = _words(text.get("oeif_urn"))
        if oeif_urn and not oeif_urn.isdigit():
            raise ImportRefused(f"'{oeif_urn}' is not a URN", row=line, column=columns["oeif_urn"])
        judgements = {label: _words(row[column]) for label, column in graded_areas.items() if _words(row[column])}
        records.append(
            {
                **base,
                "framework": GRADED,
                "started_on": dates["oeif_started_on"],
                "ended_on": None,
                "published_on": None,
                "inspection_number": "",
                "inspection_type": "Graded inspection",
                "overall": _words(text.get("oeif_overall")),
                "category_of_concern": "",
                "safeguarding": "",
                "judgements": judgements,
                "urn_at_inspection": int(oeif_urn) if oeif_urn and int(oeif_urn) != base["urn"] else None,
            }
        )
    if dates.get("ungraded_on"):
        outcome = _words(text.get("ungraded_outcome"))
        records.append(
            {
                **base,
                "framework": UNGRADED,
                "started_on": dates["ungraded_on"],
                "ended_on": None,
                "published_on": None,
                "inspection_number": "",
                "inspection_type": "Ungraded inspection",
                "overall": "",
                "category_of_concern": "",
                "safeguarding": "",
                "judgements": {"Outcome": outcome} if outcome else {},
                "urn_at_inspection": None,
            }
        )
    return records


def merge_records(records: list[dict]) -> list[dict]:
    """One record per (urn, framework, start date): later rows fill what earlier ones left blank."""
    merged: dict[tuple, dict] = {}
    for record in records:
        k = (record["urn"], record["framework"], record["started_on"])
        if k not in merged:
            merged[k] = dict(record)
            continue
        kept = merged[k]
        for field, value in record.items():
            if field == "judgements":
                kept["judgements"] = {**value, **{a: v for a, v in kept["judgements"].items() if v and v != NOT_EVALUATED}}
            elif value not in (None, "") and kept.get(field) in (None, ""):
                kept[field] = value
    return list(merged.values())


LEGACY_GRADES = {"1": "Outstanding", "2": "Good", "3": "Requires improvement", "4": "Inadequate"}


def describe_grade(value: str) -> str:
    """'2' → 'Good (2)'; words are shown as published."""
    return f"{LEGACY_GRADES[value]} ({value})" if value in LEGACY_GRADES else value
