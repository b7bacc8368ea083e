"""Files on projects, participants, milestones and meetings: type by content, size limit,
generated names, safe downloads, photos without location, and only for those who may read."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from documents.uploads import safe_name, sniff
from followup.models import Attachment, ProgressEntry
from followup.services.files import attach_file
from tests.followup.helpers import (  # noqa: F401
    active_project,
    jpeg_with_gps,
    late_milestone,
    other_participant,
    participant,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _attach(project, upload, by, **targets):
    return attach_file(project=project, uploaded=upload, by=by, **targets)


@pytest.mark.parametrize(
    "name, content",
    [
        ("rapport.pdf", b"MZ\x90\x00 an executable"),
        ("bilde.png", b"<html><script>alert(1)</script></html>"),
        ("tegning.docx", _zip({"readme.txt": b"just a zip"})),
        ("bilde.jpg", b"%PDF-1.4\n a pdf under an image name"),
    ],
    # Named by the file, not its bytes: a zip's bytes carry the time it was made, and xdist's processes
    # must collect the same test ids.
    ids=["exe-as-pdf", "html-as-png", "zip-as-docx", "pdf-as-jpg"],
)
def test_wrong_type_under_a_right_extension_is_refused(active_project, county_staff, name, content):
    with pytest.raises(ValidationError) as refused:
        _attach(active_project, SimpleUploadedFile(name, content), county_staff)
    assert "file" in refused.value.message_dict
    assert not Attachment.objects.exists()


def test_office_documents_and_images_are_recognised_by_content():
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    xlsx = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"})
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, format="PNG")
    assert [sniff(d) for d in (docx, xlsx, odt, png.getvalue(), b"GIF89a...", b"RIFF\0\0\0\0WEBPVP8 ")] == [
        "docx",
        "xlsx",
        "odt",
        "png",
        "gif",
        "webp",
    ]


def test_oversize_is_refused(active_project, county_staff, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        _attach(active_project, pdf_upload(size=2000), county_staff)
    assert refused.value.messages[0].startswith("Filen er større enn 1000")
    assert _attach(active_project, pdf_upload(size=100), county_staff).size < 1000


def test_a_path_in_the_name_is_dropped_and_the_file_stored_under_a_generated_name(active_project, county_staff):
    attachment = _attach(active_project, pdf_upload(name="../../../etc/passwd.pdf"), county_staff)
    assert attachment.name == "passwd.pdf"
    assert attachment.file.name.startswith("attachments/") and ".." not in attachment.file.name
    assert "passwd" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert safe_name("..\\..\\C:\\Windows\\win.ini") == "win.ini"
    assert safe_name("\x00\n.htaccess") == "htaccess"


def test_exif_location_is_stripped_from_photos(client, active_project, participant, county_staff, library_head):
    upload = jpeg_with_gps(orientation=6)
    with Image.open(io.BytesIO(upload.read())) as original:
        assert 0x8825 in original.getexif()  # the photo says where it was taken
    upload.seek(0)
    milestone = late_milestone(active_project, participant, county_staff)
    client.force_login(library_head)
    response = client.post(
        reverse("followup:progress-create", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk}),
        {"status": "in_progress", "text": "Nye hyller er på plass.", "files": [upload]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.progress_entry == ProgressEntry.objects.get() and attachment.participant == participant
    with attachment.file.open("rb") as handle, Image.open(handle) as stored:
        exif = stored.getexif()
        assert 0x8825 not in exif and 0x010F not in exif and not stored.info.get("exif")
        assert stored.size == (20, 40)  # the orientation is applied to the pixels, not lost


def test_another_municipalitys_file_is_404(
    client, active_project, participant, other_participant, county_staff, library_head, other_library_head
):
    ours = _attach(active_project, pdf_upload(), county_staff, participant=participant)
    theirs = _attach(active_project, pdf_upload(name="deres.pdf"), county_staff, participant=other_participant)
    shared = _attach(active_project, pdf_upload(name="felles.pdf"), county_staff)

    def get(user, attachment):
        client.force_login(user)
        return client.get(
            reverse("followup:attachment-download", kwargs={"pk": active_project.pk, "attachment_pk": attachment.pk})
        )

    assert get(library_head, ours).status_code == 200
    assert get(library_head, theirs).status_code == 404
    assert get(other_library_head, ours).status_code == 404
    assert get(other_library_head, shared).status_code == 200
    assert get(county_staff, theirs).status_code == 200


def test_download_has_a_safe_content_disposition(client, active_project, county_staff):
    attachment = _attach(active_project, pdf_upload(name='Tilbud "Gáivuotna";\r\nX-Evil: 1.pdf'), county_staff)
    client.force_login(county_staff)
    response = client.get(
        reverse("followup:attachment-download", kwargs={"pk": active_project.pk, "attachment_pk": attachment.pk})
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition and "\r" not in disposition
    assert "filename*=utf-8''" in disposition and "X-Evil" not in response
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_library_head_may_not_attach_to_the_project_or_another_participant(
    client, active_project, participant, other_participant, library_head
):
    client.force_login(library_head)
    url = reverse("followup:attachment-upload", kwargs={"pk": active_project.pk})
    assert client.post(url, {"target": "project", "file": pdf_upload()}).status_code == 403
    assert client.post(url, {"target": f"participant:{other_participant.pk}", "file": pdf_upload()}).status_code == 404
    assert client.post(url, {"target": f"participant:{participant.pk}", "file": pdf_upload()}).status_code == 302
    assert Attachment.objects.get().participant == participant


def test_a_refused_file_refuses_the_whole_progress_entry(
    client, active_project, participant, county_staff, library_head
):
    milestone = late_milestone(active_project, participant, county_staff)
    client.force_login(library_head)
    response = client.post(
        reverse("followup:progress-create", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk}),
        {"status": "done", "text": "Ferdig.", "files": [pdf_upload(), SimpleUploadedFile("virus.pdf", b"MZ...")]},
    )
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.status == "not_started" and not ProgressEntry.objects.exists() and not Attachment.objects.exists()
