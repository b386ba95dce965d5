"""The catalogue of measures Common Ground keeps, and which column of which data set feeds each.

Plain data, no Django: the loaders read it to know what to take from a file, the `Measure` table is
kept in step with it (`evidence.store.sync_catalogue`), and the pages read the table.

Years are stored as the calendar year in which the academic year ends: 2019 means 2018/19.
"""

from dataclasses import dataclass, field


class Unit:
    PERCENT = "percent"
    SCORE = "score"
    COUNT = "count"
    BAND = "band"


class Better:
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = ""  # context: neither direction is better


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    label: str
    unit: str
    better: str
    group: str  # heading on the results page
    key: bool = False  # shown on the school's results page
    gap: bool = False  # a disadvantaged-vs-others gap measure
    description: str = ""
    places: int = 1  # decimal places to show
    # England's figure by definition, shown (never stored) where DfE publishes none: a KS2 progress score
    # measures pupils against pupils nationally, so England's is 0, and DfE's files leave it blank.
    england_by_definition: float | None = None
    # Why no authority's figure is shown, where the files give none and it cannot be calculated from them.
    no_la_figure: str = ""
    # A gap measured against other pupils nationally (DfE's DIFFN_*): the measures of the disadvantaged pupils' and the
    # other pupils' figures it is the difference of, from which England's own gap is calculated.
    parts: tuple[str, str] | None = None


KS2 = "Key stage 2"
KS4 = "Key stage 4"
PUPILS = "Pupils"
ATTENDANCE = "Attendance"
ABSENCE_LA = (
    "No authority figure: the absence file gives each school's percentage and England's, not the sessions or pupils"
    " behind them, so the authority's cannot be calculated from it (an average of its schools' percentages would"
    " not be the authority's rate)."
)

PROGRESS = (
    " 0 is the national average: above 0, pupils made more progress than pupils nationally who started from the same"
    " point; below 0, less. A school's score rests on few pupils, so DfE gives a 95% confidence interval with it: where"
    " the interval includes 0, the score is not clearly different from the national average."
)
KS2_PROGRESS = "Pupils' progress from the end of key stage 1 to the end of key stage 2, against pupils nationally." + PROGRESS
PROGRESS8 = "Pupils' progress from the end of key stage 2 across eight GCSE-level subjects, against pupils nationally." + PROGRESS

MEASURES: tuple[MeasureSpec, ...] = (
    # Key stage 2 (end of primary).
    MeasureSpec(
        "ks2_rwm_expected", "Reading, writing and maths: % at the expected standard", Unit.PERCENT, Better.HIGHER, KS2, key=True, places=0
    ),
    MeasureSpec(
        "ks2_rwm_higher", "Reading, writing and maths: % at the higher standard", Unit.PERCENT, Better.HIGHER, KS2, key=True, places=0
    ),
    MeasureSpec(
        "ks2_rwm_expected_disadvantaged",
        "Disadvantaged pupils: % at the expected standard in reading, writing and maths",
        Unit.PERCENT,
        Better.HIGHER,
        KS2,
        places=0,
    ),
    MeasureSpec(
        "ks2_rwm_expected_other",
        "Other pupils: % at the expected standard in reading, writing and maths",
        Unit.PERCENT,
        Better.HIGHER,
        KS2,
        places=0,
    ),
    MeasureSpec(
        "ks2_rwm_expected_gap",
        "Disadvantaged gap: reading, writing and maths at the expected standard (percentage points)",
        Unit.SCORE,
        Better.HIGHER,
        KS2,
        key=True,
        gap=True,
        places=0,
        parts=("ks2_rwm_expected_disadvantaged", "ks2_rwm_expected_other"),
        description=(
            "The percentage of the school's disadvantaged pupils reaching the expected standard minus that of other pupils"
            " nationally, in percentage points: below zero, its disadvantaged pupils are behind."
        ),
    ),
    *(
        spec
        for subject in ("reading", "writing", "maths")
        for spec in (
            MeasureSpec(
                f"ks2_{subject}_progress",
                f"{subject.capitalize()} progress score",
                Unit.SCORE,
                Better.HIGHER,
                KS2,
                key=True,
                england_by_definition=0.0,
                description=KS2_PROGRESS,
            ),
            MeasureSpec(
                f"ks2_{subject}_progress_lower",
                f"{subject.capitalize()} progress: lower 95% confidence limit",
                Unit.SCORE,
                Better.HIGHER,
                KS2,
            ),
            MeasureSpec(
                f"ks2_{subject}_progress_upper",
                f"{subject.capitalize()} progress: upper 95% confidence limit",
                Unit.SCORE,
                Better.HIGHER,
                KS2,
            ),
        )
    ),
    *(
        spec
        for subject in ("reading", "maths")
        for spec in (
            MeasureSpec(
                f"ks2_{subject}_progress_disadvantaged",
                f"{subject.capitalize()} progress: disadvantaged pupils",
                Unit.SCORE,
                Better.HIGHER,
                KS2,
            ),
            MeasureSpec(f"ks2_{subject}_progress_other", f"{subject.capitalize()} progress: other pupils", Unit.SCORE, Better.HIGHER, KS2),
            MeasureSpec(
                f"ks2_{subject}_progress_gap",
                f"Disadvantaged gap: {subject} progress",
                Unit.SCORE,
                Better.HIGHER,
                KS2,
                gap=True,
                parts=(f"ks2_{subject}_progress_disadvantaged", f"ks2_{subject}_progress_other"),
            ),
        )
    ),
    MeasureSpec("ks2_reading_average", "Reading: average scaled score", Unit.SCORE, Better.HIGHER, KS2, places=0),
    MeasureSpec("ks2_maths_average", "Maths: average scaled score", Unit.SCORE, Better.HIGHER, KS2, places=0),
    MeasureSpec("ks2_cohort", "Pupils at the end of key stage 2", Unit.COUNT, Better.NEITHER, KS2, places=0),
    MeasureSpec("ks2_disadvantaged_pct", "KS2 cohort: % disadvantaged", Unit.PERCENT, Better.NEITHER, KS2, places=0),
    MeasureSpec("ks2_eal_pct", "KS2 cohort: % English as an additional language", Unit.PERCENT, Better.NEITHER, KS2, places=0),
    MeasureSpec("ks2_sen_support_pct", "KS2 cohort: % SEN support", Unit.PERCENT, Better.NEITHER, KS2, places=0),
    MeasureSpec("ks2_ehcp_pct", "KS2 cohort: % with an EHC plan or statement", Unit.PERCENT, Better.NEITHER, KS2, places=0),
    # Key stage 4 (end of secondary).
    MeasureSpec("ks4_attainment8", "Attainment 8 score", Unit.SCORE, Better.HIGHER, KS4, key=True),
    MeasureSpec("ks4_attainment8_disadvantaged", "Attainment 8: disadvantaged pupils", Unit.SCORE, Better.HIGHER, KS4),
    MeasureSpec("ks4_attainment8_other", "Attainment 8: other pupils", Unit.SCORE, Better.HIGHER, KS4),
    MeasureSpec(
        "ks4_attainment8_gap",
        "Disadvantaged gap: Attainment 8",
        Unit.SCORE,
        Better.HIGHER,
        KS4,
        key=True,
        gap=True,
        parts=("ks4_attainment8_disadvantaged", "ks4_attainment8_other"),
        description=(
            "The Attainment 8 score of the school's disadvantaged pupils minus that of other pupils nationally: below zero,"
            " its disadvantaged pupils are behind."
        ),
    ),
    MeasureSpec("ks4_progress8", "Progress 8 score", Unit.SCORE, Better.HIGHER, KS4, key=True, places=2, description=PROGRESS8),
    MeasureSpec("ks4_progress8_lower", "Progress 8: lower 95% confidence limit", Unit.SCORE, Better.HIGHER, KS4, places=2),
    MeasureSpec("ks4_progress8_upper", "Progress 8: upper 95% confidence limit", Unit.SCORE, Better.HIGHER, KS4, places=2),
    MeasureSpec("ks4_progress8_disadvantaged", "Progress 8: disadvantaged pupils", Unit.SCORE, Better.HIGHER, KS4, places=2),
    MeasureSpec("ks4_progress8_other", "Progress 8: other pupils", Unit.SCORE, Better.HIGHER, KS4, places=2),
    MeasureSpec(
        "ks4_progress8_gap",
        "Disadvantaged gap: Progress 8",
        Unit.SCORE,
        Better.HIGHER,
        KS4,
        key=True,
        gap=True,
        places=2,
        parts=("ks4_progress8_disadvantaged", "ks4_progress8_other"),
        description=(
            "The Progress 8 score of the school's disadvantaged pupils minus that of other pupils nationally: below zero,"
            " its disadvantaged pupils made less progress."
        ),
    ),
    MeasureSpec(
        "ks4_progress8_banding", "Progress 8 banding (1 well above average to 5 well below)", Unit.BAND, Better.LOWER, KS4, places=0
    ),
    MeasureSpec("ks4_basics_94", "English and maths: % grade 4 or above", Unit.PERCENT, Better.HIGHER, KS4, key=True, places=0),
    MeasureSpec("ks4_basics_95", "English and maths: % grade 5 or above", Unit.PERCENT, Better.HIGHER, KS4, key=True, places=0),
    MeasureSpec("ks4_ebacc_entry", "EBacc: % entering", Unit.PERCENT, Better.HIGHER, KS4, places=0),
    MeasureSpec("ks4_ebacc_aps", "EBacc average point score", Unit.SCORE, Better.HIGHER, KS4, places=2),
    MeasureSpec("ks4_cohort", "Pupils at the end of key stage 4", Unit.COUNT, Better.NEITHER, KS4, places=0),
    MeasureSpec("ks4_disadvantaged_pct", "KS4 cohort: % disadvantaged", Unit.PERCENT, Better.NEITHER, KS4, places=0),
    MeasureSpec("ks4_ks2_average", "KS4 cohort: average KS2 scaled score", Unit.SCORE, Better.NEITHER, KS4),
    MeasureSpec("ks4_sen_pct", "KS4 cohort: % with SEN", Unit.PERCENT, Better.NEITHER, KS4),
    MeasureSpec("ks4_ehcp_pct", "KS4 cohort: % with an EHC plan", Unit.PERCENT, Better.NEITHER, KS4),
    # Pupils (school census).
    MeasureSpec("pupils", "Pupils on roll (headcount)", Unit.COUNT, Better.NEITHER, PUPILS, key=True, places=0),
    MeasureSpec("fsm_pct", "% known to be eligible for free school meals", Unit.PERCENT, Better.NEITHER, PUPILS, key=True),
    MeasureSpec("fsm_ever_pct", "% eligible for free school meals at any time in the last 6 years", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("eal_pct", "% whose first language is other than English", Unit.PERCENT, Better.NEITHER, PUPILS, key=True),
    MeasureSpec(
        "sen_support_pct",
        "% SEN support",
        Unit.PERCENT,
        Better.NEITHER,
        PUPILS,
        key=True,
        description=(
            "The pupils with special educational needs (SEN) whom the school supports without an education, health and care"
            " (EHC) plan, as a percentage of its pupils."
        ),
    ),
    MeasureSpec(
        "ehcp_pct",
        "% with an EHC plan or statement",
        Unit.PERCENT,
        Better.NEITHER,
        PUPILS,
        key=True,
        description=(
            "The pupils with an education, health and care (EHC) plan, which sets out the support a pupil with special"
            " educational needs must have, or a statement of special educational needs (which EHC plans replaced from 2014),"
            " as a percentage of the school's pupils."
        ),
    ),
    MeasureSpec("white_british_pct", "% of white British ethnic origin", Unit.PERCENT, Better.NEITHER, PUPILS),
    # Ethnic groups: DfE's major groups, each summed from the census's counts of its detailed groups.
    MeasureSpec("ethnicity_white_pct", "% White (any white background)", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("ethnicity_mixed_pct", "% Mixed (any mixed background)", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("ethnicity_asian_pct", "% Asian (any Asian background)", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("ethnicity_black_pct", "% Black (any black background)", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("ethnicity_chinese_pct", "% Chinese", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("ethnicity_other_pct", "% any other ethnic group", Unit.PERCENT, Better.NEITHER, PUPILS),
    MeasureSpec("ethnicity_unclassified_pct", "% ethnicity not known (unclassified)", Unit.PERCENT, Better.NEITHER, PUPILS),
    # Attendance.
    MeasureSpec(
        "absence_overall_pct", "Overall absence (% of sessions)", Unit.PERCENT, Better.LOWER, ATTENDANCE, key=True, no_la_figure=ABSENCE_LA
    ),
    MeasureSpec(
        "persistent_absence_pct",
        "Persistent absence (% of pupils missing 10% or more)",
        Unit.PERCENT,
        Better.LOWER,
        ATTENDANCE,
        key=True,
        no_la_figure=ABSENCE_LA,
    ),
)

BY_CODE = {m.code: m for m in MEASURES}


def calculated_how(code: str) -> str:
    """What the pages and downloads say beside an area's figure of this measure that was calculated here, not published."""
    if BY_CODE[code].parts:
        return "calculated here: England's disadvantaged pupils' figure minus its other pupils'"
    return "calculated here from the schools' counts"


# A progress score → the measures of its 95% confidence interval's lower and upper limits.
CONFIDENCE_LIMITS = {
    **{
        f"ks2_{subject}_progress": (f"ks2_{subject}_progress_lower", f"ks2_{subject}_progress_upper")
        for subject in ("reading", "writing", "maths")
    },
    "ks4_progress8": ("ks4_progress8_lower", "ks4_progress8_upper"),
}
GROUPS = (PUPILS, ATTENDANCE, KS2, KS4)


@dataclass(frozen=True)
class Column:
    """One column of a source file feeding one measure; `cohort` names the column giving its pupil count."""

    name: str
    measure: str
    cohort: str | None = None
    words: tuple[tuple[str, float], ...] = ()  # published words that stand for numbers

    @property
    def sources(self) -> set[str]:
        """The file's columns this measure is read from."""
        return {self.name, self.cohort} - {None}

    def present_in(self, names: set[str]) -> bool:
        return self.name in names


@dataclass(frozen=True)
class Share:
    """Count columns of a source file summed, as a percentage (to 1 place) of the `cohort` column: a measure
    the file gives only in parts (the census's major ethnic groups). `name` is its first part."""

    parts: tuple[str, ...]
    measure: str
    cohort: str

    @property
    def name(self) -> str:
        return self.parts[0]

    @property
    def sources(self) -> set[str]:
        return {*self.parts, self.cohort}

    def present_in(self, names: set[str]) -> bool:
        return self.sources <= names


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column | Share, ...] = field(default_factory=tuple)

    def present(self, header) -> tuple[Column | Share, ...]:
        """The columns the file has; where it has two for one measure, the first listed."""
        names, chosen = set(header), {}
        for column in self.columns:
            if column.present_in(names):
                chosen.setdefault(column.measure, column)
        return tuple(chosen.values())


# Columns are matched by exact name; a year's file uses whichever of these it has (the first listed, if two).
KS2_COLUMNS = Layout(
    (
        Column("PTRWM_EXP", "ks2_rwm_expected", "TELIG"),
        Column("PTRWM_HIGH", "ks2_rwm_higher", "TELIG"),
        Column("PTRWM_EXP_FSM6CLA1A", "ks2_rwm_expected_disadvantaged", "TFSM6CLA1A"),
        Column("PTRWM_EXP_NotFSM6CLA1A", "ks2_rwm_expected_other", "TNotFSM6CLA1A"),
        Column("DIFFN_RWM_EXP", "ks2_rwm_expected_gap", "TFSM6CLA1A"),
        Column("READPROG", "ks2_reading_progress", "TELIG"),
        Column("READPROG_LOWER", "ks2_reading_progress_lower"),
        Column("READPROG_UPPER", "ks2_reading_progress_upper"),
        Column("WRITPROG", "ks2_writing_progress", "TELIG"),
        Column("WRITPROG_LOWER", "ks2_writing_progress_lower"),
        Column("WRITPROG_UPPER", "ks2_writing_progress_upper"),
        Column("MATPROG", "ks2_maths_progress", "TELIG"),
        Column("MATPROG_LOWER", "ks2_maths_progress_lower"),
        Column("MATPROG_UPPER", "ks2_maths_progress_upper"),
        Column("READPROG_FSM6CLA1A", "ks2_reading_progress_disadvantaged", "TFSM6CLA1A"),
        Column("READPROG_NotFSM6CLA1A", "ks2_reading_progress_other", "TNotFSM6CLA1A"),
        Column("DIFFN_READPROG", "ks2_reading_progress_gap", "TFSM6CLA1A"),
        Column("MATPROG_FSM6CLA1A", "ks2_maths_progress_disadvantaged", "TFSM6CLA1A"),
        Column("MATPROG_NotFSM6CLA1A", "ks2_maths_progress_other", "TNotFSM6CLA1A"),
        Column("DIFFN_MATPROG", "ks2_maths_progress_gap", "TFSM6CLA1A"),
        Column("READ_AVERAGE", "ks2_reading_average", "TELIG"),
        Column("MAT_AVERAGE", "ks2_maths_average", "TELIG"),
        Column("TELIG", "ks2_cohort"),
        Column("PTFSM6CLA1A", "ks2_disadvantaged_pct", "TELIG"),
        Column("PTEALGRP2", "ks2_eal_pct", "TELIG"),
        Column("PSENELK", "ks2_sen_support_pct", "TELIG"),
        # Until 2017/18 PSENELE counted only EHC plans, and PSENELSE statements too; by 2018/19 every statement had
        # become a plan and only PSENELE was published.
        Column("PSENELSE", "ks2_ehcp_pct", "TELIG"),
        Column("PSENELE", "ks2_ehcp_pct", "TELIG"),
    )
)

KS4_COLUMNS = Layout(
    (
        Column("ATT8SCR", "ks4_attainment8", "TPUP"),
        Column("ATT8SCR_FSM6CLA1A", "ks4_attainment8_disadvantaged", "TFSM6CLA1A"),
        Column("ATT8SCR_NFSM6CLA1A", "ks4_attainment8_other", "TNOTFSM6CLA1A"),
        Column("DIFFN_ATT8", "ks4_attainment8_gap", "TFSM6CLA1A"),
        Column("P8MEA", "ks4_progress8", "P8PUP"),
        Column("P8CILOW", "ks4_progress8_lower", "P8PUP"),
        Column("P8CIUPP", "ks4_progress8_upper", "P8PUP"),
        Column("P8MEA_FSM6CLA1A", "ks4_progress8_disadvantaged", "TFSM6CLA1A"),
        Column("P8MEA_NFSM6CLA1A", "ks4_progress8_other", "TNOTFSM6CLA1A"),
        Column("DIFFN_P8MEA", "ks4_progress8_gap", "TFSM6CLA1A"),
        Column("P8_BANDING", "ks4_progress8_banding"),
        Column("PTL2BASICS_94", "ks4_basics_94", "TPUP"),
        Column("PTL2BASICS_95", "ks4_basics_95", "TPUP"),
        Column("PTEBACC_E_PTQ_EE", "ks4_ebacc_entry", "TPUP"),
        Column("EBACCAPS", "ks4_ebacc_aps", "TPUP"),
        Column("TPUP", "ks4_cohort"),
        Column("PTFSM6CLA1A", "ks4_disadvantaged_pct", "TPUP"),
    )
)

# Progress 8 bands: numbers 1-5 in the 2018/19 tables, words in the EES files.
P8_BANDS = (("Well above average", 1), ("Above average", 2), ("Average", 3), ("Below average", 4), ("Well below average", 5))

# Explore-education-statistics layouts (2023/24 school information; 2024/25 information about schools).
KS4_EES_COLUMNS = Layout(
    (
        Column("t_pupils", "ks4_cohort"),
        Column("endks4_pupil_count", "ks4_cohort"),
        Column("pt_disadvantaged", "ks4_disadvantaged_pct", "t_pupils"),
        Column("avg_ks2_scaledscore", "ks4_ks2_average", "t_pupils"),
        Column("ks2_scaledscore_average", "ks4_ks2_average", "endks4_pupil_count"),
        Column("pt_sen", "ks4_sen_pct", "t_pupils"),
        Column("sen_pupil_percent", "ks4_sen_pct", "endks4_pupil_count"),
        Column("pt_sen_with_ehcp", "ks4_ehcp_pct", "t_pupils"),
        Column("sen_with_ehcp_pupil_percent", "ks4_ehcp_pct", "endks4_pupil_count"),
        Column("diffn_att8", "ks4_attainment8_gap", "t_disadvantaged"),
        Column("attainment8_diffn", "ks4_attainment8_gap"),
        Column("diffn_p8mea", "ks4_progress8_gap", "t_disadvantaged"),
        Column("progress8_diffn", "ks4_progress8_gap"),
        Column("p8_banding", "ks4_progress8_banding", words=P8_BANDS),
        Column("progress8_banding", "ks4_progress8_banding", words=P8_BANDS),
    )
)


def _ethnic(*groups: str) -> tuple[str, ...]:
    return tuple(f"number of pupils classified as {group} ethnic origin" for group in groups)


# The census's counts of each major ethnic group's detailed groups (DfE's own grouping). A school's
# figure is their sum as a percentage of its headcount, as DfE works out each detailed group's.
CENSUS_ETHNIC_GROUPS = {
    "ethnicity_white_pct": _ethnic("white British", "Irish", "traveller of Irish heritage", "any other white background", "Gypsy/Roma"),
    "ethnicity_mixed_pct": _ethnic("white and black Caribbean", "white and black African", "white and Asian", "any other mixed background"),
    "ethnicity_asian_pct": _ethnic("Indian", "Pakistani", "Bangladeshi", "any other Asian background"),
    "ethnicity_black_pct": _ethnic("Caribbean", "African", "any other black background"),
    "ethnicity_chinese_pct": _ethnic("Chinese"),
    "ethnicity_other_pct": _ethnic("any other ethnic group"),
    "ethnicity_unclassified_pct": ("number of pupils unclassified",),
}
# The ethnic groups as pages list them (white British within White): measure code → name.
ETHNIC_GROUP_NAMES = {
    "ethnicity_white_pct": "White",
    "white_british_pct": "of whom white British",
    "ethnicity_mixed_pct": "Mixed",
    "ethnicity_asian_pct": "Asian",
    "ethnicity_black_pct": "Black",
    "ethnicity_chinese_pct": "Chinese",
    "ethnicity_other_pct": "Any other ethnic group",
    "ethnicity_unclassified_pct": "Not known (unclassified)",
}

CENSUS_SPC_COLUMNS = Layout(
    (
        Column("headcount of pupils", "pupils"),
        Column("% of pupils known to be eligible for free school meals", "fsm_pct", "headcount of pupils"),
        Column("% of pupils whose first language is known or believed to be other than English", "eal_pct", "headcount of pupils"),
        Column("% of pupils classified as white British ethnic origin", "white_british_pct", "headcount of pupils"),
        *(Share(parts, measure, "headcount of pupils") for measure, parts in CENSUS_ETHNIC_GROUPS.items()),
    )
)

# Numerator columns of the census (several are summed), for area figures computed from the schools' counts.
CENSUS_SPC_COUNTS = {
    "fsm_pct": ("number of pupils known to be eligible for free school meals",),
    "eal_pct": ("number of pupils whose first language is known or believed to be other than English",),
    "white_british_pct": _ethnic("white British"),
    **CENSUS_ETHNIC_GROUPS,
}

# The census summary's counts behind its percentages of NOR, for each authority's figure from its schools.
# Its FSM-ever percentage is not one of them: DfE divides that count by a different number of pupils.
CENSUS_SUMMARY_COUNTS = {"eal_pct": ("NUMEAL",), "sen_support_pct": ("TSENELK",), "ehcp_pct": ("TSENELSE",)}

CENSUS_SUMMARY_COLUMNS = Layout(
    (
        Column("NOR", "pupils"),
        Column("PNUMFSMEVER", "fsm_ever_pct", "NOR"),
        Column("PNUMEAL", "eal_pct", "NOR"),
        Column("PSENELK", "sen_support_pct", "NOR"),
        Column("PSENELSE", "ehcp_pct", "NOR"),
    )
)

ABSENCE_COLUMNS = Layout(
    (
        Column("PERCTOT", "absence_overall_pct"),
        Column("PPERSABS10", "persistent_absence_pct"),
    )
)

# The performance tables whose columns each key stage's meta file describes (evidence.meta).
PERFORMANCE_TABLES = {"ks2": KS2_COLUMNS, "ks4": KS4_COLUMNS}


def _table_columns() -> dict[str, tuple[str, tuple[str, ...]]]:
    listed: dict[str, tuple[str, list[str]]] = {}
    for stage, layout in PERFORMANCE_TABLES.items():
        for column in layout.columns:
            listed.setdefault(column.measure, (stage, []))[1].append(column.name)
    return {code: (stage, tuple(columns)) for code, (stage, columns) in listed.items()}


# measure code → (key stage, its columns as listed): where a measure's published description is found. A year's file
# gives a measure from the first listed of its columns it has, as Layout.present chooses.
TABLE_COLUMNS = _table_columns()
