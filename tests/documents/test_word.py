"""documents.word read back with python-docx: a PDF template's header, footer and body as a Word document
(headings, paragraphs, lists, tables, bold and italic), Sámi letters kept, and nothing foreign inside —
hostile text stays text: no external relationship, no picture but the letterhead, no macro, no field
but the page number."""

import base64
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from docx import Document
from PIL import Image

from documents.word import html_to_docx, render_docx
from tests.documents.test_hostile_input import HOSTILE

SAMI = "Gáivuotna – Kåfjord – Kaivuono: Ŧŋ čđž ÁÆØÅ"


def _read(data: bytes):
    return Document(io.BytesIO(data))


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 10), "#12375e").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_pdf_template_becomes_headings_lists_and_tables(test_templates):
    data = render_docx(
        "pdf_tests/sample.html",
        {
            "text": SAMI,
            "markdown": "## Del to\n\nEt **fett** og *kursivt* ord.\n\n- en\n- to\n\n1. første\n2. andre",
            "rows": [1, 2],
        },
        title="Prøve",
    )
    document = _read(data)
    assert document.core_properties.title == "Prøve" and document.core_properties.language == "nb"
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert styled[:2] == [("Heading 1", "Sample"), ("Normal", SAMI)]
    assert ("Heading 2", "Del to") in styled
    assert [t for s, t in styled if s == "List Bullet"] == ["en", "to"]
    assert [t for s, t in styled if s == "List Number"] == ["første", "andre"]
    runs = {run.text: run for p in document.paragraphs for run in p.runs}
    assert runs["fett"].bold and runs["kursivt"].italic and not runs["Et "].bold
    (table,) = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Column-Heading", "Other"],
        ["row 1", "Ŧŋ"],
        ["row 2", "Ŧŋ"],
    ]
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "HEADER-SLOT"
    assert section.footer.paragraphs[0].text.startswith("FOOTER-SLOT")
    assert "PAGE" in _parts(data)["word/footer1.xml"]  # the page number


def test_the_footer_can_be_replaced_and_the_letterhead_is_the_header_s_picture():
    letterhead = "data:image/png;base64," + base64.b64encode(_png()).decode()
    html = (
        f'<html><body><div class="pdf-header"><img src="{letterhead}" alt="Troms">Troms fylkesbibliotek</div>'
        '<div class="pdf-footer">Gammel bunntekst</div><main><p>Tekst</p></main></body></html>'
    )
    document = _read(html_to_docx(html, footer="Den signerte PDF-en gjelder"))
    section = document.sections[0]
    assert section.footer.paragraphs[0].text.startswith("Den signerte PDF-en gjelder")
    assert "Gammel bunntekst" not in section.footer.paragraphs[0].text
    assert section.header.paragraphs[0].text.strip() == "Troms fylkesbibliotek"
    assert [rel.reltype.rsplit("/", 1)[-1] for rel in section.header.part.rels.values()] == ["image"]
    assert [p.text for p in document.paragraphs] == ["Tekst"]


@pytest.mark.django_db
def test_hostile_text_stays_text_and_brings_nothing_in(test_templates):
    server = SimpleNamespace(url="http://127.0.0.1:9")  # nothing is fetched for a .docx: no server needed
    texts = [hostile.render(server) for hostile in HOSTILE]
    body = "\n\n".join(texts) + "\n\nkontroll\x00\x07\x1b tegn"
    data = render_docx("pdf_tests/sample.html", {"text": body, "markdown": body}, title="Fiendtlig")
    document = _read(data)  # Word opens it: no character XML refuses
    text = "\n".join(p.text for p in document.paragraphs)
    assert "{{ settings.SECRET_KEY }} {% debug %}" in text  # template syntax is text
    assert '<img src="file:///etc/passwd" alt="x">' in text  # escaped HTML is shown, as on the page
    assert "kontroll tegn" in text
    parts = _parts(data)
    assert not any(name.startswith("word/media/") for name in parts), "no picture came in"
    assert not any("vbaProject" in name or "embeddings" in name for name in parts)
    for name, xml in parts.items():
        assert 'TargetMode="External"' not in xml, name
        assert "file:///etc/passwd" not in xml or name == "word/document.xml", name
        assert "<w:hyperlink" not in xml and "INCLUDEPICTURE" not in xml and "INCLUDETEXT" not in xml
    fields = re.findall(r"<w:instrText[^>]*>([^<]*)<", "".join(parts.values()))
    assert [field.strip() for field in fields] == ["PAGE"]
