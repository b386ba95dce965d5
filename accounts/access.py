"""What a user may see: computed once per request from their current roles.

This is the one place that turns roles into scope. Querysets (`School.objects.visible_to`,
`confidential_to`) and permission checks read it; no view filters by hand.
"""

from dataclasses import dataclass, field

from .roles import CONFIDENTIAL_ROLES, Role


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    # Confidential reach.
    authority_ids: frozenset = field(default_factory=frozenset)
    school_ids: frozenset = field(default_factory=frozenset)
    group_ids: frozenset = field(default_factory=frozenset)
    body_ids: frozenset = field(default_factory=frozenset)
    # Published register facts: authorities whose schools the user may browse.
    register_authority_ids: frozenset = field(default_factory=frozenset)
    roles: frozenset = field(default_factory=frozenset)
    admin_authority_ids: frozenset = field(default_factory=frozenset)

    def has_role(self, *roles: Role) -> bool:
        return self.everything or bool(self.roles & set(roles))

    @property
    def is_la(self) -> bool:
        return self.has_role(Role.LA_ADMIN, Role.LA_OFFICER)

    @property
    def has_particular_schools(self) -> bool:
        """Whether roles at schools, trusts or partnership bodies name schools in particular (School.objects.particular_to),
        beside or instead of whole authorities."""
        return bool(self.school_ids or self.group_ids or self.body_ids)

    @property
    def is_la_admin(self) -> bool:
        return self.everything or bool(self.admin_authority_ids)


NOBODY = Scope()


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_cg_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    user._cg_scope = scope
    return scope


def _compute(user) -> Scope:
    from register.models import GroupMembership

    if user.is_superuser:
        return Scope(everything=True)
    authority, school, group, body, admin = set(), set(), set(), set(), set()
    roles = set()
    register_las = set()
    for a in user.roles.current().select_related("school", "body"):
        roles.add(a.role)
        confidential = a.role in CONFIDENTIAL_ROLES
        if a.authority_id:
            authority.add(a.authority_id)
            register_las.add(a.authority_id)
            if a.role == Role.LA_ADMIN:
                admin.add(a.authority_id)
        elif a.school_id:
            school.add(a.school_id)
            register_las.add(a.school.la_id)
        elif a.group_id:
            group.add(a.group_id)
            current = GroupMembership.objects.current().filter(group_id=a.group_id)  # not schools that left
            register_las.update(current.values_list("school__la_id", flat=True).distinct())
        elif a.body_id:
            if confidential:
                body.add(a.body_id)
            register_las.add(a.body.authority_id)
    return Scope(
        authority_ids=frozenset(authority),
        school_ids=frozenset(school),
        group_ids=frozenset(group),
        body_ids=frozenset(body),
        register_authority_ids=frozenset(register_las),
        roles=frozenset(roles),
        admin_authority_ids=frozenset(admin),
    )
