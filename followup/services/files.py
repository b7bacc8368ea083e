"""Files attached to projects: checked by `documents.uploads` (type by content, size limit, safe name,
office documents that are no zip bombs, photos with pixels and colour profile only), then stored.

Accepted: PDF; PNG, JPEG, GIF and WebP images; office documents as Office Open XML
(docx, xlsx, pptx) or OpenDocument (odt, ods, odp) containers. Anything else —
including a known type under another type's extension — is refused with a message
for the form field.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from documents import uploads
from documents.uploads import CONTENT_TYPES as TYPES
from documents.uploads import CheckedUpload
from shell.history import records_by

from ..models import Attachment

MAX_PIXELS = 60_000_000  # larger images are refused before decoding (decompression bombs)
ACCEPT = ",".join(f".{ext}" for ext in [*TYPES, "jpeg"])


def attachment_rules() -> uploads.UploadRules:
    return uploads.UploadRules(
        kinds=frozenset(TYPES),
        max_bytes=settings.ATTACHMENT_MAX_BYTES,
        max_pixels=MAX_PIXELS,
        match_name=True,
        wrong_kind=_(
            "This kind of file cannot be attached. Use PDF, an image (PNG, JPEG, GIF, WebP) or an office document."
        ),
        too_many_pixels=_("The image is too large (too many pixels)."),
        unreadable_image=_("The image could not be read."),
    )


def check_upload(uploaded) -> CheckedUpload:
    """Validates an uploaded file; returns (content, extension, display name). Raises ValidationError({"file": ...})."""
    try:
        return uploads.check_upload(uploaded, attachment_rules())
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None


@records_by
@transaction.atomic
def attach_file(
    *, project, uploaded, by, participant=None, milestone=None, meeting=None, progress_entry=None
) -> Attachment:
    """Stores an uploaded file under a generated name and records what it belongs to.

    Raises ValidationError({"file": ...}) for a refused file; nothing is stored then.
    """
    return store_checked(
        check_upload(uploaded),
        project=project,
        by=by,
        participant=participant,
        milestone=milestone,
        meeting=meeting,
        progress_entry=progress_entry,
    )


@records_by
def store_checked(checked: CheckedUpload, *, project, by, **targets) -> Attachment:
    """Stores a file `check_upload` accepted (check every file of a form first, then store them)."""
    data, extension, name = checked
    attachment = Attachment(
        project=project,
        name=name,
        extension=extension,
        content_type=TYPES[extension],
        size=len(data),
        uploaded_by=by,
        **targets,
    )
    attachment.file.save(f"upload.{extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, attachment: Attachment) -> None:
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))
