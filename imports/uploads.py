"""Receiving a file uploaded to import: Django's own upload handlers, except that a name too long to keep is cut short
in its stem, keeping its whole suffix, and a double quote in it is the name's own. Django's own shortening keeps the
last suffix only, so that a long name ending .csv.gz came to end .gz, and the file was refused as not a CSV file."""

import os

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

FILE_NAME_LENGTH = 255  # the most ImportRun.file_name holds, as Django keeps of an uploaded file's name
# The suffixes of the files the import knows: the CSV files it takes, and the workbooks it names for what they are.
SUFFIXES = (".csv.gz", ".csv", ".xlsx", ".xlsm")


def shortened(name: str, length: int = FILE_NAME_LENGTH) -> str:
    """`name`, cut to `length` characters at the end of its stem where it is longer: a known suffix is kept whole
    (".csv.gz", not ".gz"), any other last one as Django keeps it."""
    if len(name) <= length:
        return name
    suffix = next((name[-len(known) :] for known in SUFFIXES if name.lower().endswith(known)), os.path.splitext(name)[1])
    suffix = suffix[:length]
    return name[: length - len(suffix)] + suffix


def as_named(sent: str) -> str:
    """The file's name as the person's computer names it, from the name a browser sent: browsers send a double quote in
    a file name as %22 (the HTML standard's multipart/form-data encoding, since a quote would end the quoted name), which
    Django keeps as it came, so that 'KS2 "final".csv' was listed as 'KS2 %22final%22.csv'."""
    return sent.replace("%22", '"')


class _KeepsSuffix:
    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, as_named(file_name), *args, **kwargs)

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        if upload is not None and self.file_name and len(self.file_name) > FILE_NAME_LENGTH:
            upload.name = shortened(self.file_name)  # in place of the name Django shortened
        return upload


class MemoryUploadHandler(_KeepsSuffix, MemoryFileUploadHandler):
    pass


class TemporaryUploadHandler(_KeepsSuffix, TemporaryFileUploadHandler):
    pass
