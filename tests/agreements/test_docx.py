"""The agreement as a Word copy, read back with python-docx: the same text as the PDF, headings as headings,
the sealed copy's footer naming the signed PDF and its verification code as the authoritative version."""

import io

import pytest
from django.urls import reverse
from docx import Document

from agreements.models import Seal
from agreements.services import drafts
from tests.agreements.test_pdf import sami_sealed  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db]


def _docx(client, agreement):
    response = client.get(reverse("agreements:agreement-docx", kwargs={"pk": agreement.pk}))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return response, Document(io.BytesIO(response.content))


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_a_draft_as_word_has_the_sections_as_headings_and_says_it_is_not_signed(client, county_staff, draft):
    drafts.update_agreement(
        agreement=draft, by=county_staff, purpose="Et **nytt** rom.\n\n- Kartlegging\n- Verksted\n\n{% debug %} {{ x }}"
    )
    client.force_login(county_staff)
    response, document = _docx(client, draft)
    assert response["Content-Disposition"].endswith('filename="utkast-avtale-5501-v1.docx"')
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == draft.title
    assert "1. Formål" in headings and "Signaturer" in headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[:2] == ["Kartlegging", "Verksted"]
    text = _text(document)
    assert "{% debug %} {{ x }}" in text  # user text stays text
    assert "Rollematrise: hvem gjør hva" in text
    footer = document.sections[0].footer.paragraphs[0].text
    assert "Ikke signert: en forhåndsvisning, ikke en gyldig avtale" in footer


@pytest.mark.usefixtures("weasyprint")
def test_the_sealed_copy_names_the_pdf_as_authoritative_on_every_page(client, county_staff, sami_sealed):  # noqa: F811
    seal = Seal.objects.get(agreement=sami_sealed)
    pdf_before = bytes(seal.pdf)
    client.force_login(county_staff)
    response, document = _docx(client, sami_sealed)
    assert response["Content-Disposition"].endswith('filename="avtale-5540-v1.docx"')
    text = _text(document)
    assert "Gáivuotna - Kåfjord - Kaivuono" in text
    for name in ("Fredrik Fylke", "Ánde Sjef", "Ánte Ŋuvttat Čáhppes"):
        assert name in text
    assert document.sections, "one section: its header and footer are on every page"
    for section in document.sections:
        footer = section.footer.paragraphs[0].text
        assert seal.verification_code in footer
        assert "Den gjeldende versjonen er den signerte PDF-en med kontrollkode" in footer
        assert "Gáivuotna - Kåfjord - Kaivuono" in section.header.paragraphs[0].text
    assert bytes(Seal.objects.get(agreement=sami_sealed).pdf) == pdf_before  # the sealed PDF is untouched


def test_another_municipality_gets_404_for_the_word_copy(client, other_library_head, draft):
    client.force_login(other_library_head)
    assert client.get(reverse("agreements:agreement-docx", kwargs={"pk": draft.pk})).status_code == 404
