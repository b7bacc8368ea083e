"""What a Norwegian reader sees in an agreement: the role matrix in words, not the English letters R/A/C/I."""

import re
from html import unescape

import pytest
from django.utils import translation

from agreements.pdf import render_agreement_pdf
from agreements.snapshot import build_content
from tests.documents.conftest import pdf_text

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _matrix_table(page: str) -> str:
    return _text(page.split("fd-role-matrix")[1].split("</dl>")[0])


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


def test_a_role_inside_a_sentence_is_lower_case(
    client, leadership, draft, county_staff, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from agreements.services import sending

    # Whoever presses "send" reads in English: the signatories' e-mail is Norwegian all the same, roles included.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sending.send_for_signature(agreement=draft, by=county_staff)
    client.force_login(leadership)
    sign_url = reverse("agreements:agreement-sign", kwargs={"pk": draft.pk, "slot": "chief_executive"})
    page = _text(client.get(sign_url).content.decode())
    assert "» som kommunedirektør / rådmann." in page and "som Kommunedirektør" not in page
    bodies = [m.body for m in mailoutbox if "radmann@example.no" in m.to]
    assert bodies and all("venter på din signatur som kommunedirektør / rådmann" in body for body in bodies)


def _nested_brackets(text: str) -> list[str]:
    """Every stretch of text where a bracket opens inside another one."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
            if depth == 1:
                start = index
            elif depth == 2:
                found.append(text[start : index + 40])
        elif char == ")":
            depth = max(depth - 1, 0)
    return found


def test_the_signature_method_is_never_in_nested_brackets(client, county_staff, sealed):
    client.force_login(county_staff)
    page = _text(client.get(sealed.get_absolute_url()).content.decode())
    assert "– Elektronisk signatur i Fremdrift (passordet skrevet inn på nytt)" in page
    assert _nested_brackets(page) == []


def test_an_amendment_says_what_changed_from_the_version_it_amends(client, county_staff, sealed):
    from agreements.services import amendments, drafts

    amendment = amendments.create_amendment(agreement=sealed, by=county_staff)
    client.force_login(county_staff)
    assert "Ingen endringer fra versjon 1 ennå." in _text(client.get(amendment.get_absolute_url()).content.decode())
    drafts.update_agreement(agreement=amendment, by=county_staff, progress_plan="Ny plan: åpning i mars 2027.")
    matrix = {**amendment.role_matrix, "rows": amendment.role_matrix["rows"][1:]}
    drafts.save_role_matrix(agreement=amendment, matrix=matrix, by=county_staff)
    page = _text(client.get(amendment.get_absolute_url()).content.decode())
    assert "Endret fra versjon 1: Fremdriftsplan, Rollematrise" in page
    assert "Formål" not in page.split("Endret fra versjon 1:")[1].split(".")[0]
