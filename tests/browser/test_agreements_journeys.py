"""Journey of issue 7: county staff draft an agreement from the kit, edit the role matrix and send it;
the library head and the chief executive of Tromsø sign, the county signs, and it is sealed; the chief
executive downloads the PDF and checks its code on the public verification page."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from accounts.models import User
from agreements.canonical import sha256_hex
from agreements.models import Agreement
from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from municipalities.models import Municipality
from planning.kits import create_project_from_kit
from planning.standard_kits import install_standard_kits
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def room_project(transactional_db):
    county = seed_places()
    seed_logins(county)
    kit = install_standard_kits(county)[0]
    project = create_project_from_kit(
        kit=kit,
        county=county,
        by=User.objects.get(email="fylke@demo.fremdrift.no"),
        title="Bibliotekrom 2027",
        start_on=date(2027, 1, 4),
        municipalities=[Municipality.objects.get(number="5501")],
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    return project


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _sign_as(journey, email, slot_label, agreement_url):
    page = journey.page
    journey.logout()
    journey.login(email, DEMO_PASSWORD)
    journey.goto(agreement_url)
    page.get_by_role("link", name=f"Signer som {slot_label}").click()
    page.wait_for_load_state()
    page.get_by_label("Passordet ditt").fill(DEMO_PASSWORD)
    page.get_by_label("Jeg har lest avtalen og signerer den på vegne av parten jeg representerer.").check()
    _submit(page, "Signer avtalen")
    assert page.get_by_text("Takk: signaturen din er registrert.").is_visible()


def test_staff_draft_and_send_everyone_signs_and_the_code_checks_out(journey, room_project):
    page = journey.page
    participant = room_project.participants.get()
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(participant.get_absolute_url())
    _submit(page, "Lag avtaleutkast")
    assert page.get_by_text("Et avtaleutkast er laget fra pakken.").is_visible()
    agreement = Agreement.objects.get()
    assert "Troms fylkesbibliotek og Tromsø samarbeider" in agreement.purpose
    journey.scan("agreement-draft")

    # The role matrix: a mistake is explained, then corrected; a new task is added from the keyboard.
    page.get_by_role("link", name="Rediger rollematrisen").click()
    page.wait_for_load_state()
    journey.scan("matrix-editor")
    page.get_by_label("Godkjenne romplanen: Troms fylkesbibliotek").select_option("A")
    _submit(page, "Lagre rollematrisen")
    assert page.get_by_text("«Godkjenne romplanen»: velg nøyaktig én part som Godkjenner; nå er det 2.").is_visible()
    journey.scan("matrix-error")
    page.get_by_label("Godkjenne romplanen: Troms fylkesbibliotek").select_option("C")
    new_task = page.get_by_label("Ny beslutning eller oppgave", exact=True)
    new_task.fill("Åpningsarrangement")
    new_task.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == page.get_by_label("Ny beslutning eller oppgave: Troms fylkesbibliotek").get_attribute("id")
    page.keyboard.press("Tab")
    page.get_by_label("Ny beslutning eller oppgave: Biblioteksjef").select_option("R")
    page.get_by_label("Ny beslutning eller oppgave: Kommunedirektør / rådmann").select_option("A")
    _submit(page, "Lagre rollematrisen")
    assert page.get_by_text("Rollematrisen er lagret.").is_visible()
    agreement.refresh_from_db()
    assert agreement.role_matrix["rows"][-1] == {
        "task": "Åpningsarrangement",
        "cells": {"library_head": "R", "chief_executive": "A"},
    }

    page.get_by_role("link", name="Send til signering").click()
    page.wait_for_load_state()
    assert page.get_by_text("har 3 signatarer").is_visible()
    journey.scan("agreement-send-confirm")
    _submit(page, "Send til 3 signatarer")
    assert page.get_by_text("Avtalen ble sendt til signering til 3 av 3 signatarer", exact=False).is_visible()
    journey.scan("agreement-sent")
    agreement_url = agreement.get_absolute_url()

    # The library head finds it among what awaits her signature.
    journey.logout()
    journey.login("biblioteksjef.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto("/avtaler/")
    journey.scan("agreement-list")
    page.get_by_role("link", name=agreement.title).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Signer som biblioteksjef").click()
    page.wait_for_load_state()
    journey.scan("sign-form")
    page.get_by_label("Passordet ditt").fill("feil-passord")
    page.get_by_label("Jeg har lest avtalen og signerer den på vegne av parten jeg representerer.").check()
    _submit(page, "Signer avtalen")
    assert page.get_by_text("Passordet er ikke riktig.").is_visible()
    page.get_by_label("Passordet ditt").fill(DEMO_PASSWORD)
    page.get_by_label("Jeg har lest avtalen og signerer den på vegne av parten jeg representerer.").check()
    _submit(page, "Signer avtalen")
    assert page.get_by_text("Takk: signaturen din er registrert.").is_visible()

    _sign_as(journey, "radmann.tromso@demo.fremdrift.no", "Kommunedirektør / rådmann", agreement_url)
    _sign_as(journey, "fylke@demo.fremdrift.no", "Fylkesbiblioteket", agreement_url)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SEALED
    code = agreement.seal.verification_code
    assert page.get_by_text(code, exact=True).is_visible()
    journey.scan("agreement-sealed")

    # The chief executive downloads the signed PDF and checks its code.
    journey.logout()
    journey.login("radmann.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(agreement_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned den signerte avtalen (PDF)").click()
    pdf = open(download.value.path(), "rb").read()
    assert sha256_hex(pdf) == agreement.seal.pdf_sha256
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    printed = re.search(r"Kontrollkode ([0-9A-F]{4}(?:-[0-9A-F]{4}){4})", text).group(1)
    assert printed == code
    assert "Ingrid Johansen" in text and "Per Mathisen" in text and "Fredrik Rådgiver" in text

    journey.logout()
    journey.goto("/avtaler/kontroll/")
    page.get_by_label("Kontrollkode").fill(printed)
    _submit(page, "Kontroller")
    assert page.get_by_text("det finnes en forseglet avtale med denne koden").is_visible()
    journey.scan("verify-found")


def _received(smtp_server, address, since=0):
    return [m["message"] for m in smtp_server.messages[since:] if address in m["to"]]


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_contact_without_an_account_signs_from_the_e_mail_link_with_the_code(
    journey, room_project, settings, smtp_server
):
    """Issue 18: the mayor of Tromsø has no login; the request and the one-time code come by e-mail
    (read from the loopback SMTP server), and she signs with no account."""
    from agreements.services import drafts
    from municipalities.models import Contact, Position

    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    page = journey.page
    participant = room_project.participants.get()
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    agreement = drafts.create_agreement(participant=participant, by=staff)
    mayor = Contact.objects.create(
        county=room_project.county,
        municipality=participant.municipality,
        name="Ola Uten Konto",
        email="ola.utenkonto@tromso.example.no",
        position=Position.objects.get(county=room_project.county, code=Position.Code.MAYOR),
    )
    Agreement.objects.filter(pk=agreement.pk).update(requires_mayor=True, mayor_contact=mayor)

    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(f"/avtaler/{agreement.pk}/send/")
    assert page.get_by_text("Personlig lenke på e-post til ola.utenkonto@tromso.example.no").is_visible()
    _submit(page, "Send til 4 signatarer")
    assert page.get_by_text("1 med personlig lenke på e-post", exact=False).is_visible()
    journey.logout()

    (request,) = _received(smtp_server, mayor.email)
    link = re.search(r"https?://[^/\s]+(/avtaler/lenke/[^/\s]+/)", _body(request)).group(1)
    seen = len(smtp_server.messages)
    journey.goto(link)
    journey.scan("link-code-ask")
    _submit(page, "Send meg koden")
    (code_mail,) = _received(smtp_server, mayor.email, since=seen)
    code = re.search(r"\b(\d{6})\b", _body(code_mail)).group(1)
    page.get_by_label(f"Skriv inn koden vi sendte til {mayor.email}").fill(code)
    journey.scan("link-code-enter")
    _submit(page, "Bekreft")
    assert page.get_by_role("heading", name=agreement.title, exact=True).is_visible()
    journey.scan("link-sign")
    page.get_by_label("Jeg har lest avtalen og signerer den på vegne av parten jeg representerer.").check()
    _submit(page, "Signer avtalen")
    assert page.get_by_role("heading", name="Signaturen din er registrert").is_visible()
    journey.scan("link-signed")
    signature = agreement.signatures.get(slot="mayor")
    assert signature.method == "email_code" and signature.signer_email == mayor.email
    assert not User.objects.filter(email=mayor.email).exists()
