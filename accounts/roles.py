"""The roles of MISSION.md, what each is tied to, and which need two-factor sign-in."""

from django.db import models


class Role(models.TextChoices):
    LA_ADMIN = "la_admin", "LA administrator"
    LA_OFFICER = "la_officer", "LA school improvement lead or officer"
    ADVISER = "adviser", "Link adviser"
    HEADTEACHER = "headteacher", "Headteacher"
    SCHOOL_STAFF = "school_staff", "School staff"
    GOVERNOR = "governor", "Chair or member of governors"
    TRUST_LEADER = "trust_leader", "Academy trust leader"
    BODY_MEMBER = "body_member", "Partnership board or review group member"
    STAKEHOLDER = "stakeholder", "Stakeholder"


class ScopeKind(models.TextChoices):
    AUTHORITY = "authority", "Local authority"
    SCHOOL = "school", "School"
    TRUST = "trust", "Trust or group"
    BODY = "body", "Partnership body"


ROLE_SCOPE = {
    Role.LA_ADMIN: ScopeKind.AUTHORITY,
    Role.LA_OFFICER: ScopeKind.AUTHORITY,
    Role.ADVISER: ScopeKind.SCHOOL,
    Role.HEADTEACHER: ScopeKind.SCHOOL,
    Role.SCHOOL_STAFF: ScopeKind.SCHOOL,
    Role.GOVERNOR: ScopeKind.SCHOOL,
    Role.TRUST_LEADER: ScopeKind.TRUST,
    Role.BODY_MEMBER: ScopeKind.BODY,
    Role.STAKEHOLDER: ScopeKind.BODY,
}

# Roles that see confidential records of many schools sign in with a second factor: an authority's, an adviser's
# caseload, a trust's schools, and the schools a partnership body covers (a review group moderates their categories).
TWO_FACTOR_ROLES = frozenset({Role.LA_ADMIN, Role.LA_OFFICER, Role.ADVISER, Role.TRUST_LEADER, Role.BODY_MEMBER})

# Roles whose holders may read confidential records of the schools in their scope.
# Stakeholders see published partnership material only.
CONFIDENTIAL_ROLES = frozenset(set(Role) - {Role.STAKEHOLDER})
