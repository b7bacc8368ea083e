"""Kit letters that are drafted, edited and sent: the placeholders filled per participant (template code
left as written), the PDF on the county's letterhead as each municipality received it over SMTP, the
Word copy read back, the letters listed on the participant page, and nobody outside the county's staff
reaching any of it."""

import html
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from municipalities.models import Position
from planning.kits import create_project_from_kit
from planning.letters import LetterError, draft_letters, send_letter
from planning.models import KitDocument, Letter
from planning.selectors import kit_of
from planning.standard_kits import install_standard_kits
from tests.conftest import make_active, skip_or_fail
from tests.documents.conftest import normalise, weasyprint  # noqa: F401 (fixture)
from tests.factories import ContactFactory, position

pytestmark = [pytest.mark.django_db]

SAMI = "Gáivuotna – Kåfjord – Kaivuono"


@pytest.fixture
def kit_project(county, county_staff, municipality, other_municipality):
    kit = install_standard_kits(county)[0]
    project = create_project_from_kit(
        kit=kit,
        county=county,
        by=county_staff,
        title="Nye bibliotekrom",
        start_on=date(2026, 1, 5),
        municipalities=[municipality, other_municipality],
    )
    return make_active(project)


@pytest.fixture
def heads(county, municipality, other_municipality):
    head = position(county, Position.Code.LIBRARY_HEAD)
    return {
        municipality.number: ContactFactory(
            municipality=municipality, name="Ingrid Sjef", email="ingrid@tromso.example.no", position=head
        ),
        other_municipality.number: ContactFactory(
            municipality=other_municipality, name="Ánde Sjef", email="ande@kafjord.example.no", position=head
        ),
    }


def _participants(project):
    return {p.municipality.number: p for p in project.participants.select_related("municipality")}


def _list_url(project):
    return reverse("planning:letter-list", kwargs={"pk": project.pk})


def _url(name, letter):
    return reverse(f"planning:{name}", kwargs={"pk": letter.participant.project_id, "letter_pk": letter.pk})


def _smtp(settings, smtp_server):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def _pdf_text(pdf: bytes) -> str:
    return normalise(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_drafting_fills_the_placeholders_for_each_participant_and_leaves_template_code(
    client, county_staff, kit_project, heads
):
    document = kit_of(kit_project).documents.get(kind=KitDocument.Kind.LETTER, title="Invitasjon til kommunen")
    document.body += "\n{% include 'base.html' %} {{ settings.SECRET_KEY }} {{ municipality }}\n"
    document.save()
    client.force_login(county_staff)
    page = client.get(_list_url(kit_project)).content.decode()
    assert "Invitasjon til kommunen" in page and "Påminnelse om forpliktelsene" in page
    participants = _participants(kit_project)
    response = client.post(
        _list_url(kit_project),
        {"template": "Invitasjon til kommunen", "participants": [p.pk for p in participants.values()]},
    )
    assert response.status_code == 302
    letters = {letter.participant.municipality.number: letter for letter in Letter.objects.all()}
    assert set(letters) == {"5501", "5540"}
    tromso, kafjord = letters["5501"], letters["5540"]
    assert tromso.subject == "Invitasjon til kommunen: Nye bibliotekrom"
    assert tromso.body.startswith("Til Tromsø v/ biblioteksjef Ingrid Sjef")
    assert "Troms fylkesbibliotek inviterer Gáivuotna - Kåfjord - Kaivuono til å delta" in kafjord.body
    assert "{% include 'base.html' %} {{ settings.SECRET_KEY }} Gáivuotna - Kåfjord - Kaivuono" in kafjord.body
    assert "Tromsø" not in kafjord.body


def test_staff_edit_and_send_an_invitation_to_two_municipalities(
    client, county_staff, kit_project, heads, settings, smtp_server, django_capture_on_commit_callbacks, weasyprint
):
    _smtp(settings, smtp_server)
    client.force_login(county_staff)
    participants = _participants(kit_project)
    client.post(
        _list_url(kit_project),
        {"template": "Invitasjon til kommunen", "participants": [p.pk for p in participants.values()]},
    )
    letters = {letter.participant.municipality.number: letter for letter in Letter.objects.all()}
    edited = letters["5540"].body.replace("Vi ber om svar", f"Hilsen til {SAMI}. Vi ber om svar")
    response = client.post(_url("letter-detail", letters["5540"]), {"subject": letters["5540"].subject, "body": edited})
    assert response.status_code == 302
    for number, letter in letters.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url("letter-send", letter), {"delivery": "email", "contacts": [heads[number].pk]})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == participants[number].get_absolute_url()

    received = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert set(received) == {"ingrid@tromso.example.no", "ande@kafjord.example.no"}
    for address, municipality, other in (
        ("ingrid@tromso.example.no", "Tromsø", "Gáivuotna"),
        ("ande@kafjord.example.no", "Gáivuotna - Kåfjord - Kaivuono", "Tromsø"),
    ):
        message = received[address]
        assert str(message["Subject"]) == "Invitasjon til kommunen: Nye bibliotekrom"
        assert message["Reply-To"] == county_staff.email
        attachments = list(message.iter_attachments())
        assert [a.get_content_type() for a in attachments] == ["application/pdf"]
        text = _pdf_text(attachments[0].get_content())
        assert f"Til {municipality} v/ biblioteksjef" in text
        assert "Troms fylkesbibliotek" in text and "Med vennlig hilsen" in text and county_staff.name in text
        assert other not in text
    assert SAMI in _pdf_text(list(received["ande@kafjord.example.no"].iter_attachments())[0].get_content())

    for number, participant in participants.items():
        page = client.get(participant.get_absolute_url()).content.decode()
        assert "Invitasjon til kommunen: Nye bibliotekrom" in page
        assert county_staff.name in page
        assert heads[number].email in page
    sent = Letter.objects.get(pk=letters["5540"].pk)
    assert sent.is_sent and sent.sent_by == county_staff and sent.recipients[0]["name"] == "Ánde Sjef"
    # The PDF as sent is what a download gives, and the text can no longer be changed.
    assert client.get(_url("letter-pdf", sent)).content == bytes(sent.pdf)
    client.post(_url("letter-detail", sent), {"subject": "Endret", "body": "Endret"})
    sent.refresh_from_db()
    assert sent.subject == "Invitasjon til kommunen: Nye bibliotekrom"


def test_the_word_copy_reads_back_with_the_heading_the_text_and_the_letterhead_text(
    client, county_staff, kit_project, heads
):
    participant = _participants(kit_project)["5540"]
    (letter,) = draft_letters(
        project=kit_project, template="Invitasjon til kommunen", participants=[participant], by=county_staff
    )
    letter.body += f"\n\n- {SAMI}\n- **viktig**\n\n{{% debug %}}"
    letter.save()
    client.force_login(county_staff)
    response = client.get(_url("letter-docx", letter))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="brev-5540-{letter.pk}.docx"')
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Invitasjon til kommunen: Nye bibliotekrom"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Til Gáivuotna - Kåfjord - Kaivuono v/ biblioteksjef Ánde Sjef" in text
    assert [p.text for p in document.paragraphs if p.style.name == "List Bullet"][-2:] == [SAMI, "viktig"]
    assert "{% debug %}" in text  # as the staff wrote it, not run
    assert "Med vennlig hilsen" in text and county_staff.name in text
    assert "Tromsø" not in text
    assert "Troms fylkesbibliotek" in document.sections[0].header.paragraphs[0].text
    assert "Nye bibliotekrom" in document.sections[0].footer.paragraphs[0].text


def test_a_letter_sent_by_own_mail_is_kept_without_e_mail(county_staff, kit_project, weasyprint, mailoutbox):
    participant = _participants(kit_project)["5501"]
    (letter,) = draft_letters(
        project=kit_project, template="Takk etter avsluttet prosjekt", participants=[participant], by=county_staff
    )
    letter = send_letter(letter=letter, by=county_staff, delivery=Letter.Delivery.OWN_MAIL)
    assert letter.is_sent and letter.recipients == [] and bytes(letter.pdf).startswith(b"%PDF")
    assert "Prosjektet «Nye bibliotekrom» er avsluttet" in _pdf_text(bytes(letter.pdf))
    assert mailoutbox == []
    with pytest.raises(LetterError):
        send_letter(letter=letter, by=county_staff, delivery=Letter.Delivery.OWN_MAIL)


def test_a_letter_is_e_mailed_only_to_the_municipality_s_own_contacts(county_staff, kit_project, heads):
    participant = _participants(kit_project)["5501"]
    (letter,) = draft_letters(
        project=kit_project, template="Invitasjon til kommunen", participants=[participant], by=county_staff
    )
    with pytest.raises(LetterError):
        send_letter(letter=letter, by=county_staff, delivery=Letter.Delivery.EMAIL, contacts=[heads["5540"]])
    with pytest.raises(LetterError):
        send_letter(letter=letter, by=county_staff, delivery=Letter.Delivery.EMAIL, contacts=[])


@pytest.mark.parametrize("who", ["other_library_head", "library_head", "leadership", "expert", "outsider"])
def test_letters_are_the_county_staff_s_only(request, client, who, county_staff, kit_project):
    participant = _participants(kit_project)["5501"]
    (letter,) = draft_letters(
        project=kit_project, template="Invitasjon til kommunen", participants=[participant], by=county_staff
    )
    client.force_login(request.getfixturevalue(who))
    for name in ("letter-detail", "letter-send", "letter-pdf", "letter-docx"):
        assert client.get(_url(name, letter)).status_code == 404, name
    assert client.post(_url("letter-send", letter), {"delivery": "own_mail"}).status_code == 404
    assert client.get(_list_url(kit_project)).status_code == 404
    letter.refresh_from_db()
    assert not letter.is_sent


def test_the_page_number_stays_on_one_line_beside_a_long_footer(county, county_staff, kit_project, weasyprint):
    """The letter's footer (county, sender address, project title) can fill the line; "Side 1 av 1" beside it
    was seen wrapped onto two lines. Read back from the PDF word by word with its position."""
    if shutil.which("pdftotext") is None:
        skip_or_fail("poppler's pdftotext is needed to read word positions")
    county.sender_email = "postmottak.fylkesbiblioteket@tromsfylke.example.no"
    county.save(update_fields=["sender_email"])
    kit_project.title = "Nye bibliotekrom og møteplasser for alle innbyggere i kommunene som deltar i prosjektet"
    kit_project.save(update_fields=["title"])
    (letter,) = draft_letters(
        project=kit_project,
        template="Takk etter avsluttet prosjekt",
        participants=[_participants(kit_project)["5501"]],
        by=county_staff,
    )
    letter = send_letter(letter=letter, by=county_staff, delivery=Letter.Delivery.OWN_MAIL)
    bbox = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=bytes(letter.pdf), capture_output=True, check=True)
    words = [
        (html.unescape(match["word"]), float(match["y"]))
        for match in re.finditer(
            r'<word xMin="[\d.]+" yMin="(?P<y>[\d.]+)"[^>]*>(?P<word>[^<]*)</word>', bbox.stdout.decode()
        )
    ]
    start = max(i for i, (word, _y) in enumerate(words) if word == "Side")
    counter = words[start : start + 4]
    assert [word for word, _y in counter] == ["Side", "1", "av", "1"]
    assert len({y for _word, y in counter}) == 1, f"the page number wraps: {counter}"
