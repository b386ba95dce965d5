import re
from datetime import date

from django import forms

from .models import IntelligenceKind, IntelligenceRevision, Severity

PARTS = ("day", "month", "year")
DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also takes other scripts' digits (٣) and superscripts (³)


class TextField(forms.CharField):
    """Text whose line ends are one character each, as the page's character count counts them (a browser
    sends each as two), before its length is checked."""

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text


def _select(message: str) -> dict[str, str]:
    """A choice's errors: none chosen, or one the page does not offer (sent by other means), ask the same."""
    return {"required": message, "invalid_choice": message}


# A month may be typed as its name or the first three letters of it, as GOV.UK's date pattern asks to allow.
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
MONTHS = {name: number for number, month in enumerate(MONTH_NAMES, 1) for name in (month, month[:3])} | {"sept": 9}


class IntelligenceForm(forms.Form):
    """A local intelligence entry. The date is three fields, as GOV.UK's date input asks; an error says
    what is wrong with it and `date_errors` names the fields to highlight."""

    kind = forms.ChoiceField(choices=IntelligenceKind.choices, error_messages=_select("Select what kind of information this is"))
    severity = forms.ChoiceField(choices=Severity.choices, error_messages=_select("Select how serious it is"))
    day = forms.CharField(required=False, max_length=10)
    month = forms.CharField(required=False, max_length=10)
    year = forms.CharField(required=False, max_length=10)
    summary = TextField(
        max_length=2000,
        error_messages={"required": "Enter a summary", "max_length": "Summary must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_errors: list[str] = []

    def clean(self):
        cleaned = super().clean()
        # As typed: a part too long for its field has no cleaned value, but is still not missing.
        raw = {part: str(self.data.get(self.add_prefix(part)) or "").strip() for part in PARTS}
        for part in PARTS:
            self.errors.pop(part, None)
        occurred_on, message, fields = _date_from(raw)
        if message:
            self.date_errors = fields
            self.add_error("day", message)
        else:
            cleaned["occurred_on"] = occurred_on
        return cleaned


# As long as the model keeps (IntelligenceRevision.reason, IntelligenceEntry.withdrawal_reason).
REASON_LIMIT = IntelligenceRevision._meta.get_field("reason").max_length


def _reason_field(missing: str) -> TextField:
    return TextField(
        max_length=REASON_LIMIT, error_messages={"required": missing, "max_length": f"Reason must be {REASON_LIMIT} characters or fewer"}
    )


class CorrectionForm(IntelligenceForm):
    """An entry's corrected answers, and why: the reason is kept with the version it replaces and shown on the timeline.

    `entry`: the entry as it stands, so that a correction that changes nothing is refused rather than recorded."""

    reason = _reason_field("Enter why you are correcting this entry")

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self):
        cleaned = super().clean()
        if self.entry is not None and not self.errors and not changed_fields(self.entry, cleaned):
            self.add_error(None, "Change the kind, severity, date or summary, or go back without correcting it")
        return cleaned


class WithdrawalForm(forms.Form):
    reason = _reason_field("Enter why you are withdrawing this entry")


CORRECTED_FIELDS = ("kind", "severity", "occurred_on", "summary")


def changed_fields(entry, cleaned: dict) -> list[str]:
    """The entry's fields whose corrected value differs from what it holds (the summary as it would be saved)."""
    new = {**cleaned, "summary": (cleaned.get("summary") or "").strip()}
    return [name for name in CORRECTED_FIELDS if name in new and new[name] != getattr(entry, name)]


def entry_answers(entry) -> dict[str, str]:
    """The entry's answers as the form's fields hold them, to start a correction from what was recorded."""
    on = entry.occurred_on
    return {
        "kind": entry.kind,
        "severity": entry.severity,
        "day": str(on.day),
        "month": str(on.month),
        "year": str(on.year),
        "summary": entry.summary,
    }


def _date_from(raw: dict[str, str]) -> tuple[date | None, str, list[str]]:
    """The date the three fields make; else the error message and the fields it is about."""
    missing = [part for part in PARTS if not raw[part]]
    if len(missing) == len(PARTS):
        return None, "Enter the date it happened", list(PARTS)
    if missing:
        return None, f"Date it happened must include a {' and '.join(missing)}", missing
    if raw["month"].lower() in MONTHS:
        raw = {**raw, "month": str(MONTHS[raw["month"].lower()])}
    not_numbers = [part for part in PARTS if not DIGITS.fullmatch(raw[part])]
    if not_numbers:
        return None, "Date it happened must be a real date", not_numbers
    if len(raw["year"]) != 4:
        return None, "Year must include 4 numbers", ["year"]
    too_long = [part for part in ("day", "month") if len(raw[part].lstrip("0")) > 2]
    if too_long:
        return None, "Date it happened must be a real date", too_long
    day, month, year = (int(raw[part]) for part in PARTS)
    if not 1 <= month <= 12:
        return None, "Date it happened must be a real date", ["month"]
    try:
        occurred_on = date(year, month, day)
    except ValueError:
        return None, "Date it happened must be a real date", ["day"]
    if occurred_on > date.today():
        return None, "Date it happened must be today or in the past", list(PARTS)
    if year < 1990:
        return None, "Date it happened must be in 1990 or later", ["year"]
    return occurred_on, "", []
