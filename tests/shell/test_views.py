import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_start_page_welcomes_visitors_in_norwegian(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb">' in html
    assert "Logg inn" in html
    assert 'href="#main"' in html  # skip link
    assert '<main id="main"' in html


def test_start_page_shows_one_section_per_membership(client, county_staff, municipality):
    from accounts.models import Membership

    Membership.objects.create(
        user=county_staff, role=Membership.Role.LIBRARY_HEAD, county=municipality.county, municipality=municipality
    )
    client.force_login(county_staff)
    html = client.get("/").content.decode()
    assert "Troms – Fylkesansatt" in html
    assert "Tromsø – Biblioteksjef" in html


def test_user_without_roles_is_told_so(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "Du har ingen rolle" in client.get("/").content.decode()


def test_accessibility_statement_is_public(client):
    response = client.get(reverse("shell:page", kwargs={"slug": "tilgjengelighet"}))
    assert response.status_code == 200
    assert "Tilgjengelighetserklæring" in response.content.decode()
    assert "WCAG 2.1" in response.content.decode()


def test_privacy_notice_is_public(client):
    response = client.get(reverse("shell:page", kwargs={"slug": "personvern"}))
    assert response.status_code == 200
    assert "Personvernerklæring" in response.content.decode()


def test_unknown_page_is_a_norwegian_404(client):
    response = client.get("/side/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


def test_language_switch_changes_the_page_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/"}, follow=True)
    assert '<html lang="nb">' in response.content.decode()


def test_english_page_text_is_shown_to_english_readers(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("shell:page", kwargs={"slug": "tilgjengelighet"}))
    assert "Accessibility statement" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/side/tilgjengelighet/", "/konto/login/", "/finnes-ikke/", "/healthz"])
def test_every_page_carries_a_content_security_policy_without_inline_script(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_pages_have_no_inline_script_or_style(client, county_staff):
    client.force_login(county_staff)
    for path in ["/", "/side/personvern/"]:
        html = client.get(path).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_healthz_reports_database_cache_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok" and body["status"] == "ok"
    assert body["broker"] in {"ok", "in-process"}


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
