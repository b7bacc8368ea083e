"""Journey of issue 22: county staff draft the kit's invitation letter for Tromsø and Harstad, edit
Harstad's, and send each to the library head by e-mail; the loopback SMTP server receives two messages,
each with the letter as a PDF, and each participant page lists its letter, dated, with who sent it."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from accounts.models import User
from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from municipalities.models import Municipality
from planning.kits import create_project_from_kit
from planning.standard_kits import install_standard_kits
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECT = "Invitasjon til kommunen: Bibliotekrom 2027"


@pytest.fixture
def two_municipalities(transactional_db):
    county = seed_places()
    seed_logins(county)
    project = create_project_from_kit(
        kit=install_standard_kits(county)[0],
        county=county,
        by=User.objects.get(email="fylke@demo.fremdrift.no"),
        title="Bibliotekrom 2027",
        start_on=date(2027, 1, 4),
        municipalities=list(Municipality.objects.filter(number__in=["5501", "5503"])),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    return project


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_staff_draft_edit_and_send_an_invitation_to_two_municipalities(
    journey, two_municipalities, settings, smtp_server
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    project = two_municipalities
    page = journey.page
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())
    journey.goto(f"/prosjekter/{project.pk}/brev/")
    page.get_by_label("Brevmal").select_option("Invitasjon til kommunen")
    page.get_by_label("Tromsø").check()
    page.get_by_label("Harstad").check()
    _submit(page, "Lag utkast til brevene")
    assert page.get_by_text("2 brevutkast er laget.").is_visible()
    journey.scan("letters")

    page.get_by_role("row").filter(has_text="Harstad").get_by_role("link", name=SUBJECT).click()
    page.wait_for_load_state()
    text = page.get_by_label("Tekst")
    assert "Til Harstad v/ biblioteksjef Marit Hansen" in text.input_value()
    text.fill(text.input_value().replace("Vi ber om svar", "Vi gleder oss til samarbeidet. Vi ber om svar"))
    _submit(page, "Lagre brevet")
    assert page.get_by_text("Brevet er lagret.").is_visible()
    journey.scan("letter draft")
    page.get_by_role("link", name="Send brevet …").click()
    page.wait_for_load_state()
    assert "Vi gleder oss til samarbeidet." in page.get_by_role("region", name=SUBJECT).inner_text()
    journey.scan("send the letter")
    page.get_by_label(re.compile("biblioteksjef.harstad@demo.fremdrift.no")).check()
    _submit(page, "Send brevet")
    assert page.get_by_text("Brevet er sendt.").is_visible()
    assert page.get_by_role("heading", name="Harstad", exact=True).is_visible()

    journey.goto(f"/prosjekter/{project.pk}/brev/")
    page.get_by_role("row").filter(has_text="Tromsø").get_by_role("link", name=SUBJECT).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Send brevet …").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile("biblioteksjef.tromso@demo.fremdrift.no")).check()
    _submit(page, "Send brevet")
    assert page.get_by_text("Brevet er sendt.").is_visible()

    received = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert set(received) == {"biblioteksjef.harstad@demo.fremdrift.no", "biblioteksjef.tromso@demo.fremdrift.no"}
    texts = {}
    for address, message in received.items():
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        texts[address] = _pdf_text(attachment.get_content())
    assert "Til Harstad v/ biblioteksjef Marit Hansen" in texts["biblioteksjef.harstad@demo.fremdrift.no"]
    assert "Vi gleder oss til samarbeidet." in texts["biblioteksjef.harstad@demo.fremdrift.no"]
    assert "Til Tromsø v/ biblioteksjef Ingrid Johansen" in texts["biblioteksjef.tromso@demo.fremdrift.no"]
    assert "Vi gleder oss" not in texts["biblioteksjef.tromso@demo.fremdrift.no"]

    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    for participant in project.participants.select_related("municipality"):
        journey.goto(participant.get_absolute_url())
        letters = page.get_by_role("region", name="Brev")
        row = letters.get_by_role("row").filter(has_text=SUBJECT)
        assert row.count() == 1
        assert str(staff) in row.inner_text() and "biblioteksjef." in row.inner_text()
    journey.scan("participant page with the letter")
