"""Fremdrift settings, read from the environment.

Production differs from development only by environment variables; README.md
lists every one with its default. A file `.env` at the project root is read
when present (local use only).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# A fixed key for development only: with debug off the key must come from the
# environment, so a production site never runs on a published key.
DEV_SECRET_KEY = "django-insecure-fremdrift-development-key-never-use-in-production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base for links in e-mails and PDFs made outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# ---------------------------------------------------------------- applications

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_htmx",
    "simple_history",
]
# From the bottom up (see README: Layout); the start page asks accounts, then followup, in this order.
LOCAL_APPS = [
    "shell",
    "documents",
    "notifications",
    "municipalities",
    "accounts",
    "projects",
    "followup",
    "planning",
    "agreements",
    "evaluations",
    "newsletters",
    "reports",
    "archive",
    "todo",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.RequireTOTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# -------------------------------------------------------------------- database

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Development database: wait for a concurrent writer (the in-process tasks)
    # instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A fresh clone has no var/ yet: SQLite makes the file, not the folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fremdrift's tables fit in memory, where reading a row by index costs little more
    # than reading the next one. PostgreSQL's default (4, for spinning disks) makes it
    # scan all participants of the country to find one county's; a URL parameter
    # (?options=-c%20random_page_cost%3D4) overrides this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ----------------------------------------------------------------------- cache

# Rate limits need a cache shared by all processes: Redis when configured, the
# database otherwise (its table is made by a migration in accounts).
CACHES = {
    "default": env.cache_url("CACHE_URL", default="dbcache://django_cache"),
}

# ------------------------------------------------------------- authentication

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "shell:home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}  # refuses the password where a domain requires SSO
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "shell:home"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Fremdrift] "
# How many proxies in front of the app to trust (README: the TLS proxy is one). 0: X-Forwarded-For is
# ignored and the peer is the client; N: the N-th address from the right of X-Forwarded-For is. allauth's
# login limits and every address Fremdrift records or limits by read it (shell.client.client_ip).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Fremdrift"

# Single sign-on (README: Single sign-on). County administrators set up OpenID Connect providers in the app
# (accounts.IdentityProvider); allauth's `openid_connect` provider talks to them (authorization code + PKCE).
# Nobody is created by a sign-on and no address is matched by allauth itself: accounts.sso decides who may
# log in, every time.
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# Seconds Fremdrift waits for an identity provider's discovery, token and userinfo endpoints.
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_REQUESTS_TIMEOUT", default=5)
# Plain http issuers (loopback test providers) are accepted only with this on; production needs https.
SSO_ALLOW_HTTP_ISSUERS = env.bool("SSO_ALLOW_HTTP_ISSUERS", default=DEBUG)

# ------------------------------------------------------------ internationalisation

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
# locale/ is Fremdrift's own (makemessages); locale_allauth/ holds django-allauth's strings in the
# languages allauth ships no catalogue for (nynorsk). Both come before allauth's own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
FORMAT_MODULE_PATH = ["config.formats"]  # bokmål and nynorsk short dates as 1.12.2026
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# -------------------------------------------------------------- static, media

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------- e-mail

# Every e-mail is written to the outbox first (notifications app); workers deliver it
# with OUTBOX_DELIVERY_BACKEND, which EMAIL_URL configures:
# smtp://user:password@host:587/?tls=True, or unset for files in var/mail/.
EMAIL_BACKEND = "notifications.backends.OutboxBackend"
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    OUTBOX_DELIVERY_BACKEND = _email.pop("EMAIL_BACKEND")
    vars().update(_email)
else:
    OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# The Date header in Norway's time with its real offset (+0100/+0200), not UTC's -0000.
EMAIL_USE_LOCALTIME = True
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Fremdrift <fremdrift@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 30
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
OUTBOX_RATE_PER_MINUTE = env.int("OUTBOX_RATE_PER_MINUTE", default=0)  # 0: no limit
OUTBOX_MAX_ATTEMPTS = 8
OUTBOX_RETRY_BASE_SECONDS = 60
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=600)
# The shared secret of the bounce endpoint (newsletters): empty turns the endpoint off.
NEWSLETTER_BOUNCE_SECRET = env.str("NEWSLETTER_BOUNCE_SECRET", default="")

# ------------------------------------------------------------------- documents

# Seconds a PDF may take to render (documents.pdf) before it is stopped; it
# includes about a second for starting the renderer process. PDFs made in a
# web request must also finish within the web server's own timeout.
PDF_RENDER_TIMEOUT = env.int("PDF_RENDER_TIMEOUT", default=60)
# Largest file that can be attached to a project, milestone or meeting (followup.services.files).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=20) * 1024 * 1024
# An archive extract whose task has shown no progress for this long has died with its worker: the sweep
# (archive.tasks.sweep_stale_exports_task) marks it failed, so that staff see it and make a new one.
# Spreadsheet exports with more rows than this are built by a task and offered for download when ready.
EXPORT_ASYNC_ROWS = env.int("EXPORT_ASYNC_ROWS", default=5000)
EXPORT_JOB_STUCK_AFTER_SECONDS = env.int("EXPORT_JOB_STUCK_AFTER_SECONDS", default=1800)
EXPORT_JOB_KEEP_DAYS = env.int("EXPORT_JOB_KEEP_DAYS", default=7)
ARCHIVE_EXPORT_STUCK_AFTER_SECONDS = env.int("ARCHIVE_EXPORT_STUCK_AFTER_SECONDS", default=1800)

# ------------------------------------------------------------------ agreements

# The key of the agreements' keyed seal (agreements.integrity): an HMAC over each sealed agreement's
# hashes with a key that is not in the database, so rewriting a row with its hashes is found. Required
# without debug (the system check agreements.E001 stops migrate, runserver and the WSGI application);
# keys replaced stay in AGREEMENT_SEAL_OLD_KEYS so the seals made with them still verify.
DEV_AGREEMENT_SEAL_KEY = "fremdrift-development-agreement-seal-key-never-use-in-production"
AGREEMENT_SEAL_KEY = env.str("AGREEMENT_SEAL_KEY", default=DEV_AGREEMENT_SEAL_KEY if DEBUG else "")
AGREEMENT_SEAL_OLD_KEYS = env.list("AGREEMENT_SEAL_OLD_KEYS", default=[])

# ---------------------------------------------------------------------- celery

# Without a broker, tasks run in-process, so a fresh clone needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="fremdrift")
# Every periodic job, in one place. Each is idempotent, so a second beat adds nothing.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "notifications.tasks.sweep_outbox_task", "schedule": 60.0},
    "newsletters-due": {"task": "newsletters.tasks.start_due_newsletters_task", "schedule": 60.0},
    "archive-stale-exports": {"task": "archive.tasks.sweep_stale_exports_task", "schedule": 300.0},
    "export-jobs-sweep": {"task": "documents.tasks.sweep_export_jobs_task", "schedule": 300.0},
    "outbox-digests": {
        "task": "notifications.tasks.send_digests_task",
        "schedule": crontab(minute=0),  # every hour: each user's digest at the hour they chose
    },
    "monthly-reports": {
        "task": "reports.tasks.monthly_reports_task",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # Follow-up (followup.tasks): milestone reminders and the escalation ladder every morning at
    # 07:00 Oslo time (summer and winter alike), participant health every night.
    "follow-up-reminders": {
        "task": "followup.tasks.send_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "follow-up-health": {
        "task": "followup.tasks.recompute_health_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "evaluation-reminders": {
        "task": "evaluations.tasks.send_evaluation_reminders_task",
        "schedule": crontab(hour=6, minute=30),
    },
    "agreement-reminders": {
        "task": "agreements.tasks.send_signature_reminders_task",
        "schedule": crontab(hour=7, minute=15),
    },
}

# ------------------------------------------------------------------- security

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --------------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
