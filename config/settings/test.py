"""Settings for the test suite: base settings plus what makes tests fast and isolated.

The suite runs on SQLite unless DATABASE_URL points elsewhere (CI: PostgreSQL),
and tasks run in-process unless a test starts a real worker.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, DATABASES, env  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AGREEMENT_SEAL_KEY = "fremdrift-test-agreement-seal-key-0123456789abcdef0123456789abcdef"
AGREEMENT_SEAL_OLD_KEYS = []
# The loopback identity provider of tests/oidc_provider speaks plain http.
SSO_ALLOW_HTTP_ISSUERS = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One folder per xdist process: each has its own database, so its primary keys, and so its file names,
# repeat another's.
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")


# Tests share one process: a local cache is real enough for rate limits and
# leaves nothing behind. Worker processes get the same database through
# FREMDRIFT_TEST_WORKER (see tests/worker.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if env.bool("FREMDRIFT_TEST_WORKER", default=False):
    # A Celery worker started by a test (tests/worker.py): it talks to the test
    # database and delivers mail where the test's SMTP server listens.
    DATABASES["default"]["NAME"] = env.str("FREMDRIFT_TEST_DATABASE_NAME")
    CELERY_TASK_ALWAYS_EAGER = False
else:
    OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CELERY_TASK_ALWAYS_EAGER = True


# Serve static files from the source folders, as in development: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
