"""How the pages and downloads name an import to their reader: by its number, which leads to its page, to a reader who
can open the Imports page and that import on it (an LA administrator, the service's); to anyone else, for whom the
number leads nowhere, by its file and the day it was imported. The one place that decides; every page, download and
note that says which import gave a figure or a count asks it."""

from datetime import datetime
from functools import cached_property

from django.urls import reverse
from markupsafe import Markup

from accounts.access import scope_for
from core.jinja import gov_date, link

from .models import ImportRun


def runs_visible_to(user):
    """Every run for a superuser. An LA administrator sees the imports of every authority (the national
    files everyone shares), those limited to one of their authorities, and their own; never one limited
    to other authorities only."""
    scope = scope_for(user)
    if scope.everything:
        return ImportRun.objects.all()
    return ImportRun.objects.of_authorities(scope.admin_authority_ids) | ImportRun.objects.filter(user=user)


class ImportNames:
    """An import named for `user` (None: a reader signed out, or a download that is not one person's)."""

    def __init__(self, user=None):
        self.user = user
        self.scope = scope_for(user)

    @cached_property
    def _openable(self) -> frozenset[int]:
        """The runs whose page the reader may open: read once, when a run is first named, and only for a reader who
        can open the Imports page."""
        if not self.scope.is_la_admin or self.scope.everything:
            return frozenset()
        return frozenset(runs_visible_to(self.user).values_list("pk", flat=True))

    def by_number(self, run_id: int | None) -> bool:
        """Whether the reader is told the import's number: they can open its page."""
        return run_id is not None and (self.scope.everything or (self.scope.is_la_admin and run_id in self._openable))

    def text(self, run_id: int | None, file_name: str, imported_at: datetime | None) -> str:
        """'england_ks4final.csv (import 23)' to a reader who can open the import's page; 'england_ks4final.csv
        (imported 3 March 2026)' to anyone else. For plain text: a download, a sentence that holds no markup."""
        which = self.which(run_id, imported_at)
        return f"{file_name} ({which})" if which else file_name

    def html(self, run_id: int | None, file_name: str, imported_at: datetime | None) -> Markup:
        """As `text`, the file's name isolated (<bdi>: written right to left, it would reorder the words around it), and
        the import's number a link to its page."""
        if self.by_number(run_id):
            which = link(reverse("imports:detail", args=[run_id]), f"import {run_id}")
        elif not (which := self.which(run_id, imported_at)):
            return Markup("<bdi>{}</bdi>").format(file_name)
        return Markup("<bdi>{}</bdi> ({})").format(file_name, which)

    def which(self, run_id: int | None, imported_at: datetime | None) -> str:
        """'import 23' or 'imported 3 March 2026', as `text` says it in brackets after the file's name."""
        if self.by_number(run_id):
            return f"import {run_id}"
        return f"imported {gov_date(imported_at)}" if imported_at else ""


def import_names(request) -> ImportNames:
    """The reader's ImportNames, made once a request: the pages' templates (core.context) and the views share it."""
    if not hasattr(request, "_import_names"):
        request._import_names = ImportNames(getattr(request, "user", None))
    return request._import_names
