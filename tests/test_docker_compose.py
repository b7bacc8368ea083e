"""docker-compose.yml cannot be run on these machines: check what it declares instead."""

from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _environment(service) -> dict:
    return service.get("environment", {})


def test_compose_declares_the_whole_stack(compose):
    assert {"db", "redis", "web", "worker", "beat", "mail", "migrate"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres")
    assert compose["services"]["redis"]["image"].startswith("redis")


def test_app_services_run_the_right_commands(compose):
    services = compose["services"]
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_web_and_workers_share_database_broker_mail_and_media(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        env = _environment(services[name])
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert env["CACHE_URL"].startswith("redis://redis:6379")
        assert env["EMAIL_URL"] == "smtp://mail:1025"
        assert env["MEDIA_ROOT"] == "/data/media"
        assert "media:/data/media" in services[name]["volumes"]
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_every_variable_the_app_reads_is_in_the_example_env_and_readme():
    readme = (BASE_DIR / "README.md").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    for variable in (
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "EMAIL_URL",
        "SITE_URL",
        "MEDIA_ROOT",
        "CACHE_URL",
        "TRUSTED_PROXY_COUNT",
        "AGREEMENT_SEAL_KEY",
        "AGREEMENT_SEAL_OLD_KEYS",
    ):
        assert variable in readme, f"{variable} is not documented in README.md"
        assert variable in example, f"{variable} is missing from .env.example"


def test_web_trusts_exactly_the_one_proxy_in_front_of_it(compose):
    """The README puts one TLS proxy in front of web; web answers only on this host, where that proxy runs."""
    web = compose["services"]["web"]
    assert str(_environment(web)["TRUSTED_PROXY_COUNT"]) == "1"
    assert all(str(port).startswith("127.0.0.1:") for port in web["ports"])
