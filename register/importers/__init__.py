"""The register's import kinds: GIAS establishments, groups, group links and establishment links."""

from imports.registry import ImportKind, register_kind

from . import establishments, groups, links


def register_kinds() -> None:
    register_kind(ImportKind("gias_establishments", "GIAS establishment extract", establishments.matches, establishments.load))
    register_kind(ImportKind("gias_groups", "GIAS groups list", groups.matches_groups, groups.load_groups))
    register_kind(ImportKind("gias_group_links", "GIAS group links list", groups.matches_group_links, groups.load_group_links))
    register_kind(ImportKind("gias_links", "GIAS establishment links list", links.matches, links.load))
