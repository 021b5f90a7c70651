"""PLP settings, driven by environment variables (see .env.example)."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def load_dotenv(path: Path) -> None:
    """KEY=VALUE lines from a local .env (written by `bash dev setup` for development).
    Variables already in the environment win."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    # plp before django_tasks_db: its db_worker command (plp.worker) replaces the library's.
    "plp",
    "django_tasks",
    "django_tasks_db",
    "participants",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "plp.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-otp's, and Django's ModelBackend and database sessions below: the same, each
    # reading its row with SQL compiled once (plp/loading.py).
    "plp.loading.OTPMiddleware",
    "plp.security.SessionLimitsMiddleware",
    "plp.security.TwoFactorRequiredMiddleware",
    "plp.security.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "plp.loading.ModelBackend",
]

ROOT_URLCONF = "plp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "plp.roles.context_processor",
                "plp.navigation.menu",
            ],
        },
    },
]

WSGI_APPLICATION = "plp.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles queries whose estimated cost is high. The caseload's
    # correlated subqueries look expensive to the planner but touch a few rows: measured
    # at 10k participants, JIT spent 450 ms compiling a filter that runs in 5 ms.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web workers and db_worker write the same file. WAL lets readers go on while one
    # writes; IMMEDIATE takes the write lock when a transaction begins, so a writer waits
    # for it (up to `timeout` seconds) instead of failing with "database is locked" when
    # it upgrades a read lock halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Django's SQLite backend with a flush that respects the audit trail's triggers.
    DATABASES["default"]["ENGINE"] = "plp.sqlite_backend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# The site root sends each role to its start page (plp.landing.home).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Dutch input formats first for every language, so 01-03-2024 always means 1 March.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y"]
FORMAT_MODULE_PATH = ["plp.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions end after 30 minutes idle (the cookie age, renewed at most once a minute by
# plp.security.SessionLimitsMiddleware) and after 12 hours in total.
SESSION_ENGINE = "plp.loading"
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PLP_SESSION_MAX_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The client address (plp.security.client_ip): behind PROXY_COUNT proxies it is the
# PROXY_COUNT-th entry from the right of X-Forwarded-For. TRUSTED_PROXIES (addresses or
# networks) limits that to requests coming from those proxies.
PLP_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0" if DEBUG else "1"))
if PLP_PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more.")
PLP_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _network in PLP_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_network!r} is no address or network") from _error

# Login throttling: 5 failures for one user name from one address lock that combination
# for 15 minutes (not the address alone: one attacker cannot lock out an office).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "plp.security.client_ip"

# Two-factor login (TOTP) for every account; on by default outside DEBUG.
PLP_REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "PLP"

# Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside TOTP: after the
# password, never instead of it. The relying party id is the site's domain; a passkey
# works only under the id it was registered with. Empty (the default with DEBUG) means
# the host of each request, so localhost works in development (an IP address never does).
WEBAUTHN_RP_ID = os.environ.get(
    "WEBAUTHN_RP_ID", "" if DEBUG or not ALLOWED_HOSTS else ALLOWED_HOSTS[0].lstrip(".")
)
OTP_WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "PLP")
OTP_WEBAUTHN_RP_ID_CALLABLE = "plp.passkeys.rp_id"
OTP_WEBAUTHN_HELPER_CLASS = "plp.passkeys.PasskeyHelper"
# Outside DEBUG the site is served over HTTPS only (SECURE_SSL_REDIRECT).
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"https://{WEBAUTHN_RP_ID or 'localhost'}"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
WHITENOISE_AUTOREFRESH = DEBUG

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Caseload flags: days without contact, days before a placement ends.
PLP_NO_CONTACT_DAYS = 14
PLP_PLACEMENT_ENDING_DAYS = 14

# What the programme calls the experience certificate it issues itself, in the app and
# the report alike.
PLP_CERTIFICATE_NAME = os.environ.get("CERTIFICATE_NAME", "Waardevol Werk-certificaat")

# The workplace mentor's link (participants/views/mentor.py): valid until the placement
# ends or this many days pass; a "Hoe gaat het?" mail every so many weeks
# (send_mentor_checkins); at most so many requests a minute per address and per link,
# and submissions a day per link.
PLP_MENTOR_LINK_DAYS = int(os.environ.get("MENTOR_LINK_DAYS", "90"))
PLP_MENTOR_CHECKIN_WEEKS = int(os.environ.get("MENTOR_CHECKIN_WEEKS", "4"))
PLP_MENTOR_REQUESTS_PER_MINUTE = 30
PLP_MENTOR_SUBMISSIONS_PER_DAY = 20
# The site's address for links in mails sent outside a request (cron), e.g.
# https://plp.example.org; by default https:// and the first ALLOWED_HOSTS name.
PLP_BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
# Shown to the mentor beside the coach's name: the programme's phone number.
PLP_CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "")

# Mail (the mentor's link and check-ins): the console in development, SMTP otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PLP <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The mentor's token travels in the URL path: no log line of Django's (404, 400,
    # CSRF warnings) may print it.
    "filters": {"mentor_token": {"()": "plp.logfilters.HideMentorToken"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mentor_token"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    # On the loggers too, so that no handler (one added later included) sees the token;
    # django.server is runserver's request log, kept as Django configures it.
    "loggers": {
        "django.request": {"filters": ["mentor_token"]},
        "django.security.csrf": {"filters": ["mentor_token"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mentor_token"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Uploads (the register, at most 5 MB) stay in memory: never a temporary file on disk.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Files closed (dropout or outflow) longer than this are anonymised by apply_retention.
PLP_RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "2"))

# Documents attached to a participant's file: outside the web root, served by a view
# that checks access. Back this folder up together with the database.
PLP_PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))
PLP_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
PLP_ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

# Background work (report PDFs): django-tasks with its database backend, so no broker is
# needed. Run the worker beside the web server: `manage.py db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A task whose worker died is run again by the next worker, this many times in all, then
# marked failed. Claimed by a worker on another host, it counts as abandoned after this long.
PLP_TASK_MAX_ATTEMPTS = 3
PLP_TASK_STALE_SECONDS = 3600

# An expired form (session ended, logged in again elsewhere) gets the app's own page.
CSRF_FAILURE_VIEW = "plp.errors.csrf_failure"
