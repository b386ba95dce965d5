"""Settings for Common Ground: every value comes from the environment, with safe defaults.

Defaults are production-safe (DEBUG off, secure cookies, HSTS, CSP). The demo and the tests
relax only what a local HTTP server needs, and say so.
"""

import secrets
from pathlib import Path

import environ
from csp.constants import NONCE
from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, PackageLoader, PrefixLoader

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CG_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the database, uploads and key: for this account's eyes only

env = environ.Env()


def _secret_key() -> str:
    """SECRET_KEY from the environment; else a key generated once for this machine under var/."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Whether the key was given (core.checks warns a deployment whose key was made on this machine instead).
SECRET_KEY_GIVEN = bool(env.str("SECRET_KEY", default=""))
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS is assumed unless switched off (the local demo serves plain HTTP on 127.0.0.1).
HTTPS = env.bool("HTTPS", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many reverse proxies of our own stand in front of the application, each adding the address it was
# reached from to X-Forwarded-For; the audit log and the sign-in lockout take the client's address from there.
PROXY_COUNT = env.int("PROXY_COUNT", default=1) if BEHIND_PROXY else 0
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after this many seconds without a request, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
# However busy, a session ends this many seconds after signing in (accounts.sessions): staying signed in, or a page left
# open in a browser that is never closed, keeps it no longer. The session holds when it began, on the server.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# Django's database sessions, recording the sign-out of a session that ends unused (accounts.session_store).
SESSION_ENGINE = "accounts.session_store"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "core",
    "accounts",
    "audit",
    "register",
    "imports",
    "evidence",
    "partnership",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.RecordRefusalsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.RequireSignInMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "commonground.urls"
WSGI_APPLICATION = "commonground.wsgi.application"

_app_template_dirs = [
    str(BASE_DIR / app / "jinja2") for app in ("core", "accounts", "audit", "register", "imports", "evidence", "partnership")
]
# Templates compiled to Python code, kept for every process and the next start: compiling them all takes seconds (each
# page's first request in a new process waited for its own), loading them a twentieth of a second. A template changed
# since is compiled again (the cache checks its text); only this account may write there, as the code is run.
TEMPLATE_CACHE_DIR = VAR_DIR / "templates"
TEMPLATE_CACHE_DIR.mkdir(mode=0o700, exist_ok=True)
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "core.jinja.environment",
            "loader": ChoiceLoader(
                [
                    FileSystemLoader(_app_template_dirs),
                    PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
                ]
            ),
            "autoescape": True,
            "bytecode_cache": FileSystemBytecodeCache(str(TEMPLATE_CACHE_DIR)),
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "core.context.site",
            ],
        },
    },
    {
        # Django admin (superusers only) keeps its own templates, with one stylesheet of ours on top.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "core" / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'commonground.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # A page cache of up to 64 MB (the default is 2 MB): a national import then builds its
            # tables in memory and writes them once at commit, instead of spilling pages as it goes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:start"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
INVITATION_TIMEOUT = env.int("INVITATION_DAYS", default=7) * 24 * 60 * 60

# Two-factor authentication: required for roles that see confidential records unless switched off.
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=True)
OTP_TOTP_ISSUER = "Common Ground"
# The Django admin shows no device's secret key nor its QR code (which holds the key): whoever had them could make the
# person's codes. A second factor is set up by its owner, on the service's own page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout after repeated failed sign-ins (per account and address).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("SIGN_IN_LOCKOUT_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Common Ground <no-reply@localhost>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "core" / "static",
]
# GOV.UK Frontend's stylesheet looks for its fonts and images under /assets/.
WHITENOISE_ROOT = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Background jobs (uploaded imports). The database backend needs no other service: `manage.py db_worker`
# runs them. With REDIS_URL set, jobs go through Redis instead (`manage.py rqworker --job-class
# django_tasks_rq.Job default`), and the cache that carries live progress moves to Redis too.
REDIS_URL = env.str("REDIS_URL", default="")
TASKS_BACKEND = env.str("TASKS_BACKEND", default="redis" if REDIS_URL else "database")
if TASKS_BACKEND == "redis":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}

# The cache carries an import's progress from the worker to the page while the import's own
# transaction is still open; it must be shared between processes.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}

UPLOAD_DIR = VAR_DIR / "uploads"
# The largest file the Imports page takes: several times the largest national file. The page's script checks it before
# sending a file (data-max-bytes), the form again once it has arrived.
IMPORT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Django's own, but a file's name too long to keep loses the end of its stem, not its suffix (.csv.gz).
FILE_UPLOAD_HANDLERS = ["imports.uploads.MemoryUploadHandler", "imports.uploads.TemporaryUploadHandler"]

# The site's own address, for links in emails sent outside a request (e.g. invitations from the demo loader).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The organisation that runs this installation, shown in the page header.
# Unset, the pages name "School improvement partnership" (core.context.organisation_name) and check --deploy warns.
ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="")

# How to reach that organisation, which its accessibility statement and privacy notice give, as the accessibility
# regulations and UK GDPR expect (the notice names it as the data controller); `check --deploy` warns while the email
# address, or the data protection officer's, is not set (core/checks.py).
ORGANISATION_EMAIL = env.str("ORGANISATION_EMAIL", default="")
ORGANISATION_PHONE = env.str("ORGANISATION_PHONE", default="")
DATA_PROTECTION_OFFICER_EMAIL = env.str("DATA_PROTECTION_OFFICER_EMAIL", default="")

# Where people write about the service: a problem with its accessibility, or information in another format (the
# organisation's email address when not set).
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="")

# Shown in the header when this installation is a demonstration.
DEMO_NOTICE = env.bool("DEMO", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
