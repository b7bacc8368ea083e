"""Single sign-on in a real browser: a library head types her address, is offered her municipality's
identity provider, logs in there (the loopback OpenID Connect provider of tests/oidc_provider, with the
authorization-code flow and PKCE) and lands on her start page; a refused sign-on shows why."""

import re

import pytest

from accounts.models import Membership
from tests.factories import make_user
from tests.oidc import oidc_provider  # noqa: F401 (the fixture)
from tests.sso.conftest import IDP_PASSWORD, make_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_at_provider(page, idp, *, email):
    """The provider's own login page (not Fremdrift's: it is neither saved nor checked as one of ours)."""
    page.wait_for_url(re.compile(re.escape(idp.issuer) + r"/accounts/login/.*"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", IDP_PASSWORD)
    page.locator("form button[type=submit]").first.click()


def _press_as_a_person(page, button, *, held_ms=250):
    """A person's click: the press moves the focus away from the address field, and the button is let go a
    moment later. (The hint used to be fetched again on the field's blur and swapped in under the finger,
    so the click landed on no button and nothing happened.)"""
    button.hover()
    page.mouse.down()
    page.wait_for_timeout(held_ms)
    page.mouse.up()


def test_a_library_head_logs_in_with_her_municipalitys_provider(
    journey,
    live_server,
    county,
    municipality,
    oidc_provider,
    monkeypatch,  # noqa: F811
):
    provider = make_provider(oidc_provider, county, monkeypatch, base=live_server.url)
    make_user(Membership.Role.LIBRARY_HEAD, municipality=municipality, email="ingrid@tromso.kommune.no", name="Ingrid")
    oidc_provider.add_user("ingrid@tromso.kommune.no", IDP_PASSWORD)
    page = journey.page

    journey.goto("/konto/login/")
    assert page.get_by_role("button", name=f"Logg inn med {provider.name}").is_visible()
    page.get_by_label("E-post").fill("ingrid@tromso.kommune.no")
    hint = page.locator("#sso-hint")
    hint.get_by_text("tromso.kommune.no kan logge inn med Tromsø kommune.").wait_for()
    journey.settle()
    journey.scan("login-with-hint")
    _press_as_a_person(page, hint.get_by_role("button", name="Logg inn med Tromsø kommune"))

    _log_in_at_provider(page, oidc_provider, email="ingrid@tromso.kommune.no")
    page.wait_for_url(live_server.url + "/")
    journey.settle()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Velkommen")
    assert page.get_by_role("heading", name="Tromsø – Biblioteksjef").is_visible()
    journey.scan("signed-in")


def test_a_refused_sign_on_says_why(journey, live_server, county, other_county, oidc_provider, monkeypatch):  # noqa: F811
    make_provider(oidc_provider, county, monkeypatch, base=live_server.url)
    make_user(Membership.Role.COUNTY_STAFF, county=other_county, email="finnmark@tromso.kommune.no")
    oidc_provider.add_user("finnmark@tromso.kommune.no", IDP_PASSWORD)
    page = journey.page

    journey.goto("/konto/login/")
    page.get_by_role("button", name="Logg inn med Tromsø kommune").click()
    _log_in_at_provider(page, oidc_provider, email="finnmark@tromso.kommune.no")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/konto/oidc/.*"))
    journey.settle()
    assert page.get_by_role("heading", name="Du ble ikke logget inn").is_visible()
    assert page.get_by_text("har roller utenfor fylket som satte opp leverandøren").is_visible()
    journey.scan("refused")  # axe runs in this page, so the callback is not opened a second time


def test_the_login_page_with_a_provider_fits_a_phone_of_320_px(
    journey,
    live_server,
    county,
    oidc_provider,
    monkeypatch,  # noqa: F811
):
    """The login page with a provider's button, and with the hint a typed address brings, reflows at 320 CSS
    px (WCAG 1.4.10): nothing scrolls sideways."""
    from tests.browser.test_reflow_and_focus import OVERFLOW, PHONE_320

    provider = make_provider(oidc_provider, county, monkeypatch, base=live_server.url)
    page = journey.page
    page.set_viewport_size(PHONE_320)
    journey.goto("/konto/login/")
    assert page.get_by_role("button", name=f"Logg inn med {provider.name}").is_visible()
    assert page.evaluate(OVERFLOW) is None
    page.get_by_label("E-post").fill("ingrid@tromso.kommune.no")
    page.locator("#sso-hint").get_by_text("tromso.kommune.no kan logge inn med Tromsø kommune.").wait_for()
    journey.settle()
    assert page.evaluate(OVERFLOW) is None, page.evaluate(OVERFLOW)
    journey.scan("login-with-hint-320")
