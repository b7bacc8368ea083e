"""Settings for the page benchmark: production-like (debug off, PostgreSQL, gunicorn) on loopback,
plus the floor view (bench/urls.py). Never used outside bench/."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("AGREEMENT_SEAL_KEY", "benchmark-only-agreement-seal-key-not-for-production-0123456789")

from config.settings.base import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
