"""render_pdf and html_to_pdf: A4, tagged PDF/A-2a, page numbers, fonts, time limit, failures."""

import base64
import io
import logging
import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader

from documents.pdf import DocumentError, _Renderer, html_to_pdf, image_data_url, render_pdf
from documents.templatetags.pdf import _css_string, page_number_content
from tests.documents.conftest import normalise, pdf_catalog, pdf_text

A4_POINTS = (595.28, 841.89)


def _page_of(number, total, lang="nb") -> str:
    with translation.override(lang):
        return gettext("Page %(number)s of %(total)s") % {"number": number, "total": total}


@pytest.fixture
def sample_pdf(weasyprint, test_templates):
    return render_pdf(
        "pdf_tests/sample.html",
        {"text": "Ánte Ŋuvttat Čáhppes Đoktor Šiŧŧa Žárgu", "markdown": "**Gáivuotna**", "rows": range(120)},
        title="Prøvedokument – Gáivuotna",
    )


def test_render_pdf_is_a_tagged_archival_pdf_with_title_and_language(sample_pdf):
    reader = PdfReader(io.BytesIO(sample_pdf))
    catalog = pdf_catalog(sample_pdf)
    assert reader.metadata.title == "Prøvedokument – Gáivuotna"
    assert catalog["/Lang"] == "nb"
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in catalog
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert "Prøvedokument – Gáivuotna" in xmp


def test_render_pdf_claims_pdf_a_2a_and_pdf_ua_1_in_one_xmp_packet(sample_pdf):
    catalog = pdf_catalog(sample_pdf)
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert xmp.count("<x:xmpmeta") == 1 and xmp.count("<rdf:RDF") == 1
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp
    # PDF/A allows pdfuaid only when the packet describes its schema (ISO 19005-2, 6.6.2.3.2).
    assert "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in xmp
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert "<pdfaProperty:name>part</pdfaProperty:name>" in xmp
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - a pypdf BooleanObject
    (intent,) = catalog["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent.get_object()


def test_render_pdf_embeds_every_font(sample_pdf):
    reader = PdfReader(io.BytesIO(sample_pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                descendant.get_object().get("/FontDescriptor") for descendant in font.get("/DescendantFonts", [])
            ]
            descriptors = [d.get_object() for d in descriptors if d is not None]
            assert descriptors and all(
                {"/FontFile", "/FontFile2", "/FontFile3"} & set(d.keys()) for d in descriptors
            ), font


def test_render_pdf_describes_links_by_their_text_not_their_target(weasyprint, test_templates):
    pdf = render_pdf("pdf_tests/links.html", {}, title="Lenker")
    reader = PdfReader(io.BytesIO(pdf))
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    links = {str(a["/Contents"]) for a in annotations if a["/Subtype"] == "/Link"}
    assert links == {"Gå til sammendraget", "Prosjektet på nett"}


def test_render_pdf_pages_are_a4_numbered_with_header_footer_and_repeated_table_heads(sample_pdf):
    reader = PdfReader(io.BytesIO(sample_pdf))
    total = len(reader.pages)
    assert total >= 2
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))
        text = normalise(page.extract_text())
        assert _page_of(number, total) in text
        assert "HEADER-SLOT" in text and "FOOTER-SLOT" in text
        assert "Column-Heading" in text, f"the table head is missing on page {number}"
    assert "Side 1 av" in pdf_text(sample_pdf)  # the catalogue's Norwegian, as used by page lists


def test_render_pdf_keeps_sami_letters_in_the_apps_own_font(sample_pdf):
    text = pdf_text(sample_pdf)
    assert "Ánte Ŋuvttat Čáhppes Đoktor Šiŧŧa Žárgu" in text
    assert "Gáivuotna" in text and "Ŧŋ" in text
    reader = PdfReader(io.BytesIO(sample_pdf))
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Fremdrift-Sans" in name for name in fonts), fonts


def test_render_pdf_fetches_only_its_stylesheet_and_fonts(weasyprint, test_templates, caplog):
    caplog.set_level(logging.DEBUG, logger="documents.pdf")
    render_pdf("pdf_tests/sample.html", {"text": "x"}, title="t")
    fetched = sorted(r.pdf_url for r in caplog.records if hasattr(r, "pdf_url"))
    assert [url.rsplit("/static/", 1)[1] for url in fetched] == [
        "css/pdf.css",
        "fonts/DejaVuSans-Bold.ttf",
        "fonts/DejaVuSans-Oblique.ttf",
        "fonts/DejaVuSans.ttf",
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_app_starts_without_importing_weasyprint(settings):
    """WeasyPrint (and so Pango) is loaded only by the renderer process."""
    code = (
        "import sys, django; django.setup(); "
        "import config.urls, documents.pdf, documents.charts, documents.fetcher, documents.renderer, "
        "municipalities.views; "
        "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_render_pdf_in_english_says_so(weasyprint, test_templates):
    pdf = render_pdf("pdf_tests/sample.html", {"text": "x"}, title="Sample", lang="en")
    assert pdf_catalog(pdf)["/Lang"] == "en"
    assert "Page 1 of 1" in pdf_text(pdf)


def test_a_slow_document_is_stopped_at_the_time_limit(weasyprint, settings, caplog):
    settings.PDF_RENDER_TIMEOUT = 2
    rows = "<tr><td>celle</td><td>Ŋ</td></tr>" * 30000  # about a minute of layout
    html = f'<!DOCTYPE html><html lang="nb"><head><title>Treg</title></head><body><table>{rows}</table></body></html>'
    started = time.monotonic()
    with pytest.raises(DocumentError):
        html_to_pdf(html)
    assert time.monotonic() - started < 8
    assert any("time limit of 2 seconds" in r.getMessage() for r in caplog.records)


@pytest.fixture
def fake_renderer(tmp_path, monkeypatch):
    """Replaces the Python that runs the renderer with a script that exits with a given code."""

    def install(exit_code: int):
        script = tmp_path / "python"
        script.write_text(f"#!/bin/sh\necho 'renderer said no' >&2\nexit {exit_code}\n")
        script.chmod(0o755)
        monkeypatch.setattr("documents.pdf.sys.executable", str(script))
        monkeypatch.setattr("documents.pdf._RENDERER", _Renderer())  # not the renderer earlier tests started

    return install


def test_a_renderer_without_weasyprint_gives_a_document_error(fake_renderer, caplog):
    fake_renderer(3)
    with pytest.raises(DocumentError) as error:
        html_to_pdf("<html lang='nb'></html>")
    assert str(error.value) == gettext("Documents cannot be made on this server at the moment.")
    assert "renderer said no" in caplog.text


def test_a_failing_renderer_gives_a_document_error_and_logs_why(fake_renderer, caplog):
    fake_renderer(1)
    with pytest.raises(DocumentError) as error:
        html_to_pdf("<html lang='nb'></html>")
    assert str(error.value) == gettext("The document could not be made.")
    assert "exit code 1" in caplog.text and "renderer said no" in caplog.text


def test_page_number_content_is_the_translated_sentence_with_page_counters():
    with translation.override("nb"):
        assert page_number_content() == '"Side " counter(page) " av " counter(pages)'
    with translation.override("en"):
        assert page_number_content() == '"Page " counter(page) " of " counter(pages)'


def test_css_strings_cannot_break_out_of_the_string_or_the_style_element():
    assert _css_string('a"b\\c</style>\n') == '"a\\22 b\\5c c\\3c /style\\3e \\a "'


# ---------------------------------------------------------------- image_data_url


def _field_file(tmp_path, name: str, content: bytes | None) -> FieldFile:
    """A FieldFile as a model's ImageField holds it; `content` None leaves the field empty."""
    storage = FileSystemStorage(location=tmp_path)
    if content is not None:
        storage.save(name, ContentFile(content))
    field = SimpleNamespace(storage=storage)
    return FieldFile(instance=None, field=field, name=name if content is not None else "")


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), "#12375e").save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_data_url_embeds_png_and_jpeg(tmp_path):
    png = _png_bytes()
    assert image_data_url(_field_file(tmp_path, "logo.png", png)) == (
        "data:image/png;base64," + base64.b64encode(png).decode()
    )
    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), "white").save(buffer, format="JPEG")
    assert image_data_url(_field_file(tmp_path, "logo.jpg", buffer.getvalue())).startswith("data:image/jpeg;base64,")


@pytest.mark.parametrize(
    "name, content",
    [
        ("passwd.png", b"root:x:0:0:root:/root:/bin/bash\n"),  # the name says PNG, the content does not
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'),
        ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_image_data_url_refuses_anything_but_png_and_jpeg(tmp_path, name, content, caplog):
    assert image_data_url(_field_file(tmp_path, name, content)) is None
    assert "not a PNG or JPEG" in caplog.text


def test_image_data_url_is_none_without_a_readable_file(tmp_path, caplog):
    assert image_data_url(None) is None
    assert image_data_url(_field_file(tmp_path, "", None)) is None
    missing = _field_file(tmp_path, "gone.png", _png_bytes())
    (tmp_path / "gone.png").unlink()
    assert image_data_url(missing) is None
    assert "could not be read" in caplog.text


def test_image_data_url_refuses_oversized_images(tmp_path, monkeypatch):
    monkeypatch.setattr("documents.pdf.DATA_URL_MAX_BYTES", 10)
    assert image_data_url(_field_file(tmp_path, "big.png", _png_bytes())) is None


def test_documents_reuse_one_renderer_and_a_stopped_one_is_replaced(weasyprint, settings, test_templates):
    from documents.pdf import _renderer

    render_pdf("pdf_tests/sample.html", {"text": "første"}, title="Første")
    first = _renderer().process.pid
    render_pdf("pdf_tests/sample.html", {"text": "andre"}, title="Andre")
    assert _renderer().process.pid == first  # WeasyPrint is imported once per process, not per document
    settings.PDF_RENDER_TIMEOUT = 1
    rows = "<tr><td>celle</td></tr>" * 30000
    with pytest.raises(DocumentError):
        html_to_pdf(
            f'<!DOCTYPE html><html lang="nb"><head><title>T</title></head><body><table>{rows}</table></body></html>'
        )
    assert _renderer().process is None
    settings.PDF_RENDER_TIMEOUT = 60
    pdf = render_pdf("pdf_tests/sample.html", {"text": "etter"}, title="Etter")
    assert "etter" in pdf_text(pdf) and _renderer().process.pid != first
