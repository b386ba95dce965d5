"""Shared by the import tests: where the real files are, and a snapshot of every register table."""

from pathlib import Path

from register.models import Group, GroupMembership, LocalAuthority, RegisterEvent, School, SchoolLink

DATA = Path(__file__).resolve().parent.parent / "demo" / "register"
GIAS_2021 = DATA / "surrey-2021-05-establishments.csv"
GIAS_2022 = DATA / "surrey-2022-04-20-primary-establishments.csv"
GROUPS = DATA / "groups-2022-07-national.csv.gz"
GROUP_LINKS = DATA / "group-links-2022-07-national.csv.gz"
LINKS_2021 = DATA / "links-2021-05-national.csv.gz"
LINKS_2025 = DATA / "links-2025-national.csv.gz"

REGISTER_MODELS = (LocalAuthority, School, Group, GroupMembership, SchoolLink, RegisterEvent)


def snapshot():
    """Every row of every register table, so a test can say 'exactly as before'."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in REGISTER_MODELS}
