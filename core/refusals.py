"""A refusal that says why: the page refusing it (core.views.error_403) gives its words, who may, beside its own."""

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    """PermissionDenied whose message is written for the person refused: a sentence saying who may do or see this.
    Any other PermissionDenied (Django's, a package's) says nothing on the page beyond that their roles do not allow it."""
