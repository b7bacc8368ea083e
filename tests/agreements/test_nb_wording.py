"""What a Norwegian reader sees in an agreement: the role matrix in words, not the English letters R/A/C/I."""

import re
from html import unescape

import pytest

from agreements.pdf import render_agreement_pdf
from agreements.snapshot import build_content
from tests.documents.conftest import pdf_text

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _matrix_table(page: str) -> str:
    return _text(page.split('class="table table-bordered table-sm align-middle fd-role-matrix"')[1].split("</dl>")[0])


def test_the_agreement_page_shows_the_role_matrix_in_norwegian_words(client, county_staff, draft):
    client.force_login(county_staff)
    table = _matrix_table(client.get(draft.get_absolute_url()).content.decode())
    # Default row: county C, library head R, chief executive A, mayor I, technical C, expert C.
    assert "Godkjenne romplanen Rådføres Ansvarlig Godkjenner Informeres Rådføres Rådføres" in table
    assert not re.search(r"(?<!\w)[RACI](?!\w)", table), table
    assert "Ansvarlig utfører arbeidet" in table and "Godkjenner bestemmer og står ansvarlig" in table


def test_english_readers_keep_the_letters(client, county_staff, draft):
    client.force_login(county_staff)
    table = _matrix_table(client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Godkjenne romplanen C R A I C C" in table
    assert "R – Responsible does the work" in table


@pytest.mark.usefixtures("weasyprint")
def test_the_agreement_pdf_shows_the_role_matrix_in_norwegian_words(draft):
    text = pdf_text(render_agreement_pdf(content=build_content(draft), county=draft.county))
    assert "Godkjenne romplanen Rådføres Ansvarlig Godkjenner Informeres Rådføres Rådføres" in text
    assert "R = Ansvarlig" not in text and "A = Godkjenner" not in text
    assert "Ansvarlig: utfører arbeidet" in text
