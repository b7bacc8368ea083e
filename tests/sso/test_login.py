"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider): who is logged
in, who is refused and why, with the authorization-code flow and PKCE as a browser runs it."""

import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.internal.statekit import STATES_SESSION_KEY
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from tests.factories import TEST_TOTP_SECRET, MembershipFactory, UserFactory, make_superuser, make_user
from tests.oidc import log_in_at_provider, query

from .conftest import IDP_PASSWORD, TESTSERVER, make_provider, sso_login, start_login

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("oidc")]
Role = Membership.Role
REFUSED = "Du ble ikke logget inn"


def totp_now(secret: str) -> str:
    """The current code, early enough in its 30-second window to be submitted inside it."""
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def _assert_refused(client, provider, *, email, says):
    """The provider's login of `email` ends on the refusal page (403) saying `says`, and nobody is logged in."""
    response, _ = sso_login(client, provider, email=email)
    assert response.status_code == 403
    assert says in response.content.decode()
    assert logged_in_user_id(client) is None


def test_an_invited_user_of_the_providers_county_is_logged_in(client, county, municipality, tromso_sso, oidc_provider):
    head = make_user(Role.LIBRARY_HEAD, municipality=municipality, email="ingrid.sjef@tromso.kommune.no", name="Ingrid")
    sub = oidc_provider.add_user("Ingrid.Sjef@tromso.kommune.no", IDP_PASSWORD)

    authorize = start_login(client, tromso_sso)
    params = query(authorize)
    assert authorize.startswith(oidc_provider.issuer + "/identity/o/authorize")
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]  # PKCE
    assert params["response_type"] == "code" and "openid" in params["scope"].split()
    callback = log_in_at_provider(
        authorize, email="ingrid.sjef@tromso.kommune.no", password=IDP_PASSWORD, until=TESTSERVER
    )
    response = client.get(callback)

    assert response.status_code == 302 and response.url == reverse("shell:home")
    assert logged_in_user_id(client) == str(head.pk)
    assert SocialAccount.objects.get(user=head).uid == sub
    assert "Logg ut" in client.get(reverse("shell:home")).content.decode()


def test_the_login_page_offers_the_provider_and_the_typed_address_finds_it(client, tromso_sso):
    page = client.get(reverse("account_login")).content.decode()
    assert "Logg inn med Tromsø kommune" in page
    assert 'data-hx-get="/innlogging/sso/"' in page
    hint = client.get(reverse("accounts:sso-hint"), {"login": "per@Tromso.Kommune.no"}).content.decode()
    assert "Logg inn med Tromsø kommune" in hint
    assert "tromso.kommune.no kan logge inn med Tromsø kommune" in hint
    assert client.get(reverse("accounts:sso-hint"), {"login": "per@example.no"}).content.decode().strip() == ""


def test_an_unknown_address_is_refused_and_nobody_is_created(client, tromso_sso, oidc_provider, django_user_model):
    oidc_provider.add_user("ukjent@tromso.kommune.no", IDP_PASSWORD)
    users = django_user_model.objects.count()
    response, _ = sso_login(client, tromso_sso, email="ukjent@tromso.kommune.no")
    assert response.status_code == 403
    page = response.content.decode()
    assert REFUSED in page and "Det finnes ingen konto i Fremdrift med denne e-postadressen" in page
    assert logged_in_user_id(client) is None
    assert django_user_model.objects.count() == users
    assert not SocialAccount.objects.exists()


def test_an_unverified_address_is_refused(client, county, tromso_sso, oidc_provider):
    make_user(Role.COUNTY_STAFF, county=county, email="uverifisert@tromso.kommune.no")
    oidc_provider.add_user("uverifisert@tromso.kommune.no", IDP_PASSWORD, verified=False)
    _assert_refused(
        client, tromso_sso, email="uverifisert@tromso.kommune.no", says="bekreftet ikke at e-postadressen er verifisert"
    )


def test_a_deactivated_user_is_refused(client, county, tromso_sso, oidc_provider):
    gone = make_user(Role.COUNTY_STAFF, county=county, email="borte@tromso.kommune.no")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    oidc_provider.add_user("borte@tromso.kommune.no", IDP_PASSWORD)
    _assert_refused(client, tromso_sso, email="borte@tromso.kommune.no", says="Kontoen din i Fremdrift er stengt")


def test_a_user_without_a_membership_is_refused(client, tromso_sso, oidc_provider):
    UserFactory(email="rolleloes@tromso.kommune.no")
    oidc_provider.add_user("rolleloes@tromso.kommune.no", IDP_PASSWORD)
    _assert_refused(
        client, tromso_sso, email="rolleloes@tromso.kommune.no", says="har ingen rolle i noe fylke eller noen kommune"
    )


def test_an_address_outside_the_providers_domains_is_refused(client, county, tromso_sso, oidc_provider):
    make_user(Role.COUNTY_STAFF, county=county, email="fylke@tromsfylke.no")
    oidc_provider.add_user("fylke@tromsfylke.no", IDP_PASSWORD)
    _assert_refused(
        client, tromso_sso, email="fylke@tromsfylke.no", says="logger ikke inn adresser fra dette e-postdomenet"
    )


def test_a_provider_of_county_x_cannot_log_in_a_user_of_county_y(client, other_county, tromso_sso, oidc_provider):
    """Troms' provider asserts the address of Finnmark's staff member (in a domain Troms serves)."""
    make_user(Role.COUNTY_STAFF, county=other_county, email="finnmark@tromso.kommune.no")
    oidc_provider.add_user("finnmark@tromso.kommune.no", IDP_PASSWORD)
    _assert_refused(
        client,
        tromso_sso,
        email="finnmark@tromso.kommune.no",
        says="har roller utenfor fylket som satte opp leverandøren",
    )


def test_a_user_with_roles_in_two_counties_is_refused(client, county, other_county, tromso_sso, oidc_provider):
    both = make_user(Role.COUNTY_STAFF, county=county, email="begge@tromso.kommune.no")
    MembershipFactory(user=both, role=Role.EXPERT, county=other_county)
    oidc_provider.add_user("begge@tromso.kommune.no", IDP_PASSWORD)
    _assert_refused(client, tromso_sso, email="begge@tromso.kommune.no", says="har roller utenfor fylket")


def test_a_provider_cannot_log_in_a_superuser(client, tromso_sso, oidc_provider):
    make_superuser(email="drift@tromso.kommune.no")
    oidc_provider.add_user("drift@tromso.kommune.no", IDP_PASSWORD, amr=["pwd", "mfa"])
    _assert_refused(
        client,
        tromso_sso,
        email="drift@tromso.kommune.no",
        says="Installasjonsadministratorer kan ikke logge inn med felles innlogging",
    )


def test_an_id_token_from_another_issuer_is_refused(client, county, oidc_provider, monkeypatch):
    """The county set up http://localhost:<port>; the provider found there signs as http://127.0.0.1:<port>."""
    port = urlsplit(oidc_provider.issuer).port
    provider = make_provider(oidc_provider, county, monkeypatch, issuer=f"http://localhost:{port}")
    make_user(Role.COUNTY_STAFF, county=county, email="utsteder@tromso.kommune.no")
    oidc_provider.add_user("utsteder@tromso.kommune.no", IDP_PASSWORD)
    response, _ = sso_login(client, provider, email="utsteder@tromso.kommune.no")
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSED in page and "Svaret fra identitetsleverandøren kunne ikke kontrolleres" in page
    assert logged_in_user_id(client) is None


def test_a_replayed_callback_is_refused(client, county, tromso_sso, oidc_provider):
    make_user(Role.COUNTY_STAFF, county=county, email="igjen@tromso.kommune.no")
    oidc_provider.add_user("igjen@tromso.kommune.no", IDP_PASSWORD)
    response, callback = sso_login(client, tromso_sso, email="igjen@tromso.kommune.no")
    assert response.status_code == 302 and logged_in_user_id(client)
    client.post(reverse("account_logout"))

    replay = client.get(callback)
    assert replay.status_code == 400
    assert "Denne innloggingen er utløpt eller ble startet i en annen nettleser" in replay.content.decode()
    assert logged_in_user_id(client) is None


def test_an_expired_state_is_refused(client, county, tromso_sso, oidc_provider):
    make_user(Role.COUNTY_STAFF, county=county, email="sent@tromso.kommune.no")
    oidc_provider.add_user("sent@tromso.kommune.no", IDP_PASSWORD)
    authorize = start_login(client, tromso_sso)
    callback = log_in_at_provider(authorize, email="sent@tromso.kommune.no", password=IDP_PASSWORD, until=TESTSERVER)
    # The person came back eleven minutes after pressing the button (allauth keeps a state for ten).
    session = client.session
    states = session[STATES_SESSION_KEY]
    for state_id, (state, stashed_at, provider_id) in list(states.items()):
        states[state_id] = [state, stashed_at - 11 * 60, provider_id]
    session[STATES_SESSION_KEY] = states
    session.save()
    # allauth drops expired states when it stashes the next one: the person tries another provider tab.
    start_login(client, tromso_sso)

    response = client.get(callback)
    assert response.status_code == 400
    assert "Denne innloggingen er utløpt" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_a_callback_with_another_browsers_state_is_refused(client, county, tromso_sso, oidc_provider):
    """The callback URL (code and state) of someone else's login, opened in an attacker's browser."""
    make_user(Role.COUNTY_STAFF, county=county, email="offer@tromso.kommune.no")
    oidc_provider.add_user("offer@tromso.kommune.no", IDP_PASSWORD)
    authorize = start_login(client, tromso_sso)
    callback = log_in_at_provider(authorize, email="offer@tromso.kommune.no", password=IDP_PASSWORD, until=TESTSERVER)
    attacker = Client()
    attacker.get(reverse("account_login"))
    response = attacker.get(callback)
    assert response.status_code == 400
    assert "startet i en annen nettleser" in response.content.decode()
    assert attacker.session.get("_auth_user_id") is None


def test_the_same_sub_cannot_be_linked_to_another_account_later(client, county, tromso_sso, oidc_provider):
    first = make_user(Role.COUNTY_STAFF, county=county, email="forste@tromso.kommune.no")
    oidc_provider.add_user("forste@tromso.kommune.no", IDP_PASSWORD)
    response, _ = sso_login(client, tromso_sso, email="forste@tromso.kommune.no")
    assert logged_in_user_id(client) == str(first.pk)
    client.post(reverse("account_logout"))
    # The provider's user now states another Fremdrift user's address (same `sub`).
    make_user(Role.COUNTY_STAFF, county=county, email="andre@tromso.kommune.no")
    SocialAccount.objects.filter(user=first).update(uid=oidc_provider.add_user("andre@tromso.kommune.no", IDP_PASSWORD))
    _assert_refused(
        client, tromso_sso, email="andre@tromso.kommune.no", says="allerede knyttet til en annen konto i Fremdrift"
    )


# --------------------------------------------------------------------------- two-factor


def test_an_administrator_whose_provider_vouches_for_mfa_is_not_asked_for_totp(
    client, county, tromso_sso, oidc_provider
):
    admin = make_user(Role.COUNTY_ADMIN, county=county, email="admin@tromso.kommune.no")  # has TOTP
    oidc_provider.add_user("admin@tromso.kommune.no", IDP_PASSWORD, amr=["pwd", "mfa"])
    response, _ = sso_login(client, tromso_sso, email="admin@tromso.kommune.no")
    assert response.status_code == 302 and response.url == reverse("shell:home")
    assert logged_in_user_id(client) == str(admin.pk)
    assert client.get(reverse("accounts:user-list", kwargs={"number": county.number})).status_code == 200


def test_an_administrator_without_mfa_at_the_provider_is_asked_for_totp(client, county, tromso_sso, oidc_provider):
    make_user(Role.COUNTY_ADMIN, county=county, email="admin2@tromso.kommune.no")  # has TOTP
    oidc_provider.add_user("admin2@tromso.kommune.no", IDP_PASSWORD, amr=["pwd"])
    response, _ = sso_login(client, tromso_sso, email="admin2@tromso.kommune.no")
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None  # the sign-on alone logs no administrator in
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(TEST_TOTP_SECRET)})
    assert response.status_code == 302 and response.url == reverse("shell:home")
    assert logged_in_user_id(client) is not None
    assert client.session["fremdrift_sso"]["mfa"] is False
    assert client.get(reverse("accounts:user-list", kwargs={"number": county.number})).status_code == 200


def test_an_administrator_without_totp_and_without_mfa_must_set_totp_up(client, county, tromso_sso, oidc_provider):
    admin = UserFactory(email="ny.admin@tromso.kommune.no")
    Membership.objects.create(user=admin, role=Role.COUNTY_ADMIN, county=county)
    oidc_provider.add_user("ny.admin@tromso.kommune.no", IDP_PASSWORD)
    response, _ = sso_login(client, tromso_sso, email="ny.admin@tromso.kommune.no")
    assert logged_in_user_id(client) == str(admin.pk)
    page = client.get(reverse("accounts:user-list", kwargs={"number": county.number}))
    assert page.status_code == 302 and page.url == reverse("mfa_activate_totp")


def test_an_administrator_without_totp_logged_in_at_idporten_level_high_gets_in(
    client, county, tromso_sso, oidc_provider
):
    admin = UserFactory(email="hoy@tromso.kommune.no")
    Membership.objects.create(user=admin, role=Role.COUNTY_ADMIN, county=county)
    oidc_provider.add_user("hoy@tromso.kommune.no", IDP_PASSWORD, acr="idporten-loa-high")
    response, _ = sso_login(client, tromso_sso, email="hoy@tromso.kommune.no")
    assert logged_in_user_id(client) == str(admin.pk)
    assert client.get(reverse("accounts:user-list", kwargs={"number": county.number})).status_code == 200
    # acr "substantial" is not enough: the next login without it sends them to the TOTP setup.
    client.post(reverse("account_logout"))
    oidc_provider.add_user("hoy@tromso.kommune.no", IDP_PASSWORD, acr="idporten-loa-substantial")
    sso_login(client, tromso_sso, email="hoy@tromso.kommune.no")
    page = client.get(reverse("accounts:user-list", kwargs={"number": county.number}))
    assert page.status_code == 302 and page.url == reverse("mfa_activate_totp")


# --------------------------------------------------------------------------- password and SSO-only domains


def test_a_domain_that_requires_sso_refuses_the_password(client, county, tromso_sso):
    from tests.factories import TEST_PASSWORD

    tromso_sso.require_sso = True
    tromso_sso.save(update_fields=["require_sso"])
    make_user(Role.COUNTY_STAFF, county=county, email="kun.sso@tromso.kommune.no")
    response = client.post(reverse("account_login"), {"login": "kun.sso@tromso.kommune.no", "password": TEST_PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Brukere av tromso.kommune.no logger inn med Tromsø kommune, ikke med passord" in page
    assert logged_in_user_id(client) is None
    hint = client.get(reverse("accounts:sso-hint"), {"login": "kun.sso@tromso.kommune.no"}).content.decode()
    assert "Brukere av tromso.kommune.no logger inn med Tromsø kommune, ikke med passord." in hint


def test_the_password_still_works_where_sso_is_not_required_or_cannot_log_the_user_in(
    client, county, other_county, tromso_sso
):
    from tests.factories import TEST_PASSWORD

    staff = make_user(Role.COUNTY_STAFF, county=county, email="begge.veier@tromso.kommune.no")
    response = client.post(reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and logged_in_user_id(client) == str(staff.pk)
    client.post(reverse("account_logout"))
    # Required SSO, but the provider could not log this person in (roles in Finnmark too): the password stays.
    tromso_sso.require_sso = True
    tromso_sso.save(update_fields=["require_sso"])
    MembershipFactory(user=staff, role=Role.EXPERT, county=other_county)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and logged_in_user_id(client) == str(staff.pk)


def test_a_wrong_password_for_an_sso_domain_says_only_that_the_password_is_wrong(client, county, tromso_sso):
    tromso_sso.require_sso = True
    tromso_sso.save(update_fields=["require_sso"])
    make_user(Role.COUNTY_STAFF, county=county, email="feil@tromso.kommune.no")
    response = client.post(reverse("account_login"), {"login": "feil@tromso.kommune.no", "password": "galt"})
    page = response.content.decode()
    assert response.status_code == 200 and "ikke med passord" not in page


def test_a_session_records_the_sign_on(client, county, tromso_sso, oidc_provider):
    make_user(Role.COUNTY_STAFF, county=county, email="spor@tromso.kommune.no")
    sub = oidc_provider.add_user("spor@tromso.kommune.no", IDP_PASSWORD, amr=["pwd"], acr="urn:test:loa1")
    before = time.time()
    sso_login(client, tromso_sso, email="spor@tromso.kommune.no")
    record = client.session["fremdrift_sso"]
    assert record["provider"] == tromso_sso.sso_provider_id and record["sub"] == sub
    assert record["acr"] == "urn:test:loa1" and record["mfa"] is False
    assert record["auth_time"] >= int(before) - 1


@pytest.mark.parametrize(
    "language, text",
    [
        ("nn", "Kontoen din i Fremdrift er stengd. Spør fylkesbiblioteket ditt viss du treng tilgang igjen."),
        ("en", "Your Fremdrift account is closed. Ask your county library if you need access again."),
    ],
)
def test_the_refusal_page_speaks_the_browsers_language(client, county, tromso_sso, oidc_provider, language, text):
    gone = make_user(Role.COUNTY_STAFF, county=county, email="stengt@tromso.kommune.no")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    oidc_provider.add_user("stengt@tromso.kommune.no", IDP_PASSWORD)
    client.cookies["django_language"] = language
    response, _ = sso_login(client, tromso_sso, email="stengt@tromso.kommune.no")
    assert response.status_code == 403
    page = response.content.decode()
    assert text in page and f'lang="{language}"' in page
