"""Sessions, kept in the database as Django keeps them, except that a signed-in session that ends by going unused for
SESSION_COOKIE_AGE (an hour) is recorded as a sign-out, as one signed out or ended at its absolute limit is.

Such a session ends with no request to see it end: its row stays, expired, until the next request bearing its cookie
(accounts.sessions.end_unused) or `manage.py clearsessions` (SessionStore.clear_expired) finds it, whichever comes first.
Each records the sign-out, with when the session ended, and deletes the row, once: only the one whose delete takes the
row records it."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from audit.models import AuditAction
from audit.services import record
from core.jinja import gov_date
from core.words import duration

from .models import User
from .sessions import AT_THE_LIMIT, SIGNED_IN_AT


def unused_for() -> str:
    """The audit log's reason for a session's end by going unused: 'an hour without use'."""
    return f"{duration(settings.SESSION_COOKIE_AGE)} without use"


def is_session_key(key) -> bool:
    """Whether a cookie's `key` could be a session's: of the letters and digits Django makes them of, and as long as it
    makes them (as Django asks, at least 8; at most the 40 a row holds). Any other is not looked up: one holding a NUL
    character, which PostgreSQL refuses in a query, would fail the page."""
    return isinstance(key, str) and 8 <= len(key) <= 40 and all(char in VALID_KEY_CHARS for char in key)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return is_session_key(key)

    @classmethod
    def clear_expired(cls):
        """`manage.py clearsessions`: each expired session is deleted, a signed-in one with its sign-out recorded."""
        expired = cls.get_model_class().objects.filter(expire_date__lt=timezone.now()).values_list("session_key", flat=True)
        while keys := list(expired[:1000]):  # a thousand at a time, each deleted as it is ended
            for key in keys:
                end_expired(key)


def claim(session_key: str) -> bool:
    """Delete the session `session_key`, as a request ending it does before recording its end: whether this call
    deleted it, and so is the one to record it (not another request that ended it at the same moment)."""
    return bool(SessionStore.get_model_class().objects.filter(session_key=session_key).delete()[0])


def _let_them_in(user, data) -> bool:
    """Whether the session still let `user` in when it ended, as Django's get_user asks: not once their account was
    deactivated or their password changed, which ended it then (and are recorded themselves)."""
    kept = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return user.is_active and bool(kept) and any(constant_time_compare(kept, made) for made in hashes)


def end_expired(session_key: str, request=None) -> str:
    """Delete the session `session_key` if it has expired, recording the sign-out of whoever was signed in to it (with
    `request`'s page and address, if a request found it). Why it ended, if this call ended a signed-in session (the
    audit log's reason); otherwise ''."""
    expired = SessionStore.get_model_class().objects.filter(session_key=session_key, expire_date__lte=timezone.now())
    with transaction.atomic():
        row = expired.first()
        if row is None or not expired.delete()[0]:
            return ""  # live, gone, or ended by another request or command at the same moment
        data = SessionStore().decode(row.session_data)
        user = User.objects.filter(pk=data.get(SESSION_KEY)).first() if data.get(SESSION_KEY) else None
        if user is None or not _let_them_in(user, data):
            return ""
        # Unused for an hour after its 12-hour limit had passed, it had ended at the limit, with no request to see it.
        began = data.get(SIGNED_IN_AT)
        at_limit = began is not None and began + settings.SESSION_ABSOLUTE_SECONDS <= row.expire_date.timestamp()
        reason = AT_THE_LIMIT if at_limit else unused_for()
        # Found hours or days later (clearsessions runs daily), the event says when the session ended, not only when.
        ended = datetime.fromtimestamp(began + settings.SESSION_ABSOLUTE_SECONDS, UTC) if at_limit else row.expire_date
        record(AuditAction.SIGN_OUT, request=request, user=user, reason=reason, ended=gov_date(ended, with_time=True))
    return reason
