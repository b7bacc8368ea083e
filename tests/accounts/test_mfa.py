"""Superusers and county administrators use TOTP before any page but its setup, whichever way they came in.

Logins here go through allauth's real flow (password, then a code computed from the secret with allauth's
own TOTP helpers), not `force_login`, except where the test is about what a session without TOTP reaches.
"""

import time

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Invitation, Membership, User
from accounts.services import invite_user
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth remembers used TOTP codes and rate-limit hits in the cache; SQLite reuses user ids."""
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(client, email, password=TEST_PASSWORD, *, secret=TEST_TOTP_SECRET):
    """Password, then (when allauth asks) the code. Returns the last response."""
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    if response.url == reverse("mfa_authenticate"):
        assert "_auth_user_id" not in client.session  # the password alone logs nobody in
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302
    return response


SETUP = reverse("mfa_activate_totp")


@pytest.fixture
def bare_superuser(db):
    return User.objects.create_superuser(email="root@example.no", password=TEST_PASSWORD)


@pytest.fixture
def bare_admin(county):
    admin = UserFactory(email="ny.admin@example.no")
    Membership.objects.create(user=admin, role=Role.COUNTY_ADMIN, county=county)
    return admin


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/accounts/user/", "/", "/fylker/55/", "/konto/email/", "/konto/password/change/"]
)
def test_a_superuser_without_totp_is_sent_to_set_it_up(client, county, bare_superuser, path):
    log_in(client, bare_superuser.email)
    assert client.session["_auth_user_id"] == str(bare_superuser.pk)
    response = client.get(path)
    assert response.status_code == 302 and response.url == SETUP


@pytest.mark.parametrize("path", ["/", "/fylker/55/brukere/", "/konto/email/", "/konto/password/change/"])
def test_an_administrator_without_totp_reaches_nothing_but_its_setup(client, bare_admin, path):
    log_in(client, bare_admin.email)
    response = client.get(path)
    assert response.status_code == 302 and response.url == SETUP


def test_without_totp_the_setup_itself_logout_and_healthz_still_answer(client, bare_superuser):
    log_in(client, bare_superuser.email)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)  # 503 only when a backing service is down
    assert client.get("/static/css/fremdrift.css").status_code in (200, 404)  # never the setup page
    assert client.get(reverse("account_logout")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and response.url != SETUP
    assert "_auth_user_id" not in client.session


def test_setting_up_totp_asks_for_the_password_then_a_code_and_opens_the_admin(client, bare_superuser):
    log_in(client, bare_superuser.email)
    first = client.get(SETUP)
    assert first.status_code == 302 and first.url.startswith(reverse("account_reauthenticate"))
    response = client.post(first.url, {"password": TEST_PASSWORD})
    assert response.status_code == 302
    form = client.get(SETUP)
    assert form.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_superuser_with_totp_reaches_the_admin_after_password_and_code(client, bare_superuser):
    TOTP.activate(bare_superuser, TEST_TOTP_SECRET)
    log_in(client, bare_superuser.email)
    assert client.session["_auth_user_id"] == str(bare_superuser.pk)
    response = client.get("/admin/")
    assert response.status_code == 200 and "Fremdrift" in response.content.decode()


def test_a_superuser_with_totp_gets_nothing_from_the_password_alone(client, bare_superuser):
    TOTP.activate(bare_superuser, TEST_TOTP_SECRET)
    response = client.post(reverse("account_login"), {"login": bare_superuser.email, "password": TEST_PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response.url
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code() != "000000" else "111111"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session


def test_a_county_administrator_with_totp_reaches_the_user_pages_after_password_and_code(client, county_admin):
    log_in(client, county_admin.email)
    response = client.get(reverse("accounts:user-list", kwargs={"number": "55"}))
    assert response.status_code == 200 and "Astrid Admin" in response.content.decode()


def test_an_invited_administrator_sets_a_password_and_is_sent_to_set_up_totp(client, county, county_admin):
    invitation = invite_user(
        county=county, email="ny.admin@example.no", name="Ny Admin", role=Role.COUNTY_ADMIN, by=county_admin
    )
    url = reverse("accounts:invitation-accept", kwargs={"key": invitation.key})
    response = client.post(url, {"new_password1": "Et-godt-passord-42", "new_password2": "Et-godt-passord-42"})
    assert response.status_code == 302
    for path in ("/", reverse("accounts:user-list", kwargs={"number": "55"})):
        response = client.get(path)
        assert response.status_code == 302 and response.url == SETUP


def test_an_invitation_does_not_skip_the_code_of_a_user_with_totp(client, county, county_admin):
    """A link still in someone's mailbox sets the password, but the code is still asked for."""
    user = UserFactory(email="har.totp@example.no")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.COUNTY_ADMIN, county=county)
    TOTP.activate(user, TEST_TOTP_SECRET)
    invitation = Invitation.objects.create(user=user, county=county, invited_by=county_admin)
    response = client.post(
        reverse("accounts:invitation-accept", kwargs={"key": invitation.key}),
        {"new_password1": "Et-godt-passord-42", "new_password2": "Et-godt-passord-42"},
    )
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_password_reset_does_not_skip_the_code(client, county_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": county_admin.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/konto/password/reset/key/" in line).strip()
    form_page = client.get(link[link.index("/konto/") :], follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "Nytt-passord-2026!", "password2": "Nytt-passord-2026!"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # a reset never logs in
    response = client.post(reverse("account_login"), {"login": county_admin.email, "password": "Nytt-passord-2026!"})
    assert response.url == reverse("mfa_authenticate") and "_auth_user_id" not in client.session


def test_losing_the_administrator_role_lifts_the_requirement(client, bare_admin):
    log_in(client, bare_admin.email)
    assert client.get("/").status_code == 302
    Membership.objects.filter(user=bare_admin).update(role=Role.COUNTY_STAFF)
    assert client.get("/").status_code == 200
