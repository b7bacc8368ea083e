"""County administrators set up their identity providers in the county settings."""

import pytest
from django.urls import reverse

from accounts.models import IdentityProvider
from accounts.services import save_identity_provider
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Tromsø kommune",
        "issuer": "https://login.microsoftonline.com/abc/v2.0",
        "client_id": "1234-abcd",
        "secret_env": "FREMDRIFT_SSO_TROMSO_SECRET",
        "domains": "@Tromso.Kommune.no\nbalsfjord.kommune.no",
    }
    return data | overrides


@pytest.fixture
def finnmark_admin(other_county):
    return make_user("county_admin", county=other_county, email="admin@finnmark.no")


def _tromso_provider(county, *, name="Tromsø kommune", issuer="https://idporten.no/", secret_env="A"):
    """A provider of `county` for tromso.kommune.no, SSO not required, saved through the service."""
    return save_identity_provider(
        county=county,
        name=name,
        issuer=issuer,
        client_id="x",
        secret_env=secret_env,
        require_sso=False,
        domains=["tromso.kommune.no"],
        by=None,
    )


def test_an_administrator_adds_a_provider_and_sees_the_redirect_uri_but_no_secret(
    client, county, county_admin, monkeypatch
):
    monkeypatch.setenv("FREMDRIFT_SSO_TROMSO_SECRET", "hemmelig-verdi-123")
    client.force_login(county_admin)
    response = client.post(reverse("accounts:identity-provider-create", kwargs={"number": county.number}), form_data())
    assert response.status_code == 302
    provider = IdentityProvider.objects.get(county=county)
    assert provider.domain_list == ["balsfjord.kommune.no", "tromso.kommune.no"]
    page = client.get(response.url).content.decode()
    assert "Tromsø kommune" in page and "balsfjord.kommune.no, tromso.kommune.no" in page
    assert f"/konto/oidc/{provider.sso_provider_id}/login/callback/" in page
    assert "Leses fra FREMDRIFT_SSO_TROMSO_SECRET (satt på serveren)" in page
    assert "hemmelig-verdi-123" not in page
    edit = client.get(reverse("accounts:identity-provider-edit", kwargs={"number": county.number, "pk": provider.pk}))
    assert "hemmelig-verdi-123" not in edit.content.decode()


def test_the_list_warns_when_the_secret_is_missing_on_the_server(client, county, county_admin, monkeypatch):
    monkeypatch.delenv("FREMDRIFT_SSO_MISSING", raising=False)
    _tromso_provider(county, secret_env="FREMDRIFT_SSO_MISSING")
    client.force_login(county_admin)
    page = client.get(reverse("accounts:identity-provider-list", kwargs={"number": county.number})).content.decode()
    assert "FREMDRIFT_SSO_MISSING er ikke satt på serveren" in page


def test_a_domain_claimed_by_another_countys_provider_is_refused_on_the_field(
    client, county, other_county, finnmark_admin
):
    _tromso_provider(
        county, issuer="https://login.microsoftonline.com/abc/v2.0", secret_env="FREMDRIFT_SSO_TROMSO_SECRET"
    )
    client.force_login(finnmark_admin)
    response = client.post(
        reverse("accounts:identity-provider-create", kwargs={"number": other_county.number}),
        form_data(name="Finnmark", domains="alta.kommune.no\ntromso.kommune.no"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["domains"] == [
        "Betjenes allerede av en annen identitetsleverandør i Fremdrift: tromso.kommune.no. "
        "Et domene kan bare høre til én leverandør."
    ]
    assert not IdentityProvider.objects.filter(county=other_county).exists()


def test_a_second_provider_of_the_same_county_cannot_take_a_domain_either(client, county, county_admin):
    first = _tromso_provider(county, name="Entra", issuer="https://login.microsoftonline.com/abc/v2.0")
    client.force_login(county_admin)
    response = client.post(
        reverse("accounts:identity-provider-create", kwargs={"number": county.number}),
        form_data(name="ID-porten", issuer="https://idporten.no/", domains="tromso.kommune.no"),
    )
    assert response.status_code == 400 and "domains" in response.context["form"].errors
    # Saving the first provider again with its own domain is fine.
    response = client.post(
        reverse("accounts:identity-provider-edit", kwargs={"number": county.number, "pk": first.pk}),
        form_data(name="Entra ID", domains="tromso.kommune.no"),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "Entra ID" and first.domain_list == ["tromso.kommune.no"]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("issuer", "http://login.example.no", "Utsteder-URL-en må begynne med https://."),
        ("secret_env", "s3cr3t-value!", "Oppgi navnet på en miljøvariabel"),
        ("domains", "ikke et domene", "«ikke» er ikke et e-postdomene."),
    ],
)
def test_the_form_refuses_what_does_not_fit(client, county, county_admin, settings, field, value, message):
    settings.SSO_ALLOW_HTTP_ISSUERS = False
    client.force_login(county_admin)
    response = client.post(
        reverse("accounts:identity-provider-create", kwargs={"number": county.number}), form_data(**{field: value})
    )
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])


def test_another_countys_administrator_cannot_see_or_change_the_provider(client, county, finnmark_admin):
    provider = _tromso_provider(county)
    client.force_login(finnmark_admin)
    assert client.get(reverse("accounts:identity-provider-list", kwargs={"number": county.number})).status_code == 404
    other = finnmark_admin.memberships.get().county
    url = reverse("accounts:identity-provider-edit", kwargs={"number": other.number, "pk": provider.pk})
    assert client.get(url).status_code == 404
    url = reverse("accounts:identity-provider-delete", kwargs={"number": other.number, "pk": provider.pk})
    assert client.post(url).status_code == 404
    assert IdentityProvider.objects.filter(pk=provider.pk).exists()


def test_removing_a_provider_frees_its_domains(client, county, county_admin):
    provider = _tromso_provider(county)
    client.force_login(county_admin)
    url = reverse("accounts:identity-provider-delete", kwargs={"number": county.number, "pk": provider.pk})
    response = client.post(url, follow=True)
    assert "Identitetsleverandøren Tromsø kommune ble fjernet." in response.content.decode()
    assert not IdentityProvider.objects.for_domain("tromso.kommune.no").exists()
