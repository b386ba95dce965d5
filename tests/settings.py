"""Settings for the test suite: the real settings, with the environment a local test server needs."""

import os

os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("REQUIRE_TWO_FACTOR", "true")

from commonground.settings import *  # noqa: E402, F403

# Serve static files straight from their sources (no collectstatic needed for tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Uploads wait under a folder of the suite's own: a test's run has the id of some demo run, whose waiting upload
# (named after its run) ending the test's run would otherwise delete.
# With the suite split across processes (pytest-xdist), each process has a folder of its own, its database giving the
# same run ids as the other's.
UPLOAD_DIR = VAR_DIR / "test-uploads" / os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
