"""The Django admin, for superusers only, after our own sign-in (with lockout and second factor)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_rq.models import Dashboard

from audit.admin import audit_admin_changes
from audit.models import AuditAction
from audit.services import record

from .models import Invitation, RoleAssignment, User
from .views import sign_out


class CommonGroundAdminSite(admin.AdminSite):
    site_header = "Common Ground administration"
    site_title = "Common Ground administration"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_superuser):
            return False
        # django_otp's OTPMiddleware gives every user `is_verified`.
        return not settings.REQUIRE_TWO_FACTOR or user.is_verified()

    def get_urls(self):
        # Built once every app has registered its models: from then on each change made here is audited.
        audit_admin_changes(self)
        return super().get_urls()

    def password_change(self, request, extra_context=None):
        response = super().password_change(request, extra_context)
        # The form sends people on only once their new password is set; a refused one is shown again.
        if request.method == "POST" and response.status_code == 302:
            record(AuditAction.UPDATE, request=request, obj=request.user, via="Django admin", change="password changed")
        return response

    def logout(self, request, extra_context=None):
        # The service's own sign-out: Django's ended the session unrecorded, and left the cookie by which the sign-in
        # page later said the person had been signed out for being inactive.
        return sign_out(request)

    def login(self, request, extra_context=None):
        # The admin's own login form would skip lockout and the second factor: send people to ours.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


# As django-otp documents for its OTPAdminSite: change the class of the default site, which
# commonground/urls.py mounts, rather than replace it.
admin.site.__class__ = CommonGroundAdminSite


# django-rq's dashboard of background jobs is left out: it opens its statistics (stats.json) to any staff member
# or API token holder, outside the admin's own check, and its pages rely on inline scripts and styles that the
# Content-Security-Policy blocks. Each import's job shows its state on the Imports page, and `manage.py rqstats`
# gives the queues' figures on the server.
admin.site.unregister(Dashboard)


class SecondFactorAdmin(TOTPDeviceAdmin):
    """django-otp's admin of authenticator apps, without adding one: a device added here, for someone else, would be a
    second factor its owner never set up, whose key the administrator chose. A person sets up their own on the service's
    page. Devices' keys and QR codes are hidden too (settings.OTP_ADMIN_HIDE_SENSITIVE_DATA)."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Whose app it is, and whether its owner confirmed it with a code, are not the administrator's to change: moved
        # to another person, or marked confirmed, it would be a second factor they never set up.
        return (*super().get_readonly_fields(request, obj), "user", "confirmed")


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SecondFactorAdmin)


class SignInAttemptAdmin(AccessAttemptAdmin):
    """django-axes' failed sign-ins, without its "Clean up expired attempts": that action failed with an error here, and
    would delete every attempt older than the lockout time, whichever were chosen, with no record in the audit log. A
    lock is lifted on the person's page of the service, which records it."""

    actions = []  # Leaves the admin's own "Delete selected", whose deletions are audited one by one.


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInAttemptAdmin)


class ReadOnlyRoles:
    """Roles are given and taken back on the service's own Users pages, where the rules of who may grant what
    apply and the grant or revocation is audited as such; here they are shown, not edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # Roles are revoked, never deleted.


class RoleAssignmentInline(ReadOnlyRoles, admin.StackedInline):
    """Stacked, not a table: each field keeps its own label."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "authority", "school", "group", "body", "granted_by", "granted_at", "revoked_at"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "is_staff", "is_superuser", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleAssignmentInline]

    def has_delete_permission(self, request, obj=None):
        return False  # Deactivate instead: the audit trail and role history name the person.


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyRoles, admin.ModelAdmin):
    list_display = ["user", "role", "authority", "school", "group", "body", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "invited_by", "sent_at", "accepted_at"]
    readonly_fields = ["user", "invited_by", "sent_at", "accepted_at"]
    search_fields = ["user__email"]
