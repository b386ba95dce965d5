"""Signals other apps can hear about imports."""

from django.dispatch import Signal

# Sent inside an import's transaction once a file's rows are loaded, before it commits, with `run`
# (its ImportRun, kind set), `counts` (the importer's Counts) and `sender` (the kind's code). What a
# receiver writes commits or rolls back with the import; a receiver that raises ImportRefused refuses it.
file_loaded = Signal()
