"""The Imports page: what was imported, by whom, with what outcome; and uploading a file to import."""

import logging
import os
import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from markupsafe import Markup

from accounts.access import scope_for
from audit.models import AuditAction
from audit.services import record
from core.jinja import link
from core.paging import page_of
from register.models import LocalAuthority

from .forms import REPLACED_LABEL, UploadForm, upload_path
from .models import ImportOutcome, ImportRun
from .naming import runs_visible_to
from .registry import KINDS
from .services import fail_if_silent, stopped
from .summary import cleared, skipped_because
from .tasks import run_import
from .uploads import shortened

logger = logging.getLogger(__name__)

OUTCOME_COLOURS = {
    ImportOutcome.QUEUED: "grey",
    ImportOutcome.RUNNING: "blue",
    ImportOutcome.SUCCEEDED: "green",
    ImportOutcome.UNCHANGED: "grey",
    ImportOutcome.REFUSED: "red",
    ImportOutcome.FAILED: "red",
}


def _la_admin_only(request):
    if not scope_for(request.user).is_la_admin:
        raise PermissionDenied


def _authorities(request):
    scope = scope_for(request.user)
    las = LocalAuthority.objects.all()
    return las if scope.everything else las.filter(id__in=scope.admin_authority_ids)


# How a run's message names another import (imports.services.refuse_replaced and refuse_renamed_copy): "(import 12)".
# Found only for the imports the run says its message names (ImportRun.named_imports).
NAMED_IMPORT = "(import {})"
# The school whose row a refusal is about, as the file names it (imports.refusals.school_on_row): "row 11 (URN 125315,
# All Hallows Catholic School), column 'KS2_READ'" or "…School): why".
ROW_SCHOOL = re.compile(r"(?<=row )\d+ \(URN \d+, (?P<school>.+?)\)(?=, column '|: )")


def with_links_to_imports(message: str, user, file_name: str = "", named=()) -> Markup:
    """A run's message for its page, escaped, each import it names by number (`named`: ImportRun.named_imports) a link
    to that import's page where `user` may see it. The message itself stays words, as the command line prints it. The
    names in it that a file or a person gave (the run's own file's, `file_name`, the files of the imports it names, the
    school whose row was refused) are isolated (<bdi>): written right to left, they would reorder the words around them.
    Only the imports the run names are links, and never where a name holds their words: a file called "(import 3).csv"
    is a name, not a link to import 3."""
    named = set(named)
    seen = set(runs_visible_to(user).filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    # Every import it names, seen or not: their names are in the message already, as the command line printed it.
    names = {file_name, *ImportRun.objects.filter(pk__in=named).values_list("file_name", flat=True)} - {""}
    spans = [(m.start("school"), m.end("school"), "bdi") for m in ROW_SCHOOL.finditer(message)]
    for name in sorted(names, key=len, reverse=True):  # a longer name first, where one holds another
        spans += [(m.start(), m.end(), "bdi") for m in re.finditer(re.escape(name), message)]
    for pk in seen:
        spans += [(m.start(), m.end(), pk) for m in re.finditer(re.escape(NAMED_IMPORT.format(pk)), message)]
    parts, at = [], 0
    # At the same place, the longer first, and a name before a link: a name that begins with an import's words holds them.
    for start, end, kind in sorted(spans, key=lambda span: (span[0], -span[1], span[2] != "bdi")):
        if start < at:
            continue  # within a name already isolated
        parts.append(message[at:start])
        if kind == "bdi":
            parts.append(Markup("<bdi>{}</bdi>").format(message[start:end]))
        else:
            parts.append(Markup("({})").format(link(reverse("imports:detail", args=[kind]), f"import {kind}")))
        at = end
    return Markup("").join([*parts, message[at:]])


def _kind_label(code, outcome=None):
    if code in KINDS:
        return KINDS[code].label
    if not code and outcome in (ImportOutcome.QUEUED, ImportOutcome.RUNNING):
        return "Not known yet"
    return code or "Not recognised"


def import_list(request):
    _la_admin_only(request)
    posted = request.method == "POST"
    everything = scope_for(request.user).everything
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, authorities=_authorities(request), everything=everything
    )
    if posted and form.is_valid():
        run = _queue_upload(request, form)
        return redirect("imports:detail", run.pk)
    runs = runs_visible_to(request.user).order_by("-started_at", "-id")
    page = page_of(runs, 25, request.GET.get("page"))
    for run in page:
        fail_if_silent(run)
    context = {"page": page, "form": form, "colours": OUTCOME_COLOURS, "kind_label": _kind_label}
    return render(request, "imports/list.html", context, status=400 if form.errors else 200)


def _queue_upload(request, form) -> ImportRun:
    upload = form.cleaned_data["file"]
    la_codes = [la.code for la in form.cleaned_data["la"]]
    run = ImportRun.objects.create(
        file_name=shortened(upload.name),
        checksum="",
        outcome=ImportOutcome.QUEUED,
        user=request.user,
        user_name=request.user.display_name,
        la_codes=",".join(map(str, la_codes)),
    )
    path = upload_path(run, ".csv.gz" if upload.name.lower().endswith(".gz") else ".csv")
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:  # the worker deletes it
            for chunk in upload.chunks():
                out.write(chunk)
    except OSError as error:  # a full disk, say: the run's page says so, rather than an error page
        logger.exception("Could not save the upload of import %s", run.pk)
        # stopped() deletes what part of the file was written, as it does an upload its worker never took.
        stopped(run, f"the uploaded file could not be saved for the import ({error.strerror or error})", request.user)
        return run
    # The import is audited when it ends, by the worker; the upload, with who sent it from where, now.
    record(AuditAction.CREATE, request=request, obj=run, uploaded=upload.name, size=upload.size, la_codes=la_codes)
    kind, replacing = form.cleaned_data["kind"] or None, form.cleaned_data["replaced"]
    transaction.on_commit(lambda: _enqueue(run, path, la_codes, request.user, kind, replacing))
    return run


def _enqueue(run, path, la_codes, user, kind, replacing=False) -> None:
    """Hand the upload to the background worker; if the queue cannot be reached, the run says so, not "Queued" for ever."""
    try:
        run_import.enqueue(run.pk, str(path), la_codes, user.pk, kind, replacing)
    except Exception as error:
        logger.exception("Could not queue import %s", run.pk)
        stopped(run, f"the import could not be queued: the background job service did not answer ({type(error).__name__})", user)


def import_detail(request, pk):
    _la_admin_only(request)
    run = get_object_or_404(runs_visible_to(request.user), pk=pk)
    fail_if_silent(run)
    scope = scope_for(request.user)
    kind = KINDS.get(run.kind)
    # Of a national import, an LA administrator sees the changes to their authorities' schools only.
    changes = kind.changes(run, None if scope.everything else scope.admin_authority_ids) if kind and kind.changes else None
    context = {
        "run": run,
        "message": with_links_to_imports(run.message, request.user, run.file_name, run.named_imports),
        "changes": changes,
        "changed": page_of(changes.rows, 50, request.GET.get("page")) if changes else None,
        "colours": OUTCOME_COLOURS,
        # Until the worker has read the file, what data set it is is not known: no caption, rather than one saying so.
        "kind_label": _kind_label(run.kind, run.outcome) if run.kind or run.is_finished else "",
        "counted": f" {kind.counts}" if kind and kind.counts else "",  # "New figures": what the counts count, if not rows
        "skipped_because": skipped_because(run, kind) if kind else "",
        "cleared": cleared(run.cleared) if run.cleared else "",
        "theirs_only": not scope.everything,
        "replaced_label": REPLACED_LABEL,  # how a file replaced since is imported all the same on the web
    }
    return render(request, "imports/detail.html", context)


def import_progress(request, pk):
    """The progress panel alone, for the detail page to refresh while the import runs. Asking is not the person's
    activity: it leaves their session as it was (and, on SQLite, does not wait for the import's write lock to save it)."""
    request.leaves_session_alone = True
    _la_admin_only(request)
    run = get_object_or_404(runs_visible_to(request.user), pk=pk)
    fail_if_silent(run)
    if not request.headers.get("HX-Request"):  # asked for as a page (after signing in, say): the page it is part of
        return redirect("imports:detail", run.pk)
    response = render(request, "imports/_progress.html", {"run": run, "colours": OUTCOME_COLOURS})
    if run.is_finished:
        response["HX-Refresh"] = "true"  # show the finished page in full
    return response
