import secrets

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from accounts.models import IdentityProvider
from accounts.services import save_identity_provider
from tests.oidc import log_in_at_provider, oidc_provider  # noqa: F401 (the fixture)

IDP_PASSWORD = "passord-hos-leverandoren-1"
SECRET_ENV = "FREMDRIFT_TEST_SSO_SECRET"
TESTSERVER = "http://testserver"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth remembers used TOTP codes and rate-limit hits in the cache; SQLite reuses user ids."""
    cache.clear()
    yield
    cache.clear()


def callback_url(provider: IdentityProvider, base: str = TESTSERVER) -> str:
    return base + reverse("openid_connect_callback", kwargs={"provider_id": provider.sso_provider_id})


def make_provider(
    idp, county, monkeypatch, *, domains=("tromso.kommune.no",), issuer=None, name="Tromsø kommune", base=TESTSERVER
) -> IdentityProvider:
    """A provider of `county` for the loopback identity provider, registered there with its redirect URI."""
    client_id = f"fremdrift-{secrets.token_hex(6)}"
    secret = secrets.token_urlsafe(24)
    monkeypatch.setenv(SECRET_ENV, secret)
    provider = save_identity_provider(
        county=county,
        name=name,
        issuer=issuer or idp.issuer,
        client_id=client_id,
        secret_env=SECRET_ENV,
        require_sso=False,
        domains=list(domains),
        by=None,
    )
    idp.register_client(client_id, secret, [callback_url(provider, base)])
    return provider


@pytest.fixture
def tromso_sso(oidc_provider, county, monkeypatch):  # noqa: F811
    return make_provider(oidc_provider, county, monkeypatch)


def start_login(client, provider, **data):
    """Presses "Log in with …": Fremdrift answers with a page that sends the browser on to the provider's
    authorization endpoint (a meta refresh: see accounts.views.sso_login)."""
    response = client.post(
        reverse("accounts:sso-login", kwargs={"provider_id": provider.sso_provider_id}), {"process": "login", **data}
    )
    assert response.status_code == 200, response.content.decode()[:1000]
    url = response.context["redirect_url"]
    assert f'<meta http-equiv="refresh" content="0;url={escape(url)}">' in response.content.decode()
    return url


def sso_login(client, provider, *, email, password=IDP_PASSWORD, **data):
    """The whole round trip: Fremdrift → provider (log in there) → Fremdrift's callback. Returns the
    callback's response and the callback URL."""
    authorize = start_login(client, provider, **data)
    callback = log_in_at_provider(authorize, email=email, password=password, until=TESTSERVER)
    return client.get(callback), callback
