"""The agreement PDF read back with pypdf: names with Sámi letters, every signatory, the verification
code on every page, archival and tagged; hostile text in the sections fetches nothing."""

import io

import pytest
from pypdf import PdfReader

from agreements.models import Agreement, Seal
from agreements.pdf import render_agreement_pdf
from agreements.services import drafts, sending
from agreements.snapshot import build_content
from municipalities.models import Position
from tests.agreements.conftest import Slot, sign
from tests.documents.conftest import pdf_catalog, pdf_text
from tests.documents.test_hostile_input import (
    HOSTILE,
    assert_nothing_fetched_or_leaked,
    assert_only_web_links,
    refused_urls,
)
from tests.factories import ContactFactory, make_user, position

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint")]


@pytest.fixture
def sami_sealed(other_participant, other_municipality, county, county_staff, other_library_head):
    """Gáivuotna - Kåfjord - Kaivuono's agreement, signed by everyone, with a real PDF."""
    chief_user = make_user(
        "leadership", municipality=other_municipality, email="radmann.kafjord@example.no", name="Ánte Ŋuvttat Čáhppes"
    )
    ContactFactory(
        municipality=other_municipality,
        name="Ánde Sjef",
        user=other_library_head,
        position=position(county, Position.Code.LIBRARY_HEAD),
    )
    ContactFactory(
        municipality=other_municipality,
        name="Ánte Ŋuvttat Čáhppes",
        user=chief_user,
        position=position(county, Position.Code.CHIEF_EXECUTIVE),
    )
    agreement = drafts.create_agreement(participant=other_participant, by=county_staff)
    agreement = sending.send_for_signature(agreement=agreement, by=county_staff)
    sign(agreement, Slot.COUNTY, county_staff)
    sign(agreement, Slot.LIBRARY_HEAD, other_library_head)
    sign(agreement, Slot.CHIEF_EXECUTIVE, chief_user)
    return Agreement.objects.get(pk=agreement.pk)


def test_the_sealed_pdf_names_the_parties_the_signatories_and_the_code(sami_sealed):
    seal = Seal.objects.get(agreement=sami_sealed)
    pdf = bytes(seal.pdf)
    text = pdf_text(pdf)
    assert "Gáivuotna - Kåfjord - Kaivuono" in text
    for name in ("Fredrik Fylke", "Ánde Sjef", "Ánte Ŋuvttat Čáhppes"):
        assert name in text
    assert "Signaturer" in text and "Rollematrise: hvem gjør hva" in text
    assert "Elektronisk signatur i Fremdrift" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert seal.verification_code in " ".join(page.extract_text().split()), "the code must be in every footer"


def test_the_sealed_pdf_is_archival_and_tagged(sami_sealed):
    pdf = bytes(Seal.objects.get(agreement=sami_sealed).pdf)
    catalog = pdf_catalog(pdf)
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "nb"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert PdfReader(io.BytesIO(pdf)).metadata.title == sami_sealed.title


def test_a_preview_is_marked_as_not_signed(draft):
    text = pdf_text(render_agreement_pdf(content=build_content(draft), county=draft.county))
    assert "Ikke signert: en forhåndsvisning, ikke en gyldig avtale" in text
    assert "Kontrollkode" not in text


@pytest.fixture
def fetch_log(caplog):
    import logging

    caplog.set_level(logging.DEBUG, logger="documents.pdf")
    return caplog


def test_hostile_input_in_every_section_fetches_nothing(draft, county_staff, http_server, fetch_log):
    texts = [hostile.render(http_server) for hostile in HOSTILE]
    sections = {
        name: "\n\n".join(texts[i :: len(Agreement.SECTION_FIELDS)]) for i, name in enumerate(Agreement.SECTION_FIELDS)
    }
    drafts.update_agreement(agreement=draft, by=county_staff, title=texts[0][:200], **sections)
    columns = draft.role_matrix["columns"]
    matrix = {
        "columns": [{**columns[0], "label": texts[1][:100]}, *columns[1:]],
        "rows": [{"task": texts[2][:200], "cells": {columns[0]["key"]: "A", columns[1]["key"]: "R"}}],
    }
    drafts.save_role_matrix(agreement=draft, matrix=matrix, by=county_staff)
    draft.refresh_from_db()
    pdf = render_agreement_pdf(content=build_content(draft), county=draft.county)
    assert_nothing_fetched_or_leaked(pdf, http_server, fetch_log)
    assert refused_urls(fetch_log) == [], "escaped and sanitised text should not even ask for a URL"
    assert_only_web_links(pdf)
    text = "".join(pdf_text(pdf).split())
    assert "".join(texts[0][:200].split()) in text  # the title is shown as written
    assert "{%debug%}" in text  # template syntax stays text
