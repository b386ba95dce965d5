"""The demo installation: the real demo authority's files, and one account per role."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import DEMO_EMAIL_DOMAIN, User
from accounts.roles import Role
from accounts.services import grant_role
from audit.models import AuditAction
from audit.services import record
from core.words import unisolated
from partnership.models import Body, BodyKind
from register.models import TRUST_KINDS, Group, LocalAuthority, School, SchoolLink

DEMO_DIR = settings.BASE_DIR / "demo"
MANIFEST = DEMO_DIR / "manifest.txt"
DEMO_LA = 936
EMAIL_DOMAIN = DEMO_EMAIL_DOMAIN


@dataclass
class DemoFile:
    path: Path
    la_codes: tuple[int, ...]


def demo_files() -> list[DemoFile]:
    """The manifest lists the demo's files in the order they must be imported."""
    files = []
    for line in MANIFEST.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, *options = line.split()
        las = tuple(int(opt.removeprefix("la=")) for opt in options if opt.startswith("la="))
        files.append(DemoFile(DEMO_DIR / name, las))
    return files


def demo_password() -> str:
    """A password made on this machine the first time (never kept in the repository)."""
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


ADVISER_CASELOAD = 8
DEMO_NAMES = {
    Role.LA_ADMIN: "Priya Shah",
    Role.LA_OFFICER: "Tom Okafor",
    Role.ADVISER: "Helen Wright",
    Role.HEADTEACHER: "Daniel Evans",
    Role.SCHOOL_STAFF: "Grace Lee",
    Role.GOVERNOR: "Martin Hughes",
    Role.TRUST_LEADER: "Aisha Khan",
    Role.BODY_MEMBER: "Robert Clarke",
    Role.STAKEHOLDER: "Fiona Walsh",
}


def _targets(authority: LocalAuthority) -> dict[Role, list]:
    # Not a school GIAS's links say was replaced since the register's extract: its page would open by saying it may have closed.
    schools = School.objects.filter(la=authority)
    replaced = SchoolLink.objects.successors_of(schools.values("urn")).values("school")
    open_schools = schools.open().exclude(urn__in=replaced)
    primary = open_schools.filter(phase="Primary", pupils__isnull=False).order_by("urn").first() or open_schools.order_by("urn").first()
    trust = (
        Group.objects.filter(kind__in=TRUST_KINDS, memberships__school__la=authority, memberships__left_on__isnull=True)
        .annotate(n=Count("memberships", filter=Q(memberships__school__la=authority)))
        .order_by("-n", "name")
        .first()
    )
    body, created = Body.objects.get_or_create(
        authority=authority, name=f"{authority.name} schools causing concern review group", defaults={"kind": BodyKind.REVIEW_GROUP}
    )
    if created and primary is not None:
        body.schools.add(*open_schools.filter(phase="Primary").order_by("urn")[:30])
    # A link adviser has a caseload: the demo school and a few more maintained schools, with results to look at.
    caseload = [primary] + list(
        open_schools.filter(type_group="Local authority maintained schools", phase__in=["Primary", "Secondary"])
        .exclude(pk=getattr(primary, "pk", None))
        .order_by("urn")[: ADVISER_CASELOAD - 1]
    )
    targets = {
        Role.LA_ADMIN: [authority],
        Role.LA_OFFICER: [authority],
        Role.ADVISER: caseload,
        Role.HEADTEACHER: [primary],
        Role.SCHOOL_STAFF: [primary],
        Role.GOVERNOR: [primary],
        Role.TRUST_LEADER: [trust],
        Role.BODY_MEMBER: [body],
        Role.STAKEHOLDER: [body],
    }
    return {role: [t for t in ts if t is not None] for role, ts in targets.items() if any(t is not None for t in ts)}


class RoleRefused(Exception):
    """The accounts service would not give a demo account its role (at a school that has closed, say)."""


@transaction.atomic
def create_demo_users(authority_code: int = DEMO_LA) -> list[tuple[str, str, str]]:
    """One account per role, tied to real things of the demo authority. Returns (email, role, scope).

    Each role is granted as the user pages grant one (accounts.services.grant_role), by no one: the same rules apply,
    and the audit log records each grant as made from the command line. A refusal (RoleRefused) leaves no account made."""
    authority = LocalAuthority.objects.get(code=authority_code)
    password = demo_password()
    made = []
    for role, targets in _targets(authority).items():
        email = f"{role.value.replace('_', '.')}@{EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=DEMO_NAMES[role])
            record(AuditAction.CREATE, obj=user, reason="demo account")
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        for target in targets:
            try:
                grant_role(user=user, role=role, target=target, granted_by=None)
            except ValidationError as refusal:
                said = " ".join(unisolated(message) for message in refusal.messages)  # for the terminal: no marks
                raise RoleRefused(f"The demo account {email} cannot be given the role {role.label} for {target}: {said}")
        scope = str(targets[0]) + (f" and {len(targets) - 1} more schools" if len(targets) > 1 else "")
        made.append((email, role.label, scope))
    return made
