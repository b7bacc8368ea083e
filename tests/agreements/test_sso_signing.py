"""Signing by logging in again with the identity provider (agreements.signing.ProviderReauthentication),
against the loopback OpenID Connect provider of tests/oidc_provider."""

import time

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.sso import REAUTH_SESSION_KEY
from agreements.models import Signature
from agreements.snapshot import signature_record
from tests.oidc import log_in_at_provider, oidc_provider, query  # noqa: F401 (the fixture)
from tests.sso.conftest import IDP_PASSWORD, TESTSERVER, make_provider

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("oidc")]


@pytest.fixture
def sso_signing(settings, oidc_provider, county, monkeypatch):  # noqa: F811
    settings.AGREEMENT_SIGNING_METHOD = "sso_reauth"
    return make_provider(oidc_provider, county, monkeypatch, domains=("example.no",), name="Troms ID")


def reauthenticate(client, sign_url, *, email):
    """Presses "Confirm with …" on the signing page and logs in again at the provider."""
    page = client.get(sign_url).content.decode()
    assert "Bekreft med Troms ID" in page
    response = client.post(reverse("accounts:sso-reauthenticate"), {"next": sign_url})
    assert response.status_code == 200
    authorize = response.context["redirect_url"]
    assert f'content="0;url={escape(authorize)}"' in response.content.decode()
    params = query(authorize)
    assert params["prompt"] == "login" and params["max_age"] == "0"
    callback = log_in_at_provider(authorize, email=email, password=IDP_PASSWORD, until=TESTSERVER)
    return client.get(callback)


def test_the_chief_executive_signs_after_logging_in_again_with_the_provider(
    client, leadership, sent, sso_signing, oidc_provider, stub_pdf
):
    sub = oidc_provider.add_user("radmann@example.no", IDP_PASSWORD, acr="idporten-loa-substantial")
    client.force_login(leadership)
    sign_url = reverse("agreements:agreement-sign", kwargs={"pk": sent.pk, "slot": "chief_executive"})
    before = int(time.time())

    # Without the re-authentication the signature is refused.
    response = client.post(sign_url, {"content_sha256": sent.content_sha256, "confirm": "on"})
    assert "Bekreft hvem du er hos identitetsleverandøren først" in response.content.decode()
    assert not Signature.objects.exists()

    back = reauthenticate(client, sign_url, email="radmann@example.no")
    assert back.status_code == 302 and back.url == sign_url
    assert client.session["_auth_user_id"] == str(leadership.pk)  # still the same session, not a new login
    assert "Troms ID bekreftet hvem du er. Signer innen fem minutter." in client.get(sign_url).content.decode()

    response = client.post(sign_url, {"content_sha256": sent.content_sha256, "confirm": "on"})
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.method == "sso_reauth" and signature.signed_by == leadership
    record = signature_record(signature)
    assert record["evidence"]["provider"] == "Troms ID" and record["evidence"]["sub"] == sub
    assert record["evidence"]["acr"] == "idporten-loa-substantial"
    assert record["evidence"]["issuer"] == oidc_provider.issuer
    assert record["evidence"]["authenticated_at"] >= time.strftime("%Y-%m-%dT%H:%M", time.gmtime(before - 60))
    assert REAUTH_SESSION_KEY not in client.session  # one re-authentication, one signature


def test_a_re_authentication_as_someone_else_is_refused(
    client, leadership, library_head, sent, sso_signing, oidc_provider
):
    """The chief executive's browser comes back with the library head's login at the provider."""
    oidc_provider.add_user("head@example.no", IDP_PASSWORD)
    client.force_login(leadership)
    sign_url = reverse("agreements:agreement-sign", kwargs={"pk": sent.pk, "slot": "chief_executive"})
    response = reauthenticate(client, sign_url, email="head@example.no")
    assert response.status_code == 403
    assert "allerede knyttet til en annen konto i Fremdrift" in response.content.decode()
    assert REAUTH_SESSION_KEY not in client.session
    assert client.session["_auth_user_id"] == str(leadership.pk)


def test_a_re_authentication_is_good_for_five_minutes(client, leadership, sent, sso_signing, oidc_provider, stub_pdf):
    oidc_provider.add_user("radmann@example.no", IDP_PASSWORD)
    client.force_login(leadership)
    sign_url = reverse("agreements:agreement-sign", kwargs={"pk": sent.pk, "slot": "chief_executive"})
    reauthenticate(client, sign_url, email="radmann@example.no")
    session = client.session
    session[REAUTH_SESSION_KEY] = session[REAUTH_SESSION_KEY] | {"at": time.time() - 301}
    session.save()
    response = client.post(sign_url, {"content_sha256": sent.content_sha256, "confirm": "on"})
    assert "innen fem minutter" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_signatory_without_a_provider_is_told_so(client, leadership, sent, settings):
    settings.AGREEMENT_SIGNING_METHOD = "sso_reauth"
    client.force_login(leadership)
    sign_url = reverse("agreements:agreement-sign", kwargs={"pk": sent.pk, "slot": "chief_executive"})
    assert "har ingen identitetsleverandør i Fremdrift" in client.get(sign_url).content.decode()
    assert client.post(reverse("accounts:sso-reauthenticate"), {"next": sign_url}).status_code == 404
