from django import forms
from django.conf import settings

from register.models import LocalAuthority

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(error_messages={"required": "Select a file to import"})
    la = forms.ModelMultipleChoiceField(
        queryset=LocalAuthority.objects.none(),
        required=False,
        to_field_name="code",
        help_text="Leave blank to import every authority in the file.",
    )

    def __init__(self, *args, authorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].queryset = authorities if authorities is not None else LocalAuthority.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".csv.gz")):
            raise forms.ValidationError("The selected file must be a CSV file (.csv, or .csv.gz if compressed)")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return upload


def upload_dir():
    path = settings.UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path
