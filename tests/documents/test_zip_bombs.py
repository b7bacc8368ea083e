"""Office documents are zip containers: one that unpacks to far more than it weighs (a zip bomb), holds
absurdly many parts, or lies about its sizes is refused with a message on the file field — and refusing
it costs the server no memory, because no part is ever unpacked whole."""

import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from followup.models import Attachment
from followup.services.files import attach_file
from tests.conftest import project, theme  # noqa: F401
from tests.documents.upload_samples import (
    OFFICE_LAYOUT,
    MiB,
    bzip2_odt,
    lying_odt,
    many_parts,
    office_bomb,
    office_document,
    raw_zip,
    stored,
    zipfile_bomb,
)
from tests.followup.helpers import active_project  # noqa: F401
from tests.newsletters.conftest import newsletter, stakeholders  # noqa: F401

pytestmark = pytest.mark.django_db
KINDS = list(OFFICE_LAYOUT)
PEAK_LIMIT = 50 * MiB


@pytest.fixture(scope="module")
def gigabyte_bomb():
    return zipfile_bomb(1024)


def _attach_measured(project, by, name, data):
    """Attaches the file with tracemalloc watching; returns (the refusal's message dict or None, peak bytes)."""
    upload = SimpleUploadedFile(name, data)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        try:
            attach_file(project=project, uploaded=upload, by=by)
            refusal = None
        except ValidationError as exc:
            refusal = exc.message_dict
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return refusal, peak


def test_a_gigabyte_odt_bomb_is_refused_without_unpacking_it(active_project, county_staff, gigabyte_bomb):
    assert len(gigabyte_bomb) < 10 * MiB  # a small upload: its mimetype entry unpacks to 1 GiB
    refusal, peak = _attach_measured(active_project, county_staff, "rapport.odt", gigabyte_bomb)
    assert peak < PEAK_LIMIT, f"checking the file took {peak / MiB:.0f} MiB"
    assert refusal is not None, "the bomb was accepted"
    assert "blir større enn" in refusal["file"][0] and "når det pakkes ut" in refusal["file"][0]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_every_office_format_is_refused_when_it_unpacks_too_far(active_project, county_staff, kind):
    refusal, peak = _attach_measured(active_project, county_staff, f"dokument.{kind}", office_bomb(kind, 600 * MiB))
    assert peak < PEAK_LIMIT
    assert refusal is not None, "the bomb was accepted"
    assert "når det pakkes ut" in refusal["file"][0]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_every_office_format_is_refused_with_too_many_parts(active_project, county_staff, kind):
    refusal, peak = _attach_measured(active_project, county_staff, f"dokument.{kind}", many_parts(kind, 10_001))
    assert peak < PEAK_LIMIT
    assert refusal is not None, "a document of 10 000 parts was accepted"
    assert refusal["file"] == ["Dokumentet består av mer enn 10\u00a0000 deler. Slike filer tas ikke imot."]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_part_whose_declared_size_is_absurd_for_its_packed_size_is_refused(active_project, county_staff, kind):
    parts, bomb_part = OFFICE_LAYOUT[kind]
    claim = stored(bomb_part, b"\x03\x00") | {"method": 8, "size": 50 * MiB}  # 2 packed bytes "unpack" to 50 MiB
    data = raw_zip([*(stored(name, content) for name, content in parts.items()), claim])
    refusal, _peak = _attach_measured(active_project, county_staff, f"dokument.{kind}", data)
    assert refusal is not None, "the document was accepted"
    assert "er pakket på en måte kontorprogrammer ikke bruker" in refusal["file"][0]
    assert not Attachment.objects.exists()


def test_a_central_directory_that_understates_a_part_is_refused_and_never_followed(active_project, county_staff):
    """The mimetype entry says 39 bytes; its deflate stream goes on for 256 MiB."""
    refusal, peak = _attach_measured(active_project, county_staff, "rapport.odt", lying_odt(256 * MiB))
    assert peak < PEAK_LIMIT
    assert refusal is not None, "the document was accepted"
    assert "er pakket på en måte kontorprogrammer ikke bruker" in refusal["file"][0]
    assert not Attachment.objects.exists()


def test_a_part_packed_with_bzip2_is_refused_and_never_unpacked(active_project, county_staff):
    """Office programs pack with deflate only; zipfile reads bzip2 without an output limit."""
    refusal, peak = _attach_measured(active_project, county_staff, "rapport.odt", bzip2_odt())
    assert peak < PEAK_LIMIT
    assert refusal is not None, "the document was accepted"
    assert "er pakket på en måte kontorprogrammer ikke bruker" in refusal["file"][0]
    assert not Attachment.objects.exists()


def test_a_bomb_offered_as_an_image_is_refused_without_unpacking_it(client, county_staff, newsletter):
    """Where no office document is accepted, the container is still only looked at, never unpacked."""
    from django.urls import reverse

    from newsletters.models import NewsletterImage

    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-image-add", kwargs={"pk": newsletter.pk})
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.post(url, {"image": SimpleUploadedFile("bilde.png", bzip2_odt()), "alt_text": "Bilde"})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT
    assert response.status_code == 400
    assert response.context["form"].errors["image"] == ["Filen er ikke et PNG-, JPEG-, GIF- eller WebP-bilde."]
    assert not NewsletterImage.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_ordinary_office_documents_are_still_accepted_unchanged(active_project, county_staff, kind):
    text = "".join(f"<p>Avsnitt {i}: bibliotekrommet i Tromsø får nye hyller og lesekroker.</p>" for i in range(40_000))
    data = office_document(
        kind,
        {
            "docProps/app.xml": b"<Properties/>",
            "media/bilde.png": bytes(range(256)) * 400,
            f"part{kind}.xml": text.encode(),
        },
    )
    attachment = attach_file(project=active_project, uploaded=SimpleUploadedFile(f"Plan.{kind}", data), by=county_staff)
    assert attachment.extension == kind
    with attachment.file.open("rb") as handle:
        assert handle.read() == data


def test_a_stored_part_that_claims_more_than_it_holds_is_refused(active_project, county_staff):
    claim = stored("content.xml", bytes(MiB)) | {"size": 400 * MiB}  # 1 MiB stored, "400 MiB" declared
    data = raw_zip([stored("mimetype", b"application/vnd.oasis.opendocument.text"), claim])
    refusal, _peak = _attach_measured(active_project, county_staff, "rapport.odt", data)
    assert refusal is not None, "the document was accepted"
    assert "er pakket på en måte kontorprogrammer ikke bruker" in refusal["file"][0]
