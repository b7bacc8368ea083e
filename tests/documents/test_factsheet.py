"""The municipality fact sheet: read back with pypdf (and pdftotext), and its download view."""

import io
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader

import documents.pdf
from documents.pdf import DocumentError
from municipalities.factsheet import factsheet_filename, render_factsheet
from municipalities.models import Position
from tests.documents.conftest import normalise, pdf_all_bytes, pdf_catalog, pdf_text
from tests.factories import ContactFactory, LibraryFactory, position

pytestmark = pytest.mark.django_db

SAMI_NAME = "Ánte Ŋuvttat Čáhppes Đoktor Šiŧŧa Žárgu"


@pytest.fixture
def sami_municipality(other_municipality):
    """Gáivuotna - Kåfjord - Kaivuono with a library and enough contacts for two pages or more."""
    county = other_municipality.county
    LibraryFactory(municipality=other_municipality, name="Olmmáivákki girjerájus", address="Olmmáivákki 1")
    ContactFactory(municipality=other_municipality, name="Ola Ordfører", position=position(county, Position.Code.MAYOR))
    ContactFactory(municipality=other_municipality, name=SAMI_NAME, title="Girjerádjohoavda")
    for number in range(45):
        ContactFactory(municipality=other_municipality, name=f"Kontakt {number:02d}")
    return other_municipality


@pytest.fixture
def factsheet(weasyprint, sami_municipality):
    return render_factsheet(sami_municipality)


def test_factsheet_keeps_sami_letters(factsheet, sami_municipality):
    text = pdf_text(factsheet)
    assert "Gáivuotna - Kåfjord - Kaivuono" in text
    assert SAMI_NAME in text
    assert "Olmmáivákki girjerájus" in text and "Girjerádjohoavda" in text


def test_factsheet_pages_are_numbered(factsheet):
    total = len(PdfReader(io.BytesIO(factsheet)).pages)
    assert total >= 2
    text = pdf_text(factsheet).lower()
    assert f"side 1 av {total}" in text and f"side 2 av {total}" in text


def test_factsheet_is_tagged_with_language_and_title(factsheet, sami_municipality):
    catalog = pdf_catalog(factsheet)
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "nb"
    with translation.override("nb"):
        title = gettext("Fact sheet: %(municipality)s") % {"municipality": "Gáivuotna - Kåfjord - Kaivuono"}
    assert PdfReader(io.BytesIO(factsheet)).metadata.title == title


def test_factsheet_holds_the_facts_and_groups_contacts_by_position(factsheet, sami_municipality):
    text = pdf_text(factsheet)
    assert "5540" in text and "Troms" in text and "5 000" in text  # population grouped the Norwegian way
    head, mayor = (position(sami_municipality.county, code).name for code in ("library_head", "mayor"))
    library_people = [text.index(name) for name in (SAMI_NAME, "Kontakt 00", "Kontakt 44")]
    assert text.index(head) < min(library_people)
    assert max(library_people) < text.index(mayor) < text.index("Ola Ordfører")


def test_factsheet_text_survives_pdftotext(factsheet):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; pypdf has read the text above")
    result = subprocess.run(["pdftotext", "-", "-"], input=factsheet, capture_output=True, check=True)
    text = normalise(result.stdout.decode())
    assert "Gáivuotna - Kåfjord - Kaivuono" in text and SAMI_NAME in text
    assert "side 2 av" in text.lower()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 10), "#12375e").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def rendered_html(monkeypatch):
    """Records the HTML handed to the renderer."""
    seen = []
    real = documents.pdf.html_to_pdf

    def spy(html):
        seen.append(html)
        return real(html)

    monkeypatch.setattr(documents.pdf, "html_to_pdf", spy)
    return seen


def test_factsheet_letterhead_is_embedded_as_a_data_url(weasyprint, municipality, settings, tmp_path, rendered_html):
    settings.MEDIA_ROOT = tmp_path
    municipality.county.letterhead.save("troms.png", ContentFile(_png()))
    pdf = render_factsheet(municipality)
    (html,) = rendered_html
    assert 'src="data:image/png;base64,' in html
    assert "letterheads/" not in html and str(tmp_path) not in html
    reader = PdfReader(io.BytesIO(pdf))
    images = [
        obj
        for obj in reader.pages[0]["/Resources"].get("/XObject", {}).values()
        if obj.get_object()["/Subtype"] == "/Image"
    ]
    assert images, "the letterhead image is missing from the first page"


def test_factsheet_skips_a_letterhead_that_is_not_an_image(weasyprint, municipality, settings, tmp_path, rendered_html):
    settings.MEDIA_ROOT = tmp_path
    municipality.county.letterhead.save("passwd.png", ContentFile(b"root:x:0:0:root:/root:/bin/bash\n"))
    pdf = render_factsheet(municipality)
    assert "<img" not in rendered_html[0]
    assert b"root:x:0:0" not in pdf_all_bytes(pdf)


def test_factsheet_filename_is_ascii(municipality, other_municipality):
    assert factsheet_filename(municipality) == "faktaark-5501.pdf"
    assert factsheet_filename(other_municipality) == "faktaark-5540.pdf"


# ---------------------------------------------------------------------- the view


def _url(municipality) -> str:
    return reverse("municipalities:municipality-factsheet", kwargs={"number": municipality.number})


def test_factsheet_download_is_an_attached_pdf(weasyprint, client, county_staff, municipality):
    client.force_login(county_staff)
    response = client.get(_url(municipality))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="faktaark-5501.pdf"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert "Tromsø" in pdf_text(response.content)


def test_factsheet_download_for_the_municipalitys_library_head(weasyprint, client, library_head, municipality):
    client.force_login(library_head)
    assert client.get(_url(municipality)).status_code == 200


def test_another_municipalitys_library_head_gets_404(client, other_library_head, municipality):
    client.force_login(other_library_head)
    assert client.get(_url(municipality)).status_code == 404


def test_factsheet_refuses_post(client, county_staff, municipality):
    client.force_login(county_staff)
    assert client.post(_url(municipality)).status_code == 405


def test_a_document_error_sends_the_user_back_with_the_reason(client, county_staff, municipality, monkeypatch):
    def fail(municipality, lang):
        raise DocumentError("Making the document took too long, so it was stopped.")

    monkeypatch.setattr("municipalities.views.render_factsheet", fail)
    client.force_login(county_staff)
    response = client.get(_url(municipality), follow=True)
    assert response.redirect_chain == [(municipality.get_absolute_url(), 302)]
    assert "Making the document took too long" in response.content.decode()


def test_municipality_page_links_to_the_factsheet(client, library_head, municipality):
    client.force_login(library_head)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert f'href="{_url(municipality)}"' in html
