from django import forms
from django.conf import settings

from register.models import LocalAuthority

from .registry import KINDS

KIND_LABEL = "Kind of file"
# How a refusal of a file that fits more than one kind tells the uploader to say which (the command line's: --kind).
KIND_GIVEN_BY = f"'{KIND_LABEL}' on the upload form"
REPLACED_LABEL = "Import it even though a different file of its year and release has replaced it since"
# How a refusal of a file imported before and replaced since tells the uploader to import it all the same (--replaced).
REPLACED_GIVEN_BY = f"'{REPLACED_LABEL}' ticked on the upload form"


# What to do with a file that is not CSV but holds the data: GIAS's downloads come as zip files of CSV files.
INSTEAD = {
    (".zip",): ": this is a zip file, so extract the CSV files from it and import each",
    (".xlsx", ".xlsm", ".xls", ".ods"): ": this is a spreadsheet, so save it as CSV UTF-8 and import that",
    # What a spreadsheet saves as "Text (Tab delimited)" or "Unicode Text": the data, but not as CSV.
    (".txt", ".tsv", ".tab"): ": this is a text file, so open it in a spreadsheet, save it as CSV UTF-8 and import that",
}


class UploadForm(forms.Form):
    """A file, the authorities to import it for, and what kind of file it is, where its header does not say.

    Only someone who administers every authority (a superuser) may leave the authorities blank and
    import the whole file, including what all authorities share (England's figures, trusts spanning
    authorities, the measures' descriptions). An LA administrator's import is always limited to the
    authorities they administer; with only one, it is chosen for them.
    """

    file = forms.FileField(error_messages={"required": "Select a file to import", "empty": "The selected file is empty"})
    la = forms.ModelMultipleChoiceField(
        queryset=LocalAuthority.objects.none(),
        required=False,
        to_field_name="code",
        error_messages={"required": "Select the authorities whose schools to import"},
    )
    kind = forms.ChoiceField(label=KIND_LABEL, required=False, error_messages={"invalid_choice": "Select a kind of file from the list"})
    replaced = forms.BooleanField(label=REPLACED_LABEL, required=False)

    @property
    def max_upload_bytes(self) -> int:
        return settings.IMPORT_MAX_UPLOAD_BYTES

    @property
    def max_upload_mb(self) -> int:
        return self.max_upload_bytes // (1024 * 1024)

    @property
    def too_large(self) -> str:
        """What is said of a file over the limit: by the form, and by the page's script before the file is sent."""
        return f"The selected file must be smaller than {self.max_upload_mb} MB"

    def __init__(self, *args, authorities=None, everything=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["la"]
        field.queryset = authorities if authorities is not None else LocalAuthority.objects.all()
        self.everything = everything
        self.only_authority = None if everything or len(field.queryset) != 1 else field.queryset[0]
        field.required = not everything and self.only_authority is None
        self.fields["kind"].choices = [("", "Recognise it from its header"), *((code, kind.label) for code, kind in KINDS.items())]

    def clean_la(self):
        if self.only_authority is not None:
            return [self.only_authority]
        return self.cleaned_data["la"]

    @property
    def file_not_imported(self) -> str | None:
        """The name of the file sent with a form that was refused: a browser does not keep the file chosen, so the page
        names it."""
        upload = self.files.get("file") if self.is_bound and self.errors else None
        return upload.name if upload else None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".csv.gz")):
            instead = next((words for suffixes, words in INSTEAD.items() if name.endswith(suffixes)), "")
            raise forms.ValidationError(f"The selected file must be a CSV file (.csv, or .csv.gz if compressed){instead}")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        if upload.size > self.max_upload_bytes:
            raise forms.ValidationError(self.too_large)
        return upload


def upload_dir():
    path = settings.UPLOAD_DIR
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_path(run, suffix: str):
    """Where the file uploaded for `run` waits for the worker: named after the run, so that whoever ends the run (the
    worker, or a page finding it stopped) can delete it."""
    return upload_dir() / f"run-{run.pk}{suffix}"


def delete_upload(run) -> None:
    for path in settings.UPLOAD_DIR.glob(f"run-{run.pk}.*"):
        path.unlink(missing_ok=True)
