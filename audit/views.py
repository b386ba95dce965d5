from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.text import capfirst

from accounts.access import scope_for
from core.dates import date_range
from core.paging import page_of
from evidence.models import INTELLIGENCE_PAGES, IntelligenceKind, Severity
from imports.registry import KINDS

from .log import AuditLog, Filters
from .models import AuditAction, AuditEvent
from .services import administered, audited_view

# What the log calls the things it records that are not models of their own, and those whose model's name is not the
# word people use.
TYPE_LABELS = {
    "evidence.intelligence": "A school's local intelligence",
    "evidence.authorityintelligence": "An authority's local intelligence",
    "audit.auditevent": "Audit log",
    "accounts.roleassignment": "Role",
}
# How an entry names a record of these kinds: a read of local intelligence is recorded against its school.
NAMED_AS = {"evidence.intelligence": "Local intelligence of {name}", "evidence.authorityintelligence": "Local intelligence of {name}"}
# Records whose entries' words already say what kind they are ("Invitation for …"), so are not headed with it again.
NAMES_ITS_KIND = frozenset({"accounts.invitation"})


def type_label(object_type: str) -> str:
    """A record type as people say it: "register.school" is "School"."""
    if object_type in TYPE_LABELS:
        return TYPE_LABELS[object_type]
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def described(event: AuditEvent) -> str:
    """What the entry is about, in words: "School: Kingswood Primary School (124937)", "Local intelligence of …",
    "Role: Link adviser — …". Never the record's number in the database, which means nothing to a reader (and is
    kept, for the Record filter, in object_id); an entry about a page rather than a record gives the page."""
    kind, name = type_label(event.object_type), event.object_repr
    if not event.object_id or not name:
        return name or kind
    if event.object_type in NAMED_AS:
        return NAMED_AS[event.object_type].format(name=name)
    return name if event.object_type in NAMES_ITS_KIND else f"{kind}: {name}"


def detail_words(object_type: str) -> dict[str, dict[str, str]]:
    """What the detail of an event about a kind of record stores as a code, as people say it: each such key → code →
    words. An intelligence entry's kind and severity ("Leadership change", not "leadership"); the page a school's
    intelligence was read on ("the authority's local intelligence", not "authority-intelligence"); an import's data set
    ("Key stage 2 performance tables (final)", not its code)."""
    if object_type in ("evidence.intelligenceentry", "evidence.authorityintelligence"):
        return {"kind": dict(IntelligenceKind.choices), "severity": dict(Severity.choices)}
    if object_type == "evidence.intelligence":  # a read of a school's: on which page
        return {"page": INTELLIGENCE_PAGES}
    if object_type == "imports.importrun":  # the data sets known once the apps have registered them
        return {"kind": {code: kind.label for code, kind in KINDS.items()}}
    return {}


# What a change's detail holds that the log does not repeat: an intelligence entry's words before a correction, which
# the entry's own history shows to those who may read it.
UNSHOWN_DETAIL = frozenset({"was"})
# What the detail of an event about a kind of record holds that the record's own words in the entry already say: the
# role granted or revoked, which the entry names ("Role: Link adviser — Kingswood Primary School").
SAID_BY_THE_RECORD = {"accounts.roleassignment": frozenset({"role"})}
# A detail's key in words where its stored name would mislead: a role is revoked from the person (stored as "to").
KEY_WORDS = {(AuditAction.REVOKE, "to"): "from"}
DETAIL_CHARACTERS = 300


def detail_text(event: AuditEvent) -> str:
    """What an event records beyond who did what to which record, in words: "reason: recorded against the wrong
    school; withdrawn: yes"; for a role granted, only to whom ("to: nia@example.org"). Long values are cut, so that one
    event does not fill the page."""
    unshown = UNSHOWN_DETAIL | SAID_BY_THE_RECORD.get(event.object_type, frozenset())
    # In the order of the keys' names: PostgreSQL keeps a JSON object's keys in an order of its own.
    shown = sorted(((key, value) for key, value in (event.detail or {}).items() if key not in unshown), key=lambda item: item[0])
    words = detail_words(event.object_type)
    parts = [f"{_key_words(event.action, key)}: {_detail_value(_in_words(words.get(key), value))}" for key, value in shown]
    text = "; ".join(parts)
    return text if len(text) <= DETAIL_CHARACTERS else text[: DETAIL_CHARACTERS - 1].rstrip() + "…"


def _key_words(action: str, key: str) -> str:
    return KEY_WORDS.get((action, key), key.replace("_", " "))


def _in_words(words: dict | None, value):
    """A stored code in words (`words`: detail_words of the record's kind, for the detail's key); any other value as it is."""
    return words.get(value, value) if words and isinstance(value, str) else value


def _detail_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(item) for item in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{key.replace('_', ' ')} {_detail_value(item)}" for key, item in value.items()) or "none"
    return "" if value is None else str(value)


@audited_view("audit.auditevent")
def audit_list(request):
    scope = scope_for(request.user)
    if not scope.is_la_admin:
        raise PermissionDenied
    request.audit_lies_in = administered(scope)
    params = {k: request.GET.get(k, "").strip()[:200] for k in ("who", "action", "object_type", "object_id", "from", "to")}
    visible_types = AuditLog(scope).kinds()
    dates, errors = date_range(params)
    log = AuditLog(
        scope,
        Filters(
            who=params["who"],
            action=params["action"] if params["action"] in AuditAction.values else "",
            # another (a link edited by hand) is not offered, so not filtered by
            object_type=params["object_type"] if params["object_type"] in visible_types else "",
            record=params["object_id"],
            since=dates["from"],
            until=dates["to"],
        ),
    )
    page = page_of([] if errors else log, 50, request.GET.get("page"))
    object_types = [(t, type_label(t)) for t in visible_types]
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "filters": params,
            "errors": errors,
            "actions": AuditAction.choices,
            "object_types": object_types,
            "described": described,
            "detail_text": detail_text,
        },
    )
