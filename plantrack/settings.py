"""Settings for PlanTrack. Everything a deployment changes comes from environment variables."""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from plantrack.ops.log import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """A whole number, or a start that stops with the variable's name (not a bare ValueError)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.lstrip("-").isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number, at least {minimum}: {value!r}")
    return int(value)


def env_json(name: str) -> dict[str, Any]:
    """A JSON object, or a start that stops with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {error}") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {value!r}")
    return parsed


PRODUCTION = env_bool("PLANTRACK_PRODUCTION")
DEBUG = env_bool("PLANTRACK_DEBUG")

if PRODUCTION:
    SECRET_KEY = os.environ["PLANTRACK_SECRET_KEY"]
    ALLOWED_HOSTS = env_list("PLANTRACK_ALLOWED_HOSTS")
else:
    # Only for development, tests and the demo; production refuses to start without a key.
    SECRET_KEY = os.environ.get("PLANTRACK_SECRET_KEY", "plantrack-insecure-development-key")
    ALLOWED_HOSTS = env_list("PLANTRACK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

CSRF_TRUSTED_ORIGINS = env_list("PLANTRACK_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-ninja: its Swagger UI served from our static files (a CDN is refused by the CSP).
    "ninja",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks_db",
    # Two-factor sign-in: TOTP apps and recovery codes (plantrack/accounts/twofactor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "plantrack.core",
    "plantrack.accounts",
    "plantrack.directory",
    "plantrack.evidence",
    "plantrack.plans",
    "plantrack.imports",
    "plantrack.measures",
    "plantrack.budgets",
    "plantrack.engagement",
    "plantrack.assessments",
    "plantrack.stakeholders",
    "plantrack.reports",
    "plantrack.governance",
    "plantrack.packs",
    "plantrack.reminders",
    "plantrack.search",
    "plantrack.public",
    "plantrack.mobile",
    "plantrack.ops",
    "plantrack.demo",
]

MIDDLEWARE = [
    # First: every answer, refusals and 503s included, carries its request id, and every log
    # line written while answering it, its access line last.
    "plantrack.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "plantrack.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the first middleware that reads the database (sessions, then the signed-in user):
    # a database that does not answer is a 503 to try again, not the 500 page (with
    # plantrack.urls.handler500 for what those middleware raise).
    "plantrack.ops.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session has passed its second factor; then where it must go if not.
    "django_otp.middleware.OTPMiddleware",
    "plantrack.accounts.twofactor.SecondFactorMiddleware",
    "plantrack.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages (it leaves one for the sign-in page) and, being plain middleware, before
    # LoginRequiredMiddleware's process_view sends the signed-out browser to sign in.
    "plantrack.core.middleware.SessionTimeoutMiddleware",
    # After WhiteNoise (static files stay cacheable); sees the headers the views set.
    "plantrack.core.middleware.PrivateCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "plantrack.urls"
WSGI_APPLICATION = "plantrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plantrack.core.context_processors.navigation",
            ],
            "builtins": ["plantrack.core.templatetags.govuk"],
        },
    }
]
FORM_RENDERER = "plantrack.core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'plantrack.sqlite3'}",
        conn_max_age=int(os.environ.get("PLANTRACK_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request uses it: after a database restart the
        # first request reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers carry on while an update is written; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 600
elif env_bool("PLANTRACK_DB_POOL"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True


# Rendered lists are cached under keys that carry the plan's version (see core/cache.py), so
# a per-process memory cache is correct; Redis shares the work between app servers.
def redis_cache(location: str) -> dict[str, Any]:
    """django-redis, for its IGNORE_EXCEPTIONS: while Redis does not answer, every read is a
    miss and every write is dropped (logged), so pages are rendered afresh and sessions read
    from the database (cached_db) instead of failing. Short timeouts bound the wait."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        },
    }


CACHE_URL = os.environ.get("PLANTRACK_CACHE_URL", "")
CACHES: dict[str, dict[str, Any]]
if CACHE_URL == "dummy://":  # measures the cost of rendering everything afresh
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": redis_cache(CACHE_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Background tasks (imports, packs) run in a worker process and report their progress to the
# pages through this cache: Redis when there is one, else files that every process on this
# machine can read.
CACHES["progress"] = (
    CACHES["default"]
    if CACHE_URL.startswith(("redis://", "rediss://"))
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "var" / "progress",
    }
)
# Sessions live in the database (shared by every app server) and are read through the cache.
# A Redis that does not answer is logged (django-redis ignores it: see CACHES above).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A browser is signed out after this long without a request, and this long after signing in
# however busy it is (core.middleware.SessionTimeoutMiddleware). The session row and cookie
# expire with the idle limit too, so a session nobody uses dies in the database as well.
PLANTRACK_SESSION_IDLE_MINUTES = env_int("PLANTRACK_SESSION_IDLE_MINUTES", 60, minimum=1)
PLANTRACK_SESSION_MAX_HOURS = env_int("PLANTRACK_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = PLANTRACK_SESSION_IDLE_MINUTES * 60
# Flash messages ride in a signed cookie, so posting a form does not also write the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Single sign-on with OpenID Connect (plantrack/directory/sso.py, mozilla-django-oidc): on when
# a client id is set. The endpoints are the provider's (for Microsoft Entra ID, see
# docs/deployment.md, "Single sign-on").
OIDC_RP_CLIENT_ID = os.environ.get("PLANTRACK_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("PLANTRACK_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("PLANTRACK_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("PLANTRACK_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("PLANTRACK_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("PLANTRACK_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("PLANTRACK_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
PLANTRACK_SSO = bool(OIDC_RP_CLIENT_ID)
# The button's words: "Sign in with Microsoft".
PLANTRACK_OIDC_PROVIDER_NAME = os.environ.get("PLANTRACK_OIDC_PROVIDER_NAME", "your organisation")
PLANTRACK_OIDC_EMAIL_CLAIM = os.environ.get("PLANTRACK_OIDC_EMAIL_CLAIM", "email")
PLANTRACK_OIDC_ORGANISATION_CLAIM = os.environ.get("PLANTRACK_OIDC_ORGANISATION_CLAIM", "")
PLANTRACK_OIDC_DOMAINS: dict[str, str] = env_json("PLANTRACK_OIDC_DOMAINS")
PLANTRACK_OIDC_CREATE_USERS = env_bool("PLANTRACK_OIDC_CREATE_USERS", True)
# Local passwords (for small partners without an identity provider); may be switched off
# where everyone signs in through the provider.
PLANTRACK_PASSWORD_SIGN_IN = env_bool("PLANTRACK_PASSWORD_SIGN_IN", True)
if PLANTRACK_SSO:
    AUTHENTICATION_BACKENDS.append("plantrack.directory.sso.SingleSignOnBackend")
LOGOUT_REDIRECT_URL = "login"

# Five failed sign-ins lock that username from that address for an hour: the same username
# from another address still signs in, so nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("PLANTRACK_AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a proxy every request comes from the proxy's address; the client's address is read
# from X-Forwarded-For only as far as it was written by these proxies (addresses or networks),
# so nobody else can choose the address they are throttled under (core.proxies).
PLANTRACK_TRUSTED_PROXIES = env_list("PLANTRACK_TRUSTED_PROXIES")
for _proxy in PLANTRACK_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"PLANTRACK_TRUSTED_PROXIES: {error}") from None
AXES_CLIENT_IP_CALLABLE = "plantrack.core.proxies.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
# Deployments collect static files; elsewhere WhiteNoise serves them straight from the apps.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Uploaded files (evidence: plantrack/evidence) are kept through Django's storage API: on this
# machine's disk under MEDIA_ROOT by default. With several app servers, every one must reach the
# same files: a shared disk mounted at PLANTRACK_MEDIA_ROOT, or object storage, e.g. S3 or an
# S3-compatible store through django-storages (installed by the deployment, not here):
# PLANTRACK_STORAGE_BACKEND=storages.backends.s3.S3Storage with its options as a JSON object in
# PLANTRACK_STORAGE_OPTIONS. Files are never served from a URL of their own: every download goes
# through a view that checks access first, so there is no MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("PLANTRACK_MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "PLANTRACK_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env_json("PLANTRACK_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Site admins and data stewards must sign in with a second factor (a local password then a
# code): on in production unless turned off; off on development and demo machines unless on.
PLANTRACK_TWO_FACTOR_REQUIRED = env_bool("PLANTRACK_TWO_FACTOR_REQUIRED", PRODUCTION)
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = os.environ.get("PLANTRACK_OTP_ISSUER", "PlanTrack")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain HTTP is redirected to HTTPS (turn off only where the proxy already does it), and
    # browsers are told to use nothing but HTTPS for a year.
    SECURE_SSL_REDIRECT = env_bool("PLANTRACK_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("PLANTRACK_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PLANTRACK_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("PLANTRACK_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is for the owner of the whole domain to ask for (hstspreload.org takes
        # registrable domains, not the subdomain PlanTrack usually lives on), so by default
        # the check that asks for it is quiet.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "PLANTRACK_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Background work and a database that stops answering (core.outages, ops.worker): a task that
# loses the database waits this many seconds for it and runs again, this many times.
PLANTRACK_TASK_DATABASE_WAIT = env_int("PLANTRACK_TASK_DATABASE_WAIT", 120, minimum=1)
PLANTRACK_TASK_DATABASE_RETRIES = env_int("PLANTRACK_TASK_DATABASE_RETRIES", 3)
# A task still "running" after this many minutes has lost its worker (its machine stopped):
# `manage.py worker` runs it again, or, after three tries, marks it and its job failed.
PLANTRACK_TASK_LOST_AFTER_MINUTES = env_int("PLANTRACK_TASK_LOST_AFTER_MINUTES", 60, minimum=1)

# The demo prints mail to the console; production sends it by SMTP, to PLANTRACK_EMAIL_HOST /
# _PORT / _USERNAME / _PASSWORD / _USE_TLS.
_MAIL_OPTIONS: dict[str, object] = {
    key.lower(): value
    for key in ("HOST", "USERNAME", "PASSWORD")
    if (value := os.environ.get(f"PLANTRACK_EMAIL_{key}"))
}
if os.environ.get("PLANTRACK_EMAIL_PORT"):
    _MAIL_OPTIONS["port"] = env_int("PLANTRACK_EMAIL_PORT", 25, minimum=1)
if os.environ.get("PLANTRACK_EMAIL_USE_TLS"):
    # Read as yes/no: passed on as a string, "0" or "false" would switch TLS on.
    _MAIL_OPTIONS["use_tls"] = env_bool("PLANTRACK_EMAIL_USE_TLS")
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("PLANTRACK_EMAIL_BACKEND")
        or (
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend"
        ),
        "OPTIONS": _MAIL_OPTIONS,
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("PLANTRACK_FROM_EMAIL", "plantrack@localhost")
# Where PlanTrack is served, for the links in emails and calendar feeds (no request to ask).
PLANTRACK_BASE_URL = os.environ.get("PLANTRACK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Days a plan may go without an update on an action before the owner is asked for one.
PLANTRACK_DEFAULT_UPDATE_INTERVAL_DAYS = 30
# "Due soon" on the home page: deadlines within this many days.
PLANTRACK_DUE_SOON_DAYS = 30
PLANTRACK_PAGE_SIZE = 100
# Imports: the largest upload, the most its compressed parts may expand to (a decompression
# bomb is refused before it is unpacked) and the most rows a sheet may have.
PLANTRACK_IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("PLANTRACK_IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
)
PLANTRACK_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("PLANTRACK_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
)
PLANTRACK_IMPORT_MAX_ROWS = int(os.environ.get("PLANTRACK_IMPORT_MAX_ROWS", 100_000))
DATA_UPLOAD_MAX_MEMORY_SIZE = PLANTRACK_IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024
# Evidence: the largest file taken (plantrack/evidence/files.py); empty files are refused too.
PLANTRACK_EVIDENCE_MAX_BYTES = env_int("PLANTRACK_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1)

# Plain lines on standard error, or with PLANTRACK_LOG_FORMAT=json one JSON object a line, each
# with its request's id, and an access line a request (ops/log.py).
try:
    LOGGING = logging_config(
        os.environ.get("PLANTRACK_LOG_FORMAT", "").strip().lower() or "text",
        os.environ.get("PLANTRACK_LOG_LEVEL", "WARNING"),
    )
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
