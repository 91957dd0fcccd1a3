"""Tranquillité settings: one file, driven by environment variables.

Defaults suit a developer's machine (SQLite under var/, console e-mail). Production sets
DJANGO_ENV=production, which turns on every transport-security setting and refuses to start
without a real secret key. See docs/operations.md for the full list of variables.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRANQUILLITE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    # Development: a random key kept in var/ so sessions survive a restart.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_tasks_db",
    "auditlog",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # django-ninja's own templates and static files: the API docs served locally, no CDN.
    "ninja",
    # Ours, in the order imports flow: core <- accounts/audit <- domain apps.
    "tranquillite.core",
    "tranquillite.accounts",
    "tranquillite.audit",
    "tranquillite.governance",
    "tranquillite.strategy",
    "tranquillite.people",
    "tranquillite.letters",
    "tranquillite.followups",
    "tranquillite.community_service",
    "tranquillite.retention",
    "tranquillite.observatory",
    "tranquillite.field",
    "tranquillite.technical_issues",
    "tranquillite.tensions",
    "tranquillite.api",
    "tranquillite.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tranquillite.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "tranquillite.accounts.middleware.SessionLifetimeMiddleware",
    "tranquillite.core.middleware.CurrentTerritoryMiddleware",
    "tranquillite.accounts.middleware.MandatoryMFAMiddleware",
    "tranquillite.audit.middleware.RefusalLogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tranquillite.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (one file under var/); PostgreSQL 15+ through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tranquillite.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: on the 10,000,000-row daily log the planner's estimates cross
    # jit_above_cost and a 50 ms query spent another 50 ms compiling itself (EXPLAIN of the
    # field figures, docs/benchmarks.md); pages here are short queries, never analytics.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache also carries allauth's sign-in throttling, so it must be shared by every web
# process: the database cache works on SQLite and PostgreSQL without another service.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
        ),
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "tranquillite_cache"),
    }
}

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

# CNIL deliberation 2022-100 (passwords): at least 80 bits of entropy, e.g. 12 characters
# from the four classes; common and known-breached passwords are refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "tranquillite.accounts.passwords.CnilEntropyValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "tranquillite.accounts.passwords.BreachedPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

ACCOUNT_ADAPTER = "tranquillite.accounts.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tranquillité] "
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = (
    "allauth.account.forms.EmailAwarePasswordResetTokenGenerator"  # noqa: S105 (a class path)
)
# Throttling of failed sign-ins (per address and per account), on top of allauth's defaults.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Tranquillité"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_PASSKEY_LOGIN_ENABLED = False
# Sessions are listed per user (so they can all be ended at once); last-seen is kept by
# SessionLifetimeMiddleware, so allauth need not write on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Sessions end after 30 minutes idle and 12 hours in all (ANSSI/CNIL good practice for
# applications holding sensitive personal data); enforced by SessionLifetimeMiddleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "tranquillite_session"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -----------------------------------------------------------------------
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "/static/img/blank-tile.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
_tile_origin = env_list("MAP_TILE_ORIGIN")

# Strict Content-Security-Policy: no inline script, no inline style, nothing from elsewhere
# but the configured map tile server.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Behind a reverse proxy (nginx, a load balancer): trust its X-Forwarded-Proto, and take the
# client's address from the last X-Forwarded-For entry, the one the proxy itself appended.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth's sign-in throttle must count each client, not the proxy: the same one trusted hop
# (else everyone shares the proxy's address, and one person's failures lock everybody out).
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_PROXY else 0

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Development and tests serve static files straight from the finders (node_modules included).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# Front-end libraries come from npm (package.json + lock file) and are served from
# node_modules under vendor/: never from a CDN, never copied into the repository.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- E-mail ---------------------------------------------------------------------------------
# Django 6.1 mailers. Development prints e-mails to the console; production sends by SMTP.
_smtp_options = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS"),
    "timeout": 10,
}
_mail_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": _smtp_options if _mail_backend.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Tranquillité <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Change history (django-auditlog) -------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Audit log ------------------------------------------------------------------------------
# CNIL: logs of access to these files are kept long enough to investigate (6 months to a
# year is the usual guidance for access traces), see tranquillite/audit/retention.py.
AUDIT_LOG_RETENTION_DAYS = int(os.environ.get("AUDIT_LOG_RETENTION_DAYS", "365"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Field presence and the API -------------------------------------------------------------
# A daily-log position farther than this from every neighbourhood centre is outside the
# territory (territories have no outline yet); a closer one snaps to the nearest neighbourhood.
FIELD_MAX_DISTANCE_KM = float(os.environ.get("FIELD_MAX_DISTANCE_KM", "2"))
# A shift opened from the phone without a planned one runs this long by default.
FIELD_DEFAULT_SHIFT_HOURS = int(os.environ.get("FIELD_DEFAULT_SHIFT_HOURS", "8"))
# An entry sent late from a phone that stayed offline may be this old, no older.
FIELD_MAX_BACKDATE_DAYS = int(os.environ.get("FIELD_MAX_BACKDATE_DAYS", "7"))
# Daily-log entries are destroyed this long after the moment they record (3 years, CNIL
# AU-038's period for a daily log), photos with them: field/retention.py.
FIELD_LOG_RETENTION_DAYS = int(os.environ.get("FIELD_LOG_RETENTION_DAYS", str(3 * 365 + 1)))
# Daily-log photos: refused above this size or pixel count, re-encoded at most this many
# pixels a side (field/photos.py).
FIELD_PHOTO_MAX_BYTES = int(os.environ.get("FIELD_PHOTO_MAX_BYTES", str(10_000_000)))
FIELD_PHOTO_MAX_PIXELS = 40_000_000
FIELD_PHOTO_MAX_SIDE = 1600
# The historical import of a daily log kept in a spreadsheet (field/imports.py): its size
# limits; above FIELD_IMPORT_BACKGROUND_ROWS rows, the check and the import run as a task
# with a progress bar; an uploaded file not imported is emptied after FIELD_IMPORT_KEEP_HOURS.
FIELD_IMPORT_MAX_BYTES = int(os.environ.get("FIELD_IMPORT_MAX_BYTES", str(30 * 1024 * 1024)))
FIELD_IMPORT_MAX_ROWS = int(os.environ.get("FIELD_IMPORT_MAX_ROWS", "200000"))
FIELD_IMPORT_BACKGROUND_ROWS = int(os.environ.get("FIELD_IMPORT_BACKGROUND_ROWS", "2000"))
FIELD_IMPORT_KEEP_HOURS = int(os.environ.get("FIELD_IMPORT_KEEP_HOURS", "24"))
# Requests per signed-in user to the API (django-ninja throttling, in the shared cache).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")
# The longest a per-account API token may last (days): a partner renews it at least yearly.
API_TOKEN_MAX_DAYS = 365

# Check new passwords against the breached-password range API (needs outbound HTTPS).
PASSWORD_BREACH_CHECK = env_bool("PASSWORD_BREACH_CHECK", default=False)
# Key that encrypts MFA secrets at rest; defaults to one derived from SECRET_KEY.
MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
MFA_ADAPTER = "tranquillite.accounts.adapters.EncryptedSecretsMFAAdapter"
FORM_RENDERER = "tranquillite.core.forms.FormRenderer"
