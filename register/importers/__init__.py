"""The register's import kinds: GIAS establishments, groups, group links and establishment links."""

from imports.registry import ChangeList, ImportKind, register_kind
from register.models import RegisterEvent

from . import establishments, groups, links
from .frames import skipping_empty_rows


def register_changes(run, authority_ids) -> ChangeList:
    """The register events an import recorded (of the schools of `authority_ids`, if given): an establishments
    extract's changes, or the links a links file turned round."""
    events = RegisterEvent.objects.filter(import_run=run).select_related("school").order_by("school__name", "kind")
    if authority_ids is not None:
        events = events.filter(school__la_id__in=authority_ids)
    return ChangeList("register/_import_changes.html", events)


def register_kinds() -> None:
    register_kind(
        ImportKind(
            "gias_establishments",
            "GIAS establishment extract",
            establishments.matches,
            skipping_empty_rows(establishments.load),
            register_changes,
            adds_authorities=True,
            skipped="",
        )
    )
    register_kind(ImportKind("gias_groups", "GIAS groups list", groups.matches_groups, skipping_empty_rows(groups.load_groups), skipped=""))
    register_kind(
        ImportKind(
            "gias_group_links",
            "GIAS group links list",
            groups.matches_group_links,
            skipping_empty_rows(groups.load_group_links),
            skipped="a school not in the register, or a row given twice",
        )
    )
    register_kind(
        ImportKind(
            "gias_links",
            "GIAS establishment links list",
            links.matches,
            skipping_empty_rows(links.load),
            register_changes,
            skipped="a row given twice, or, in a file older than the register's links, a pair of schools it already links",
        )
    )
