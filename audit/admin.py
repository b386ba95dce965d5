"""Changes made in the Django admin go into the audit log like any other, with who made them and from where; and so
do its reads of people's details.

Django's admin keeps its own record (LogEntry) too, but a service administrator's changes to people, roles and
second factors are changes like any other, so the audit log has them. Each registered ModelAdmin, ours and those
of the libraries, is given the mixin below when the admin's URLs are built, after every app has registered.
"""

from django.utils.text import capfirst

from accounts.access import scope_for

from .models import AuditAction
from .services import administered, record


class AuditedAdmin:
    """Records each addition, change and deletion the admin logs; and each list and record it shows, as the service's
    own pages record each read of people's details (a person's account, their roles, their second factor)."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            meta = self.model._meta
            # A list (and what was searched for in it) is about every authority's records: administered says where it lies.
            record(AuditAction.VIEW, request=request, object_type=meta.label_lower, object_repr=capfirst(meta.verbose_name_plural),
                   via="Django admin", lies_in=administered(scope_for(request.user)))  # fmt: skip
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        _record_read_of_shown(request, response, "original")
        return response

    def history_view(self, request, object_id, extra_context=None):
        # The record's history names the record and what was changed in it, by whom.
        response = super().history_view(request, object_id, extra_context)
        _record_read_of_shown(request, response, "object")
        return response

    def delete_view(self, request, object_id, extra_context=None):
        # The confirmation before a deletion shows the record and every record deleted with it; the deletion itself is
        # recorded by log_deletions.
        response = super().delete_view(request, object_id, extra_context)
        _record_read_of_shown(request, response, "object")
        return response

    def response_action(self, request, queryset):
        response = super().response_action(request, queryset)
        # "Delete selected" first shows the records chosen, and all that would go with them, for confirmation: a read of
        # each chosen record, as its own page before a deletion is. Their deletion itself is recorded by log_deletions.
        context = getattr(response, "context_data", None) or {}
        if response is not None and response.status_code == 200 and "deletable_objects" in context:
            for shown in context["queryset"]:
                record(AuditAction.VIEW, request=request, obj=shown, via="Django admin")
        return response

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        record(AuditAction.CREATE, request=request, obj=obj, via="Django admin", change=message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        record(AuditAction.UPDATE, request=request, obj=obj, via="Django admin", change=message)
        return entry

    def log_deletions(self, request, queryset):
        # Called before the objects go, so each can still be named.
        for obj in queryset:
            record(AuditAction.DELETE, request=request, obj=obj, via="Django admin")
        return super().log_deletions(request, queryset)


def _record_read_of_shown(request, response, context_key: str) -> None:
    """Records a read of the record a page of one record showed, as the admin put it in the page's context under
    `context_key` (not looked up a second time). None there, or a redirect, means no record was shown."""
    shown = (getattr(response, "context_data", None) or {}).get(context_key)
    if request.method == "GET" and response.status_code == 200 and shown is not None:
        record(AuditAction.VIEW, request=request, obj=shown, via="Django admin")


def audit_admin_changes(site) -> None:
    for model_admin in site._registry.values():
        if not isinstance(model_admin, AuditedAdmin):
            cls = type(model_admin)
            model_admin.__class__ = type(f"Audited{cls.__name__}", (AuditedAdmin, cls), {"__module__": cls.__module__})
