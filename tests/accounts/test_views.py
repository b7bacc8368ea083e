import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership, User
from tests.factories import TEST_PASSWORD, UserFactory, make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_revoked_role_is_denied_on_the_next_request(client, county_admin, library_head, municipality):
    client.force_login(library_head)
    url = municipality.get_absolute_url()
    assert client.get(url).status_code == 200
    membership = library_head.memberships.get()
    admin_client = client.__class__()
    admin_client.force_login(county_admin)
    revoke = reverse(
        "accounts:membership-revoke",
        kwargs={"number": "55", "user_id": library_head.pk, "membership_id": membership.pk},
    )
    assert admin_client.post(revoke).status_code == 302
    assert client.get(url).status_code == 404


def test_handover_takes_effect_on_the_next_request(client, county_admin, library_head, municipality):
    old_client = client.__class__()
    old_client.force_login(library_head)
    client.force_login(county_admin)
    membership = library_head.memberships.get()
    url = reverse(
        "accounts:membership-handover",
        kwargs={"number": "55", "user_id": library_head.pk, "membership_id": membership.pk},
    )
    response = client.post(url, {"name": "Ny Sjef", "email": "ny.sjef@example.no"})
    assert response.status_code == 302
    assert old_client.get(municipality.get_absolute_url()).status_code == 404
    new_user = User.objects.get(email="ny.sjef@example.no")
    new_client = client.__class__()
    new_client.force_login(new_user)
    assert new_client.get(municipality.get_absolute_url()).status_code == 200


def test_deactivated_user_is_logged_out_on_the_next_request(client, county_admin, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("municipalities:county-detail", kwargs={"number": "55"})).status_code == 200
    admin_client = client.__class__()
    admin_client.force_login(county_admin)
    admin_client.post(reverse("accounts:user-deactivate", kwargs={"number": "55", "user_id": county_staff.pk}))
    response = client.get(reverse("municipalities:county-detail", kwargs={"number": "55"}))
    assert response.status_code == 302 and response.url.startswith("/konto/login/")


def test_administrator_without_totp_is_sent_to_set_it_up(client, county):
    admin = UserFactory(email="ny.admin@example.no")
    Membership.objects.create(user=admin, role=Role.COUNTY_ADMIN, county=county)
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # allauth asks for the password again before showing the secret; the middleware lets it.
    final = client.get(reverse("mfa_activate_totp"), follow=True)
    assert final.status_code == 200
    assert final.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_administrator_with_totp_must_give_a_code_at_login(client, county_admin):
    response = client.post(reverse("account_login"), {"login": county_admin.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_staff_are_not_forced_into_totp(client, county_staff):
    client.force_login(county_staff)
    assert client.get("/").status_code == 200


def test_superuser_with_totp_reaches_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_public_signup_is_closed(client):
    response = client.post(
        "/konto/signup/", {"email": "fremmed@example.no", "password1": "Hemmelig-123!", "password2": "Hemmelig-123!"}
    )
    assert not User.objects.filter(email="fremmed@example.no").exists()
    assert response.status_code == 200


def test_login_is_rate_limited(client, county_staff):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": county_staff.email, "password": "feil"})
        assert "For mange innloggingsforsøk" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": county_staff.email, "password": TEST_PASSWORD})
    assert "For mange innloggingsforsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_invite_form_sends_an_invitation(client, county_admin, municipality, django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user-invite", kwargs={"number": "55"}),
            {"name": "Siri Ny", "email": "siri@example.no", "role": Role.LIBRARY_HEAD, "municipality": municipality.pk},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["siri@example.no"]


def test_invite_form_shows_the_error_on_the_municipality_field(client, county_admin):
    client.force_login(county_admin)
    response = client.post(
        reverse("accounts:user-invite", kwargs={"number": "55"}),
        {"name": "Siri Ny", "email": "siri@example.no", "role": Role.LIBRARY_HEAD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"] == ["Velg kommunen for denne rollen."]
    assert not User.objects.filter(email="siri@example.no").exists()


def test_invitee_sets_a_password_and_is_logged_in(client, county, county_admin):
    from accounts.services import invite_user

    invitation = invite_user(county=county, email="ny@example.no", name="Ny", role=Role.COUNTY_STAFF, by=county_admin)
    url = reverse("accounts:invitation-accept", kwargs={"key": invitation.key})
    response = client.post(url, {"new_password1": "Et-godt-passord-42", "new_password2": "Et-godt-passord-42"})
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "ny@example.no"
    assert client.get(url).status_code == 410  # the link works once


def test_invitation_with_mismatched_passwords_shows_the_error(client, county, county_admin):
    invitation = Invitation.objects.create(
        user=make_user(Role.COUNTY_STAFF, county=county, email="x@example.no"), county=county
    )
    response = client.post(
        reverse("accounts:invitation-accept", kwargs={"key": invitation.key}),
        {"new_password1": "Et-godt-passord-42", "new_password2": "Noe-annet-42"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_user_list_is_searchable_and_shows_roles(
    client, county_admin, library_head, county_staff, django_assert_max_num_queries
):
    client.force_login(county_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:user-list", kwargs={"number": "55"}), {"q": "Ingrid"})
    html = response.content.decode()
    assert "Ingrid Sjef" in html and "Biblioteksjef – Tromsø" in html
    assert "Fredrik Fylke" not in html


def test_password_reset_sends_a_link_that_sets_a_new_password(client, county_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": county_staff.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [county_staff.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/konto/password/reset/key/" in line).strip()
    path = link[link.index("/konto/") :]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Nytt-passord-2026!", "password2": "Nytt-passord-2026!"},
    )
    assert response.status_code == 302
    county_staff.refresh_from_db()
    assert county_staff.check_password("Nytt-passord-2026!")


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "ukjent@example.no"})
    assert response.status_code == 302


# ------------------------------------------------------------- rate limits behind the proxy

TOO_MANY = "For mange innloggingsforsøk"


def _fail_logins(client, count, **headers):
    """Failed logins with a different (unknown) address each time, so only the per-client limit counts."""
    for n in range(count):
        response = client.post(
            reverse("account_login"), {"login": f"ukjent{n}@example.no", "password": "feil"}, **headers
        )
        assert TOO_MANY not in response.content.decode()


def test_two_clients_behind_the_proxy_do_not_lock_each_other_out(client, county_staff, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    _fail_logins(client, 10, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    locked = client.post(
        reverse("account_login"),
        {"login": county_staff.email, "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        **proxy,
    )
    assert TOO_MANY in locked.content.decode() and "_auth_user_id" not in client.session
    other = client.__class__()
    response = other.post(
        reverse("account_login"),
        {"login": county_staff.email, "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.2",
        **proxy,
    )
    assert response.status_code == 302 and other.session["_auth_user_id"] == str(county_staff.pk)
    cache.clear()


def test_without_trusted_proxies_a_spoofed_address_does_not_escape_the_login_limit(client, county_staff, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"ukjent{n}@example.no", "password": "feil"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            REMOTE_ADDR="198.51.100.9",
        )
    response = client.post(
        reverse("account_login"),
        {"login": county_staff.email, "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.200",
        REMOTE_ADDR="198.51.100.9",
    )
    assert TOO_MANY in response.content.decode() and "_auth_user_id" not in client.session
    cache.clear()
