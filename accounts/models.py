import unicodedata

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .roles import ROLE_SCOPE, Role, ScopeKind

# The demonstration's accounts (core.demo) are made in this domain, all with one password that load_demo prints: they
# sign in only where the service runs as a demonstration (DEMO), never in a service that was one once.
DEMO_EMAIL_DOMAIN = "demo.commonground.example"


def is_demo_account(email: str) -> bool:
    return email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


class UserQuerySet(models.QuerySet):
    def manageable_by(self, admin):
        """Users an LA administrator may see and manage: those holding a role tied to one of the
        administrator's authorities; and, among people with no current role, those who held one
        there or whom the administrator invited (so that they can be given a role again)."""
        from .access import scope_for

        scope = scope_for(admin)
        if scope.everything:
            return self
        if not scope.admin_authority_ids:
            return self.none()
        in_reach = RoleAssignment.objects.in_authorities(scope.admin_authority_ids)
        invited = Invitation.objects.filter(invited_by=admin).values("user_id")
        with_a_role = RoleAssignment.objects.current().values("user_id")
        return self.filter(
            Q(id__in=in_reach.current().values("user_id"))
            | (~Q(id__in=with_a_role) & (Q(id__in=in_reach.values("user_id")) | Q(id__in=invited)))
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


def on_one_line(name: str) -> None:
    """A name is one line: it heads the invitation's email and every page and log entry that names the person. Not one
    of Unicode's control characters (a tab, a line break, NEL), nor its line or paragraph separators. Whichever form
    sets it: the invitation's, or the Django admin's."""
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in name):
        raise ValidationError("Enter their full name on one line, without line breaks or tabs", code="not_one_line")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, validators=[on_one_line])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the Django admin (superusers only).")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The person's name, else their email address: as pages name them, and as a record keeps it should the account go."""
        return self.get_full_name() or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


SCOPE_FIELDS = {ScopeKind.AUTHORITY: "authority", ScopeKind.SCHOOL: "school", ScopeKind.TRUST: "group", ScopeKind.BODY: "body"}


def _scope_matches_role() -> Q:
    """Each role's assignment names exactly one thing, of the kind the role is about."""
    condition = Q()
    for kind, field in SCOPE_FIELDS.items():
        roles = [role for role, scope in ROLE_SCOPE.items() if scope == kind]
        condition |= Q(role__in=roles, **{f"{other}__isnull": other != field for other in SCOPE_FIELDS.values()})
    return condition


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(revoked_at__isnull=True)

    def authority_ids(self) -> set[int]:
        """The authorities these assignments lie in: the authority itself, the school's, the body's, or
        those of the trust's current member schools."""
        from register.models import GroupMembership

        found, groups = set(), set()
        for authority, school_la, body_authority, group in self.values_list(
            "authority_id", "school__la_id", "body__authority_id", "group_id"
        ):
            found.update(i for i in (authority, school_la, body_authority) if i is not None)
            if group is not None:
                groups.add(group)
        if groups:
            current = GroupMembership.objects.current().filter(group_id__in=groups)
            found.update(current.values_list("school__la_id", flat=True))
        return found

    def in_authorities(self, authority_ids):
        """Assignments whose target lies in these authorities: the authority itself, one of its schools,
        a trust with a current member school there, or one of its partnership bodies."""
        from register.models import GroupMembership

        trusts_there = GroupMembership.objects.current().filter(school__la_id__in=authority_ids).values("group_id")
        return self.filter(
            Q(authority_id__in=authority_ids)
            | Q(school__la_id__in=authority_ids)
            | Q(group_id__in=trusts_there)
            | Q(body__authority_id__in=authority_ids)
        )


class RoleAssignment(models.Model):
    """A role a user holds, tied to exactly the kind of thing the role is about."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)
    authority = models.ForeignKey("register.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("register.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("register.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey("partnership.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "granted_at"]
        constraints = [
            models.CheckConstraint(
                name="role_assignment_scope_matches_role",
                condition=_scope_matches_role(),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.scope_object}"

    @property
    def scope_object(self):
        return self.authority or self.school or self.group or self.body


class Invitation(models.Model):
    """An LA administrator's invitation: the invited user sets a password from the emailed link."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    assignment = models.ForeignKey(
        RoleAssignment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation_sent_with",
        help_text="The role it was sent with.",
    )
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
