"""Journeys of issue 3: every demo login's start page, an invitation, a library head editing a contact."""

import re

import pytest
from django.core import mail

from demo.accounts import DEMO_ADMIN_TOTP_SECRET, DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from municipalities.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START_PAGES = [
    ("admin@demo.fremdrift.no", DEMO_ADMIN_TOTP_SECRET, "Troms – Fylkesadministrator"),
    ("fylke@demo.fremdrift.no", None, "Troms – Fylkesansatt"),
    ("biblioteksjef.tromso@demo.fremdrift.no", None, "Tromsø – Biblioteksjef"),
    ("biblioteksjef.harstad@demo.fremdrift.no", None, "Harstad – Biblioteksjef"),
    ("radmann.tromso@demo.fremdrift.no", None, "Tromsø – Kommunal ledelse"),
    ("ordforer.tromso@demo.fremdrift.no", None, "Tromsø – Kommunal ledelse"),
    ("ekspert@demo.fremdrift.no", None, "Troms – Ekstern fagperson"),
]


@pytest.fixture
def demo(transactional_db):
    county = seed_places()
    seed_logins(county)
    return county


@pytest.mark.parametrize("email, totp, heading", START_PAGES, ids=[row[0].split("@")[0] for row in START_PAGES])
def test_each_demo_login_sees_its_own_start_page_in_norwegian(journey, demo, email, totp, heading):
    journey.login(email, DEMO_PASSWORD, totp_secret=totp)
    page = journey.page
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Velkommen")
    journey.scan("start")


def test_administrator_invites_a_user_who_sets_a_password_and_logs_in(journey, demo):
    journey.login("admin@demo.fremdrift.no", DEMO_PASSWORD, totp_secret=DEMO_ADMIN_TOTP_SECRET)
    page = journey.page
    page.get_by_role("link", name="Brukere og roller").first.click()
    page.wait_for_load_state()
    journey.scan("user-list")
    page.get_by_role("link", name="Inviter en bruker").click()
    page.wait_for_load_state()
    journey.scan("invite-form")
    page.get_by_label("Navn").fill("Sara Ny Rådgiver")
    page.get_by_label("E-postadresse").fill("sara@example.no")
    page.get_by_label("Rolle").select_option("county_staff")
    page.get_by_role("button", name="Send invitasjon").click()
    page.wait_for_load_state()
    assert page.get_by_text("Invitasjonen er sendt til sara@example.no.").is_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitasjon/\S+/", mail.outbox[0].body).group(0)
    journey.logout()
    journey.goto(link[link.index("/invitasjon/") :])
    journey.scan("accept-invitation")
    page.locator("#id_new_password1").fill("Sara-sitt-passord-2026")
    page.locator("#id_new_password2").fill("Sara-sitt-passord-2026")
    page.get_by_role("button", name="Lagre passord og logg inn").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Troms – Fylkesansatt").is_visible()

    journey.logout()
    journey.login("sara@example.no", "Sara-sitt-passord-2026")
    assert page.get_by_role("heading", name="Troms – Fylkesansatt").is_visible()


def test_library_head_of_tromso_edits_a_contact(journey, demo):
    journey.login("biblioteksjef.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    page = journey.page
    page.get_by_role("link", name="Din kommune: bibliotek og kontakter").click()
    page.wait_for_load_state()
    journey.scan("municipality")
    page.get_by_role("link", name="Rediger Ole Pedersen").click()
    page.wait_for_load_state()
    journey.scan("contact-form")
    page.get_by_label("Telefon").fill("+47 77 00 00 00")
    page.get_by_label("Navn").fill("")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").first.is_visible()  # the name is required
    journey.scan("contact-form-error")
    page.get_by_label("Navn").fill("Ole Máhtte Pedersen")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert page.get_by_text("Kontakten Ole Máhtte Pedersen er lagret.").is_visible()
    contact = Contact.objects.get(email="teknisk.tromso@demo.fremdrift.no")
    assert contact.name == "Ole Máhtte Pedersen" and contact.phone == "+47 77 00 00 00"
