"""Signing without an account: the personal link and the one-time code, read out of the e-mails as the
contact gets them; the confirmation before sending; the signing deadline; inviting instead."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, Signature
from agreements.services import sending
from municipalities.forms import CountySettingsForm
from municipalities.models import Position
from notifications import links
from notifications.models import PersonalLink
from tests.agreements.conftest import Slot, sign
from tests.factories import ContactFactory, position

pytestmark = pytest.mark.django_db

CHIEF_EMAIL = "per.radmann@tromso.example.no"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def chief_contact(county, municipality):
    """The chief executive is a contact with an e-mail address and no login."""
    return ContactFactory(
        municipality=municipality,
        name="Per Uten Konto",
        email=CHIEF_EMAIL,
        user=None,
        position=position(county, Position.Code.CHIEF_EXECUTIVE),
    )


@pytest.fixture
def contact_draft(draft, chief_contact):
    draft.chief_executive_contact = chief_contact
    draft.save()
    return draft


@pytest.fixture
def sent_by_link(contact_draft, county_staff, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return sending.send_for_signature(agreement=contact_draft, by=county_staff)


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def link_path_from_mail(address=CHIEF_EMAIL) -> str:
    (message,) = [m for m in mails_to(address) if "/avtaler/lenke/" in m.body]
    return re.search(r"https?://[^/\s]+(/avtaler/lenke/[^/\s]+/)", message.body).group(1)


def code_from_mail(address=CHIEF_EMAIL) -> str:
    message = [m for m in mails_to(address) if m.subject.startswith("Koden din for Fremdrift")][-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def ask_code(client, path, capture):
    with capture(execute=True):
        response = client.post(path, {"action": "send"})
    assert response.status_code == 302 and response.url == path
    return code_from_mail()


def verify(client, path, capture):
    code = ask_code(client, path, capture)
    response = client.post(path, {"action": "code", "code": code})
    assert response.status_code == 302, response.content.decode()


def sign_form(agreement):
    return {"content_sha256": agreement.content_sha256, "confirm": "on"}


def test_a_contact_signs_from_the_link_with_the_code_from_the_second_mail(
    client, sent_by_link, county_staff, library_head, stub_pdf, django_capture_on_commit_callbacks
):
    agreement = sent_by_link
    (request_mail,) = mails_to(CHIEF_EMAIL)
    assert request_mail.subject == f"Venter på din signatur: {agreement.title}"
    assert "Du trenger ingen brukerkonto" in request_mail.body
    assert f"Signeringsfrist: {agreement.signing_deadline:%-d}." in request_mail.body
    assert not User.objects.filter(email__iexact=CHIEF_EMAIL).exists()  # no User row for the contact
    path = link_path_from_mail()

    page = client.get(path).content.decode()
    assert "Bekreft e-postadressen din" in page and "Send meg koden" in page
    assert "Formål" not in page  # nothing of the agreement before the code
    code = ask_code(client, path, django_capture_on_commit_callbacks)
    (code_mail,) = [m for m in mails_to(CHIEF_EMAIL) if m is not request_mail]
    assert code_mail.subject == f"Koden din for Fremdrift: {code}"
    page = client.get(path).content.decode()
    assert f"Skriv inn koden vi sendte til {CHIEF_EMAIL}" in page

    assert client.post(path, {"action": "code", "code": code}).status_code == 302
    page = client.get(path).content.decode()
    assert agreement.title in page and "Troms fylkesbibliotek og Tromsø samarbeider" in page
    assert "e-post bekreftet med engangskode" in page and agreement.content_sha256 in page
    pdf = client.get(reverse("agreements:link-pdf", kwargs={"token": path.split("/")[-2]}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # The code opened this link only: every other page answers as for anyone anonymous.
    detail = client.get(agreement.get_absolute_url())
    assert detail.status_code == 302 and detail.url.startswith(reverse("account_login"))

    response = client.post(path, sign_form(agreement))
    assert response.status_code == 200 and "Signaturen din er registrert" in response.content.decode()
    signature = Signature.objects.get(slot=Slot.CHIEF_EXECUTIVE)
    assert signature.method == "email_code" and signature.signed_by is None and signature.recorded_by is None
    assert signature.signer_email == CHIEF_EMAIL and signature.ip_address == "127.0.0.1"
    assert signature.method_label == "Enkel elektronisk signatur, e-post bekreftet med engangskode"
    assert PersonalLink.objects.get().state == PersonalLink.State.USED

    again = client.get(path)
    assert again.status_code == 410 and "Lenken er allerede brukt" in again.content.decode()
    assert Signature.objects.count() == 1

    # The others sign logged in; the seal's snapshot records the e-mail, the time and the address.
    with django_capture_on_commit_callbacks(execute=True):
        sign(agreement, Slot.COUNTY, county_staff)
        sign(agreement, Slot.LIBRARY_HEAD, library_head)
    agreement.refresh_from_db()
    assert agreement.is_sealed
    sealed_mail = mails_to(CHIEF_EMAIL)[-1]
    assert agreement.seal.verification_code in sealed_mail.body and "/avtaler/kontroll/" in sealed_mail.body
    assert reverse("agreements:agreement-pdf", kwargs={"pk": agreement.pk}) not in sealed_mail.body
    record = {s["slot"]: s for s in json.loads(agreement.seal.snapshot)["signatures"]}
    chief = record["chief_executive"]
    assert chief["method"] == "email_code" and chief["email"] == CHIEF_EMAIL and chief["ip_address"] == "127.0.0.1"
    assert chief["signed_at"] and "engangskode" in chief["method_description"]
    assert record["county"]["method"] == "password" and "passordet" in record["county"]["method_description"]
    call_command("verify_agreements")


def test_an_expired_link_says_so(client, sent_by_link):
    path = link_path_from_mail()
    PersonalLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 410 and "Lenken er utløpt" in response.content.decode()
    assert client.post(path, {"action": "send"}).status_code == 410
    assert PersonalLink.objects.get().state == PersonalLink.State.EXPIRED


def test_the_link_expires_with_the_signing_deadline(sent_by_link):
    link = PersonalLink.objects.get()
    assert timezone.localtime(link.expires_at).date() == sent_by_link.signing_deadline + timedelta(days=1)
    assert sent_by_link.signing_deadline == timezone.localdate() + timedelta(days=30)


def test_staff_revoke_the_link_from_the_agreement_page(client, sent_by_link, county_staff):
    path = link_path_from_mail()
    link = PersonalLink.objects.get()
    client.force_login(county_staff)
    page = client.get(sent_by_link.get_absolute_url()).content.decode()
    revoke = reverse("agreements:link-revoke", kwargs={"pk": sent_by_link.pk, "link_pk": link.pk})
    assert f'action="{revoke}"' in page and CHIEF_EMAIL in page and "Signeringsfrist" in page
    assert client.post(revoke).status_code == 302
    client.logout()
    response = client.get(path)
    assert response.status_code == 410 and "Lenken er trukket tilbake" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_revoked_link_cannot_sign_in_a_session_that_had_the_code(
    client, sent_by_link, county_staff, django_capture_on_commit_callbacks
):
    path = link_path_from_mail()
    verify(client, path, django_capture_on_commit_callbacks)
    sending.revoke_signing_link(agreement=sent_by_link, link=PersonalLink.objects.get(), by=county_staff)
    response = client.post(path, sign_form(sent_by_link))
    assert response.status_code == 410 and "Lenken er trukket tilbake" in response.content.decode()
    assert not Signature.objects.exists()


def test_five_wrong_codes_lock_the_code(client, sent_by_link, django_capture_on_commit_callbacks):
    path = link_path_from_mail()
    code = ask_code(client, path, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        response = client.post(path, {"action": "code", "code": wrong})
        assert response.status_code == 400
    page = response.content.decode()
    assert "For mange forsøk" in page
    response = client.post(path, {"action": "code", "code": code})
    assert response.status_code == 400 and "For mange forsøk" in response.content.decode()
    assert "Formål" not in client.get(path).content.decode()
    assert client.post(path, sign_form(sent_by_link)).status_code == 200  # the code page again
    assert not Signature.objects.exists()


def test_a_wrong_code_says_how_many_tries_are_left(client, sent_by_link, django_capture_on_commit_callbacks):
    path = link_path_from_mail()
    code = ask_code(client, path, django_capture_on_commit_callbacks)
    response = client.post(path, {"action": "code", "code": "999999" if code != "999999" else "888888"})
    assert response.status_code == 400 and "Koden er ikke riktig. 4 forsøk igjen." in response.content.decode()


def test_the_code_expires_after_ten_minutes(client, sent_by_link, django_capture_on_commit_callbacks):
    path = link_path_from_mail()
    code = ask_code(client, path, django_capture_on_commit_callbacks)
    PersonalLink.objects.update(code_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(path, {"action": "code", "code": code})
    assert response.status_code == 400 and "Koden er utløpt" in response.content.decode()


def test_asking_for_codes_is_rate_limited(client, sent_by_link, django_capture_on_commit_callbacks):
    path = link_path_from_mail()
    for _ in range(5):
        assert client.post(path, {"action": "send"}).status_code == 302
    response = client.post(path, {"action": "send"})
    assert response.status_code == 429 and "For mange forsøk" in response.content.decode()


def test_another_persons_link_asks_for_their_code(
    client, contact_draft, county, municipality, county_staff, django_capture_on_commit_callbacks
):
    mayor = ContactFactory(
        municipality=municipality,
        name="Ola Ordfører",
        email="ola@tromso.example.no",
        user=None,
        position=position(county, Position.Code.MAYOR),
    )
    contact_draft.requires_mayor, contact_draft.mayor_contact = True, mayor
    contact_draft.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agreement = sending.send_for_signature(agreement=contact_draft, by=county_staff)
    chief_path = link_path_from_mail()
    mayor_path = link_path_from_mail("ola@tromso.example.no")
    verify(client, chief_path, django_capture_on_commit_callbacks)
    page = client.get(mayor_path).content.decode()
    assert "Skriv inn koden" not in page and "Send meg koden" in page and "ola@tromso.example.no" in page
    response = client.post(mayor_path, sign_form(agreement))
    assert response.status_code == 200 and "Bekreft e-postadressen din" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_link_for_a_withdrawn_agreement(client, sent_by_link, county_staff, django_capture_on_commit_callbacks):
    path = link_path_from_mail()
    verify(client, path, django_capture_on_commit_callbacks)
    sending.withdraw_agreement(agreement=sent_by_link, by=county_staff, reason="Feil i budsjettet")
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 410 and "Avtalen ble trukket tilbake for endringer" in page
    assert client.post(path, sign_form(sent_by_link)).status_code == 410
    assert not Signature.objects.valid().exists()


def test_a_token_that_is_not_ours_or_of_another_purpose(client, sent_by_link):
    response = client.get(reverse("agreements:link", kwargs={"token": "abc:def"}))
    assert response.status_code == 404 and "Lenken er ugyldig" in response.content.decode()
    link = PersonalLink.objects.get()
    link.purpose = PersonalLink.Purpose.EVALUATION_RESPONSE
    token = links.token_for(link)  # the same row id, signed for answering an evaluation
    response = client.get(reverse("agreements:link", kwargs={"token": token}))
    assert response.status_code == 404 and "Lenken er ugyldig" in response.content.decode()


# -------------------------------------------------------------- before and after sending


def test_sending_asks_first_and_shows_who_is_reached_how(
    client, county_staff, contact_draft, django_capture_on_commit_callbacks
):
    client.force_login(county_staff)
    send = reverse("agreements:agreement-send", kwargs={"pk": contact_draft.pk})
    page = client.get(send).content.decode()
    assert "har 3 signatarer" in page
    assert "Innlogging (e-post til head@example.no)" in page
    assert f"Personlig lenke på e-post til {CHIEF_EMAIL} (trenger ingen konto)" in page
    assert "Send til 3 signatarer" in page
    assert client.post(send).status_code == 302 and Agreement.objects.get().status == "draft"  # not confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, {"confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "Avtalen ble sendt til signering til 3 av 3 signatarer (2 med innlogging, 1 med personlig lenke" in page
    assert Agreement.objects.get().status == "sent"


def test_sending_is_refused_for_a_signatory_without_an_e_mail_address(client, county_staff, contact_draft):
    contact = contact_draft.chief_executive_contact
    contact.email = ""
    contact.save()
    client.force_login(county_staff)
    send = reverse("agreements:agreement-send", kwargs={"pk": contact_draft.pk})
    page = client.get(send).content.decode()
    assert "Ingen e-postadresse" in page and "Avtalen kan ikke sendes ennå" in page
    assert "Per Uten Konto (kommunedirektør / rådmann) har ingen e-postadresse" in page
    assert "Legg til en e-postadresse" in page and 'name="confirm"' not in page
    client.post(send, {"confirm": "yes"})
    assert Agreement.objects.get().status == "draft" and not PersonalLink.objects.exists()


def test_the_signing_deadline_comes_from_the_county(county, contact_draft, county_staff):
    county.agreement_signing_days = 14
    county.save()
    agreement = sending.send_for_signature(agreement=contact_draft, by=county_staff)
    assert agreement.signing_deadline == timezone.localdate() + timedelta(days=14)


def test_the_county_settings_refuse_a_reminder_after_the_deadline(county):
    data = {field: getattr(county, field) for field in CountySettingsForm.Meta.fields if field != "letterhead"}
    form = CountySettingsForm({**data, "agreement_reminder_days": 30, "agreement_signing_days": 20}, instance=county)
    assert not form.is_valid() and "agreement_reminder_days" in form.errors
    form = CountySettingsForm({**data, "agreement_signing_days": 0}, instance=county)
    assert not form.is_valid() and "agreement_signing_days" in form.errors


def test_staff_invite_the_contact_as_a_user_instead(
    client, county_staff, sent_by_link, municipality, django_capture_on_commit_callbacks
):
    client.force_login(county_staff)
    invite = reverse("agreements:signatory-invite", kwargs={"pk": sent_by_link.pk, "slot": "chief_executive"})
    page = client.get(sent_by_link.get_absolute_url()).content.decode()
    assert f'action="{invite}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(invite).status_code == 302
    user = User.objects.get(email=CHIEF_EMAIL)
    assert user.memberships.get().municipality == municipality
    sent_by_link.chief_executive_contact.refresh_from_db()
    assert sent_by_link.chief_executive_contact.user == user
    assert PersonalLink.objects.get().state == PersonalLink.State.REVOKED
    invitation = [m for m in mails_to(CHIEF_EMAIL) if "/avtaler/lenke/" not in m.body][-1]
    assert "invit" in (invitation.subject + invitation.body).lower()
