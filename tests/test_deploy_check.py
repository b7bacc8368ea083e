"""Production differs from development only by environment variables: check them as production would."""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "fremdrift.example.no",
    "SITE_URL": "https://fremdrift.example.no",
    "AGREEMENT_SEAL_KEY": "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff",
}


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "FREMDRIFT_", "AGREEMENT_SEAL_", "TRUSTED_PROXY_COUNT"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_agreement_seal_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AGREEMENT_SEAL_KEY"}
    for args in (["check"], ["migrate", "--noinput"]):
        result = _manage(*args, env=env | {"DATABASE_URL": "sqlite:///:memory:"})
        assert result.returncode != 0 and "AGREEMENT_SEAL_KEY is not set" in result.stderr, result.stderr
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FREMDRIFT_", "AGREEMENT_SEAL_"))}
    wsgi = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )  # what gunicorn loads
    assert wsgi.returncode != 0 and "AGREEMENT_SEAL_KEY is not set" in wsgi.stderr, wsgi.stderr


def test_check_deploy_says_when_the_agreement_seal_key_is_missing():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AGREEMENT_SEAL_KEY"}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "agreements.E001" in result.stderr and "AGREEMENT_SEAL_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key, problem",
    [
        ("fremdrift-development-agreement-seal-key-never-use-in-production", "the development key"),
        ("short-key", "shorter than 32 characters"),
        (PRODUCTION_ENV["DJANGO_SECRET_KEY"], "the same as DJANGO_SECRET_KEY"),
    ],
)
def test_check_deploy_warns_about_a_weak_agreement_seal_key(key, problem):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV | {"AGREEMENT_SEAL_KEY": key})
    assert result.returncode != 0
    assert "agreements.W001" in result.stderr and problem in result.stderr


def test_development_and_tests_seal_with_a_fixed_key():
    code = "from django.conf import settings; print(bool(settings.AGREEMENT_SEAL_KEY))"
    result = _manage("shell", "--no-imports", "-c", code, env={"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": ""})
    assert result.stdout.strip() == "True", result.stderr
    result = _manage("shell", "--no-imports", "-c", code, env={"DJANGO_SETTINGS_MODULE": "config.settings.test"})
    assert result.stdout.strip() == "True", result.stderr


@functools.cache
def _settings_under(**variables) -> dict:
    """Every setting these tests read, from one production start with these variables (one process, not ten)."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'SECURE_HSTS_SECONDS': str(s.SECURE_HSTS_SECONDS), 'SESSION_COOKIE_SECURE': str(s.SESSION_COOKIE_SECURE),"
        "'CSRF_COOKIE_SECURE': str(s.CSRF_COOKIE_SECURE), 'PASSWORD_HASHERS[0]': s.PASSWORD_HASHERS[0],"
        "'LANGUAGE_CODE': s.LANGUAGE_CODE, 'TIME_ZONE': s.TIME_ZONE,"
        "'ALLAUTH_TRUSTED_PROXY_COUNT': str(s.ALLAUTH_TRUSTED_PROXY_COUNT),"
        "'database options': s.DATABASES['default'].get('OPTIONS', {}).get('options')}))"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV | variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "setting, expected",
    [
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("PASSWORD_HASHERS[0]", "django.contrib.auth.hashers.Argon2PasswordHasher"),
        ("LANGUAGE_CODE", "nb"),
        ("TIME_ZONE", "Europe/Oslo"),
    ],
)
def test_production_settings(setting, expected):
    assert _settings_under()[setting] == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://fremdrift@db:5432/fremdrift", "-c random_page_cost=1.1"),
        ("postgres://fremdrift@db:5432/fremdrift?options=-c%20random_page_cost%3D4", "-c random_page_cost=4"),
    ],
)
def test_postgresql_is_told_that_index_reads_are_cheap_unless_the_url_says_otherwise(url, expected):
    assert _settings_under(DATABASE_URL=url)["database options"] == expected


@pytest.mark.parametrize(
    "variables, expected",
    [({}, "0"), ({"TRUSTED_PROXY_COUNT": "1", "DATABASE_URL": "postgres://fremdrift@db:5432/fremdrift"}, "1")],
)
def test_the_number_of_trusted_proxies_comes_from_the_environment(variables, expected):
    """allauth's rate limits and every address Fremdrift records read the client behind that many proxies."""
    assert _settings_under(**variables)["ALLAUTH_TRUSTED_PROXY_COUNT"] == expected


def test_a_fresh_clone_makes_its_sqlite_folder(tmp_path):
    database = tmp_path / "var" / "db.sqlite3"  # var/ is not in the repository
    result = _manage(
        "migrate",
        "--noinput",
        env={"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", "CELERY_BROKER_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert database.is_file()


def test_a_database_of_the_old_layout_is_refused_with_what_to_do(tmp_path):
    """A development database migrated before the apps were split records migrations that no longer
    exist: `migrate` (and so `make run`) stops and says to delete it, instead of failing on tables later."""
    import sqlite3

    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE django_migrations (id integer primary key, app varchar, name varchar, applied datetime)"
        )
        connection.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-11-01')",
            [("pages", "0001_initial"), ("projects", "0001_initial"), ("projects", "0005_visit_date_index")],
        )
    result = _manage(
        "migrate",
        "--noinput",
        env={"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", "CELERY_BROKER_URL": ""},
    )
    assert result.returncode != 0
    assert "older version of Fremdrift" in result.stderr and "rm var/db.sqlite3" in result.stderr
    assert "pages.0001_initial" in result.stderr


def test_check_deploy_warns_about_a_cache_of_each_process_its_own():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV | {"CACHE_URL": "locmemcache://"}
    )
    assert result.returncode != 0
    assert "shell.W001" in result.stderr and "a cache of its own (LocMemCache)" in result.stderr
