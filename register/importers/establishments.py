"""GIAS establishment extracts: authorities and schools, and a dated event for each meaningful change.

The file is parsed and checked as whole columns (polars); each row's mapped fields are digested and
compared with the digest stored on the school, so a newer extract writes only the rows that changed,
and a repeat of the same extract writes nothing.
"""

import re
from datetime import date

import polars as pl
from django.db.models import Max

from core.jinja import gov_date
from core.words import how_many
from imports.bulk import as_written, bulk_load, insert_frame, now_value, update_rows
from imports.refusals import naming_the_school
from imports.registry import Counts, ImportContext, ImportRefused, Remedy
from imports.services import another_authoritys_file, refuse_authorities_not_held
from register.geo import to_latitude_longitude
from register.models import LocalAuthority, RegisterEvent, School, SchoolStatus

from . import frames
from .absent import absent_fields, absent_note, refuse_missing_columns
from .events import dated_events, opened_event, register_events
from .groups import date_trust_joins

TEXT_COLUMNS = {
    "name": "EstablishmentName",
    "type_name": "TypeOfEstablishment (name)",
    "type_group": "EstablishmentTypeGroup (name)",
    "status": "EstablishmentStatus (name)",
    "open_reason": "ReasonEstablishmentOpened (name)",
    "close_reason": "ReasonEstablishmentClosed (name)",
    "phase": "PhaseOfEducation (name)",
    "gender": "Gender (name)",
    "religious_character": "ReligiousCharacter (name)",
    "diocese": "Diocese (name)",
    "admissions_policy": "AdmissionsPolicy (name)",
    "nursery_provision": "NurseryProvision (name)",
    "sixth_form": "OfficialSixthForm (name)",
    "trust_flag": "TrustSchoolFlag (name)",
    "trust_name": "Trusts (name)",
    "sponsor_name": "SchoolSponsors (name)",
    "federation_name": "Federations (name)",
    "ukprn": "UKPRN",
    "street": "Street",
    "locality": "Locality",
    "address3": "Address3",
    "town": "Town",
    "county": "County (name)",
    "postcode": "Postcode",
    "website": "SchoolWebsite",
    "telephone": "TelephoneNum",
    "head_title": "HeadTitle (name)",
    "head_first_name": "HeadFirstName",
    "head_last_name": "HeadLastName",
    "head_job_title": "HeadPreferredJobTitle",
    "region": "GOR (name)",
    "district": "DistrictAdministrative (name)",
    "ward": "AdministrativeWard (name)",
    "constituency": "ParliamentaryConstituency (name)",
    "urban_rural": "UrbanRural (name)",
    "lsoa_code": "LSOA (code)",
    "ofsted_rating": "OfstedRating (name)",
}
NUMBER_COLUMNS = {
    "establishment_number": "EstablishmentNumber",
    "low_age": "StatutoryLowAge",
    "high_age": "StatutoryHighAge",
    "capacity": "SchoolCapacity",
    "pupils": "NumberOfPupils",
    "boys": "NumberOfBoys",
    "girls": "NumberOfGirls",
    "easting": "Easting",
    "northing": "Northing",
}
# What a number can be besides not negative: an establishment number has four digits (LAESTAB is the LA code
# and then it), a percentage is at most 100, and a place lies within the British National Grid (700 km east
# and 1,300 km north of its origin, south-west of the Isles of Scilly).
LIMITS = {
    "establishment_number": {"maximum": 9999},
    "fsm_percent": {"minimum": 0, "maximum": 100},
    "easting": {"maximum": 700_000},
    "northing": {"maximum": 1_300_000},
}
DATE_COLUMNS = {
    "opened_on": "OpenDate",
    "closed_on": "CloseDate",
    "census_date": "CensusDate",
    "ofsted_last_inspection": "OfstedLastInsp",
    "register_changed_on": "LastChangedDate",
}
SEN_COLUMNS = [f"SEN{i} (name)" for i in range(1, 14)]
NOT_RECORDED = {"Not applicable", "Not recorded"}
STATUSES = {choice.value for choice in SchoolStatus}

# What the digest covers: every register field, in a fixed order (lat/long follow from easting/northing).
REGISTER_FIELDS = [
    "urn",
    "la_code",
    "laestab",
    *TEXT_COLUMNS,
    *NUMBER_COLUMNS,
    *(field for field in DATE_COLUMNS if field != "register_changed_on"),
    "fsm_percent",
    "sen_provision",
]
WRITTEN_FIELDS = [
    "urn",
    "la",
    "laestab",
    *TEXT_COLUMNS,
    *NUMBER_COLUMNS,
    *DATE_COLUMNS,
    "fsm_percent",
    "sen_provision",
    "latitude",
    "longitude",
    "row_digest",
    "import_run",
    "updated_at",
]
# The columns that identify a school and what it is: a file without one of them is refused.
REQUIRED = ["URN", "LA (code)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (name)", "EstablishmentStatus (name)"]
# Each field left as held when the file lacks a column it is read from (see absent.py).
COLUMNS_OF = {
    **{field: [column] for field, column in {**TEXT_COLUMNS, **NUMBER_COLUMNS, **DATE_COLUMNS}.items()},
    "fsm_percent": ["PercentageFSM"],
    "sen_provision": SEN_COLUMNS,
}
GSS_LA_CODE = re.compile(r"^E(0|1)\d{7}$")
BATCH = 5000
ROUNDED_BY = 2  # GIAS rounds boys and girls to the nearest 5: either may be up to 2 above the exact pupils on roll


def matches(header: list[str]) -> bool:
    """Most of the identifying columns make a GIAS extract, so that one without the rest is refused naming them."""
    return len(set(REQUIRED) & set(header)) >= len(REQUIRED) - 2 and not {"Group UID", "Joined date"} & set(header)


@naming_the_school
def load(ctx: ImportContext) -> Counts:
    refuse_missing_columns(ctx.source.header, REQUIRED, "GIAS establishment extract")
    absent = absent_fields(ctx.source.header, COLUMNS_OF)
    left_as_held = [field for group in absent for field in group.fields]
    if absent:
        ctx.notes.append(absent_note(absent))
    raw = frames.read_table(ctx.source, overflow_into_last=True)
    total = raw.height
    ctx.progress(0, total)
    frame = _register_frame(raw).with_row_index("line", offset=2)
    refuse_authorities_not_held(ctx.la_codes, in_file=frame["la_code"].unique().to_list())
    extract_date = _extract_date(raw)
    in_file = dict(frame.select("la_code", "la_name").unique("la_code").iter_rows())
    wanted = frame["la_code"].is_in(list(ctx.la_codes)) if ctx.la_codes else pl.Series([True] * total)
    frame = frame.filter(wanted)
    counts = Counts(rows_read=total, skipped=total - frame.height)
    if frame.is_empty():
        ctx.notes.extend(another_authoritys_file(ctx.la_codes, in_file, in_file))
        return counts

    authorities = _sync_authorities(frame)
    # How recent the register already was for each authority: a school new to it opened since then.
    held_until = dict(
        School.objects.filter(la_id__in=authorities.values())
        .values("la_id")
        .annotate(latest=Max("register_changed_on"))
        .values_list("la_id", "latest")
    )
    frame = frame.with_columns(
        la=pl.col("la_code").replace_strict(authorities, return_dtype=pl.Int64),
        import_run=pl.lit(ctx.run.pk),
        updated_at=pl.lit(now_value()),
    )
    frame = frame.join(_stored(frame, left_as_held), on="urn", how="left")
    if ctx.la_codes:
        _refuse_schools_of_other_authorities(frame, ctx.la_codes)
    frame = _with_held_values(frame, left_as_held)
    new = frame.filter(pl.col("id").is_null())
    # A row the register last changed after this extract's row (an older extract imported late) is left alone.
    older = (pl.col("stored_changed_on") > pl.col("register_changed_on")).fill_null(False)
    differs = pl.col("id").is_not_null() & (pl.col("stored_digest") != pl.col("row_digest"))
    if "register_changed_on" in left_as_held:
        _refuse_undated_changes(frame.filter(differs & pl.col("stored_changed_on").is_not_null()))
    changed = frame.filter(differs & ~older)
    if left_alone := frame.filter(differs & older).height:
        held_latest = max(filter(None, held_until.values()), default=None)
        ctx.notes.append(_older_rows_note(left_alone, extract_date, held_latest, nothing_else=new.is_empty() and changed.is_empty()))
        ctx.kept_newer = True

    with bulk_load(School, new.height):
        insert_frame(School, as_written(new.select(WRITTEN_FIELDS)), batch=BATCH, done=lambda n: ctx.progress(n, frame.height))
    done = new.height
    events = _events_for_changes(changed, extract_date, ctx.run)
    updated = _updated_fields(left_as_held)
    for batch in as_written(changed.select([*updated, "id"])).iter_slices(BATCH):
        update_rows(School, updated, batch.iter_rows())
        done += batch.height
        ctx.progress(done, frame.height)
    events += _events_for_openings(new, held_until, ctx.run)
    RegisterEvent.objects.bulk_create(events, batch_size=1000)
    date_trust_joins()
    ctx.progress(frame.height, frame.height)
    counts.created, counts.changed = new.height, changed.height
    counts.unchanged = frame.height - new.height - changed.height
    return counts


def _refuse_undated_changes(undated: pl.DataFrame) -> None:
    """A file without LastChangedDate cannot say whether its entries are older than the register's: an older extract,
    imported after a newer one, would put back each school's earlier head, trust and status, and record each as a
    change dated when the register's newer entry was. Refuse it where it would change an entry the register holds from
    a dated extract (it may still add schools, and change those no extract has dated)."""
    if undated.is_empty():
        return
    first = undated.row(0, named=True)
    schools = how_many(undated.height, "school")
    raise ImportRefused(
        f"the file has no column 'LastChangedDate', which dates each entry, and it would change {schools} whose entries "
        f"the register holds from a dated extract, such as URN {first['urn']}, {first['name']}: without those dates, an "
        "older extract would undo newer changes. Download the extract with its LastChangedDate column, and import that",
        row=first["line"],
        remedy=Remedy.ANOTHER,
    )


def _stored(frame: pl.DataFrame, left_as_held: list[str]) -> pl.DataFrame:
    """What the register holds of each school: its id, digest, authority, and the fields the file leaves as held."""
    held = [f"held_{field}" for field in left_as_held]
    rows = School.objects.values_list("urn", "id", "row_digest", "register_changed_on", "la_id", *left_as_held)
    if "fsm_percent" in left_as_held:  # a Decimal in the register, a float in the frame
        at = 5 + left_as_held.index("fsm_percent")
        rows = ((*row[:at], None if row[at] is None else float(row[at]), *row[at + 1 :]) for row in rows)
    schema = {"urn": pl.Int64, "id": pl.Int64, "stored_digest": pl.String, "stored_changed_on": pl.Date, "stored_la": pl.Int64}
    schema.update(zip(held, (frame.schema[field] for field in left_as_held), strict=True))
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _with_held_values(frame: pl.DataFrame, left_as_held: list[str]) -> pl.DataFrame:
    """A school the register holds keeps its values of the fields the file lacks, so they compare equal and
    its digest covers what the register will hold; a new school has them blank."""
    frame = frame.with_columns(
        pl.when(pl.col("id").is_not_null()).then(pl.col(f"held_{field}")).otherwise(pl.col(field)).alias(field) for field in left_as_held
    )
    return frame.drop(f"held_{field}" for field in left_as_held).with_columns(row_digest=_digests(frame))


def _updated_fields(left_as_held: list[str]) -> list[str]:
    """What an update writes: every field but those the file lacks (and the latitude and longitude worked
    out from a location it lacks)."""
    kept = set(left_as_held) | ({"latitude", "longitude"} if "easting" in left_as_held else set())
    return [field for field in WRITTEN_FIELDS if field not in kept]


def _refuse_schools_of_other_authorities(frame: pl.DataFrame, la_codes: frozenset) -> None:
    """An import limited to some authorities writes only their schools. A row there whose URN the register
    holds under another authority would move that school (and who may see it): refuse the file instead. The file may
    well be right (the school did move): nothing in it is to be corrected, it is to be imported for every authority."""
    allowed = list(LocalAuthority.objects.filter(code__in=la_codes).values_list("id", flat=True))
    elsewhere = frame.filter(pl.col("stored_la").is_not_null() & ~pl.col("stored_la").is_in(allowed)).sort("line")
    if elsewhere.is_empty():
        return
    row = elsewhere.row(0, named=True)
    held_by = LocalAuthority.objects.get(pk=row["stored_la"])
    raise ImportRefused(
        f"the register holds this school under {held_by.name} ({held_by.code}), and this import is limited to "
        f"{', '.join(str(code) for code in sorted(la_codes))}: a school moves between authorities only in an import of every "
        "authority (by a service administrator)",
        row=row["line"],
        column="LA (code)",
        remedy=Remedy.ANOTHER,
    )


def _register_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """The file's columns turned into the register's fields, checked (the digest follows once the fields the
    file lacks hold the register's values)."""
    frame = frames.parse_columns(raw, PARSED)
    if frame is None:
        frame = _parse_column_by_column(raw)  # names the first bad value
    frames.refuse_duplicates(frame["urn"], "URN", "URN")
    _check(frame)
    _refuse_inspections_after_today(frame)
    sen = [frames.text(raw, column) for column in SEN_COLUMNS if column in raw.columns]
    frame = frame.with_columns(
        laestab=pl.when(pl.col("establishment_number").is_not_null()).then(pl.col("la_code") * 10000 + pl.col("establishment_number")),
        head_title=pl.when(pl.col("head_title").is_in(list(NOT_RECORDED))).then(pl.lit("")).otherwise(pl.col("head_title")),
        sen_provision=_joined_provision(sen, raw.height),
    )
    frames.refuse_too_long(frame, _length_limits())
    return frame.with_columns(*to_latitude_longitude(frame["easting"], frame["northing"]))


PARSED = [
    ("urn", "URN", "int", {"required": True, "minimum": 1}),
    ("la_code", "LA (code)", "int", {"required": True}),
    ("la_name", "LA (name)", "text", {}),
    ("gss_code", "GSSLACode (name)", "text", {}),
    *((field, column, "text", {}) for field, column in TEXT_COLUMNS.items()),
    *((field, column, "int", LIMITS.get(field, {})) for field, column in NUMBER_COLUMNS.items()),
    *((field, column, "date", {}) for field, column in DATE_COLUMNS.items()),
    ("fsm_percent", "PercentageFSM", "decimal", LIMITS["fsm_percent"]),
]


def _parse_column_by_column(raw: pl.DataFrame) -> pl.DataFrame:
    urns = frames.whole_numbers(raw, "URN", required=True, minimum=1)
    frames.refuse_duplicates(urns, "URN", "URN")
    la_codes = frames.whole_numbers(raw, "LA (code)", required=True)
    columns = {"urn": urns, "la_code": la_codes, "la_name": frames.text(raw, "LA (name)"), "gss_code": frames.text(raw, "GSSLACode (name)")}
    for field, column in TEXT_COLUMNS.items():
        columns[field] = frames.text(raw, column)
    for field, column in NUMBER_COLUMNS.items():
        columns[field] = frames.whole_numbers(raw, column, **LIMITS.get(field, {}))
    for field, column in DATE_COLUMNS.items():
        columns[field] = frames.dates(raw, column)
    columns["fsm_percent"] = frames.decimals(raw, "PercentageFSM", **LIMITS["fsm_percent"])
    return pl.DataFrame(columns)


def _check(frame: pl.DataFrame) -> None:
    unknown = ~frame["status"].is_in(list(STATUSES))
    if unknown.any():
        row = frames.first_row(unknown)
        raise ImportRefused(
            f"'{frame['status'][row - 2]}' is not an establishment status (expected one of: {', '.join(sorted(STATUSES))})",
            row=row,
            column=TEXT_COLUMNS["status"],
        )
    blank_name = frame["name"] == ""
    if blank_name.any():
        raise ImportRefused("this must not be blank", row=frames.first_row(blank_name), column=TEXT_COLUMNS["name"])
    reversed_ages = (frame["low_age"] > frame["high_age"]).fill_null(False)
    if reversed_ages.any():
        row = frames.first_row(reversed_ages)
        raise ImportRefused(
            f"the lowest age ({frame['low_age'][row - 2]}) is above the highest ({frame['high_age'][row - 2]})",
            row=row,
            column="StatutoryLowAge",
        )
    # A boys' school of 258 pupils has 260 boys in GIAS (see ROUNDED_BY).
    for field in ("boys", "girls"):
        more = (frame[field] > frame["pupils"] + ROUNDED_BY).fill_null(False)
        if more.any():
            row = frames.first_row(more)
            raise ImportRefused(
                f"{frame[field][row - 2]} {field} is more than the {frame['pupils'][row - 2]} pupils on roll",
                row=row,
                column=NUMBER_COLUMNS[field],
            )


def _refuse_inspections_after_today(frame: pl.DataFrame) -> None:
    """The last inspection's date becomes an inspection in the school's history (with OfstedRating), and the latest
    one shown: a date after today is a slip, refused as the Ofsted files' own dates are."""
    future = (frame["ofsted_last_inspection"] > date.today()).fill_null(False)
    if future.any():
        row = frames.first_row(future)
        raise ImportRefused(
            f"'{frame['ofsted_last_inspection'][row - 2]:%d-%m-%Y}' cannot be the date of the last inspection: it is after today",
            row=row,
            column=DATE_COLUMNS["ofsted_last_inspection"],
        )


def _joined_provision(sen: list[pl.Series], height: int) -> pl.Series:
    if not sen:
        return pl.Series("sen_provision", [""] * height, dtype=pl.String)
    cleaned = [pl.when(s.is_in(["", *NOT_RECORDED])).then(None).otherwise(s) for s in sen]
    return pl.select(pl.concat_str(cleaned, separator="; ", ignore_nulls=True).fill_null("")).to_series()


def _length_limits() -> dict[str, tuple[str, int]]:
    return {field: (column, School._meta.get_field(field).max_length) for field, column in TEXT_COLUMNS.items()}


def _digests(frame: pl.DataFrame) -> pl.Series:
    """A 64-bit hash of each row's register fields (a blank and a missing value differ), computed by
    polars for all rows at once.

    It is only ever compared with the same school's previous digest, so 64 bits leave a chance of
    about 1 in 10^19 that a change goes unseen. polars may change its hash between versions: then every
    row looks changed once and is rewritten (no register events follow: events compare the fields).
    """
    return frame.select(REGISTER_FIELDS).hash_rows(seed=20261125).cast(pl.String).alias("row_digest")


def _older_rows_note(left_alone: int, extract_date: date, held_latest: date | None, *, nothing_else: bool) -> str:
    """What the person importing should know of the schools left as the register has them, because the register's
    entry for each is dated after the file's: that the file is older, if that is all it had to give."""
    one = left_alone == 1
    if nothing_else and held_latest is not None and extract_date < held_latest:
        schools = "The school whose entry differs" if one else f"The {left_alone:,} schools whose entries differ"
        return (
            f"This extract is older than the register's data: its latest change is dated {gov_date(extract_date)}, and the "
            f"register has changes up to {gov_date(held_latest)}. {schools} from the register's "
            f"{'was left as it is' if one else 'were left as they are'}."
        )
    entries = "entry for 1 school is" if one else f"entries for {left_alone:,} schools are"
    left = "that school was left as it is" if one else "those schools were left as they are"
    return f"The register's {entries} dated after this extract's, so {left}."


def _extract_date(raw: pl.DataFrame) -> date:
    """When the extract was taken: its latest LastChangedDate, or today if it has none."""
    if "LastChangedDate" not in raw.columns:
        return date.today()
    latest = frames.dates(raw, "LastChangedDate").max()
    return latest or date.today()


def _sync_authorities(frame: pl.DataFrame) -> dict[int, int]:
    """Create the authorities the file names; fill in names, ONS codes and regions. Returns code → id."""
    seen = (
        frame.group_by("la_code")
        .agg(
            name=pl.col("la_name").filter(pl.col("la_name") != "").first(),
            ons_code=pl.col("gss_code").filter(pl.col("gss_code").str.contains(GSS_LA_CODE.pattern)).first(),
            region=pl.col("region").filter(pl.col("region") != "").first(),
        )
        .to_dicts()
    )
    existing = {la.code: la for la in LocalAuthority.objects.filter(code__in=frame["la_code"].unique().to_list())}
    created = []
    for row in seen:
        values = {key: row[key] or "" for key in ("name", "ons_code", "region")}
        authority = existing.get(row["la_code"])
        if authority is None:
            created.append(LocalAuthority(code=row["la_code"], **{**values, "name": values["name"] or f"Authority {row['la_code']}"}))
            continue
        updates = {key: value for key, value in values.items() if value and getattr(authority, key) != value}
        if updates:
            LocalAuthority.objects.filter(pk=authority.pk).update(**updates)
    if created:
        LocalAuthority.objects.bulk_create(created)
        existing.update((la.code, la) for la in LocalAuthority.objects.filter(code__in=[la.code for la in created]))
    return {code: authority.pk for code, authority in existing.items()}


def _events_for_changes(changed: pl.DataFrame, extract_date: date, run) -> list[RegisterEvent]:
    if changed.is_empty():
        return []
    fields = list(register_events.fields)
    new_rows = {row["id"]: row for row in changed.select(["id", "register_changed_on", *fields]).iter_rows(named=True)}
    events = []
    ids = list(new_rows)
    for start in range(0, len(ids), 1000):
        for old in School.objects.filter(id__in=ids[start : start + 1000]).values("id", "register_changed_on", *fields):
            new = new_rows[old["id"]]
            recorded_on = new["register_changed_on"] or extract_date
            events.extend(RegisterEvent(school_id=old["id"], import_run=run, **event) for event in dated_events(old, new, recorded_on))
    return events


def _events_for_openings(new: pl.DataFrame, held_until: dict[int, date | None], run) -> list[RegisterEvent]:
    """A school new to an authority the register already held, and opened after the register's latest entry
    there, has opened since the last extract (one merely missing from an earlier, narrower extract has not)."""
    since = pl.col("la").replace_strict(held_until, default=None, return_dtype=pl.Date)
    candidates = new.filter(
        pl.col("la").is_in(list(held_until))
        & pl.col("opened_on").is_not_null()
        & (pl.col("status") != SchoolStatus.CLOSED)
        & ((pl.col("opened_on") > since) | since.is_null())
    )
    if candidates.is_empty():
        return []
    ids = dict(School.objects.filter(urn__in=candidates["urn"].to_list()).values_list("urn", "id"))
    return [RegisterEvent(school_id=ids[row["urn"]], import_run=run, **opened_event(row)) for row in candidates.iter_rows(named=True)]
