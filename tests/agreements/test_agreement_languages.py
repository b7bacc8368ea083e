"""An agreement is one text for every signatory and for the archive: in the county's written standard,
whatever language its reader chose."""

import pytest
from django.urls import reverse

from tests.documents.conftest import pdf_text, weasyprint  # noqa: F401

pytestmark = pytest.mark.django_db


def _preview(client, agreement) -> str:
    response = client.get(reverse("agreements:agreement-pdf", kwargs={"pk": agreement.pk}))
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)


def test_a_bokmal_countys_agreement_stays_bokmal_for_a_reader_who_chose_nynorsk(
    client, county, county_staff, request, weasyprint
):
    county_staff.language = "nn"
    county_staff.save(update_fields=["language"])
    draft = request.getfixturevalue("draft")
    client.force_login(county_staff)
    text = _preview(client, draft)
    assert "Ikke signert: en forhåndsvisning" in text and "Ikkje signert" not in text


def test_a_nynorsk_countys_agreement_is_drafted_and_rendered_in_nynorsk(
    client, county, county_staff, request, weasyprint
):
    county.written_standard = "nn"
    county.save(update_fields=["written_standard"])
    draft = request.getfixturevalue("draft")
    client.force_login(county_staff)
    text = _preview(client, draft)
    assert "Ikkje signert: ei førehandsvising, ikkje ein gyldig avtale" in text
    assert "Ikke signert" not in text
