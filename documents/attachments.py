"""Accepting an uploaded file: its type from its first bytes, a size limit, a safe name,
and photos without their EXIF data (a phone photo carries where it was taken).

Accepted: PDF; PNG, JPEG, GIF and WebP images; office documents as Office Open XML
(docx, xlsx, pptx) or OpenDocument (odt, ods, odp) containers. Anything else —
including a known type under another type's extension — is refused with a message
for the form field.
"""

import io
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Attachment

TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
ODF = {TYPES["odt"]: "odt", TYPES["ods"]: "ods", TYPES["odp"]: "odp"}
OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
MAX_PIXELS = 60_000_000  # larger images are refused before decoding (decompression bombs)
ACCEPT = ",".join(f".{ext}" for ext in [*TYPES, "jpeg"])


def sniff(data: bytes) -> str | None:
    """The file's type (one of TYPES' keys) from its content, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return ODF.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, extension in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return extension
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    return None


def safe_name(name: str) -> str:
    """The last part of the uploader's file name, without path, control characters or leading dots."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    return name[-150:] or "fil"


def _extension(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ALIASES.get(extension, extension)


def strip_metadata(data: bytes, extension: str) -> bytes:
    """Re-encodes a photo without EXIF (GPS position, camera, times) or text chunks; the EXIF
    orientation is applied to the pixels first, so the photo still stands the right way up."""
    if extension not in ("jpg", "png", "webp"):
        return data
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError({"file": _("The image is too large (too many pixels).")})
            image.load()
            upright = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            if extension == "jpg":
                upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
                upright.save(output, format="JPEG", quality=90)
            elif extension == "png":
                upright.save(output, format="PNG")
            else:
                upright.save(output, format="WEBP", quality=90)
            return output.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError({"file": _("The image could not be read.")}) from None


def check_upload(uploaded) -> tuple[bytes, str, str]:
    """Validates an uploaded file; returns (content, extension, display name). Raises ValidationError."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded is None:
        raise ValidationError({"file": _("Choose a file.")})
    if uploaded.size > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    name = safe_name(uploaded.name)
    detected = sniff(data)
    if detected is None:
        raise ValidationError(
            {"file": _("This kind of file cannot be attached. Use PDF, an image (PNG, JPEG, GIF, WebP) or an office document.")}
        )
    if _extension(name) != detected:
        raise ValidationError(
            {"file": _("The file's content (%(kind)s) does not match its name. Check that you chose the right file.")
             % {"kind": detected.upper()}}
        )
    return strip_metadata(data, detected), detected, name


@transaction.atomic
def attach_file(*, project, uploaded, by, participant=None, milestone=None, meeting=None, progress_entry=None) -> Attachment:
    """Stores an uploaded file under a generated name and records what it belongs to.

    Raises ValidationError({"file": ...}) for a refused file; nothing is stored then.
    """
    return store_checked(check_upload(uploaded), project=project, by=by, participant=participant, milestone=milestone,
                         meeting=meeting, progress_entry=progress_entry)


def store_checked(checked: tuple[bytes, str, str], *, project, by, **targets) -> Attachment:
    """Stores a file `check_upload` accepted (check every file of a form first, then store them)."""
    data, extension, name = checked
    attachment = Attachment(project=project, name=name, extension=extension, content_type=TYPES[extension],
                            size=len(data), uploaded_by=by, **targets)
    attachment.file.save(f"upload.{extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, attachment: Attachment) -> None:
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))
