from datetime import date

from django import forms

from .models import IntelligenceKind, Severity


class IntelligenceForm(forms.Form):
    """A local intelligence entry. The date is three fields, as GOV.UK's date input asks."""

    kind = forms.ChoiceField(choices=IntelligenceKind.choices, error_messages={"required": "Select what kind of information this is"})
    severity = forms.ChoiceField(choices=Severity.choices, error_messages={"required": "Select how serious it is"})
    day = forms.IntegerField(required=False, min_value=1, max_value=31)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    summary = forms.CharField(
        max_length=2000,
        error_messages={"required": "Enter a summary", "max_length": "Summary must be 2,000 characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        parts = [cleaned.get(k) for k in ("day", "month", "year")]
        if any(self.errors.get(k) for k in ("day", "month", "year")) or None in parts:
            for k in ("day", "month", "year"):
                self.errors.pop(k, None)
            self.add_error("day", "Enter the date it happened, for example 27 3 2025")
            return cleaned
        try:
            occurred_on = date(parts[2], parts[1], parts[0])
        except ValueError:
            self.add_error("day", "Date it happened must be a real date")
            return cleaned
        if occurred_on > date.today():
            self.add_error("day", "Date it happened must be today or in the past")
            return cleaned
        cleaned["occurred_on"] = occurred_on
        return cleaned
