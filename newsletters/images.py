"""Uploaded images: the first bytes decide what a file is (never its name or the browser's word),
Pillow must be able to read the whole picture, and it is saved again without its metadata
(a phone photo's EXIF carries where it was taken). The stored file gets a generated name."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000

# magic bytes -> (Pillow format, file extension, content type)
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", ("PNG", "png", "image/png")),
    (b"\xff\xd8\xff", ("JPEG", "jpg", "image/jpeg")),
    (b"GIF87a", ("GIF", "gif", "image/gif")),
    (b"GIF89a", ("GIF", "gif", "image/gif")),
]
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def sniff(head: bytes) -> tuple[str, str, str] | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("WEBP", "webp", "image/webp")
    return None


def clean_image(upload) -> ContentFile:
    """A checked, re-encoded copy of `upload`; raises ValidationError with a message for the field."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."))
    upload.seek(0)
    data = upload.read()
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(_("The file is not a PNG, JPEG, GIF or WebP image."))
    pillow_format, extension, _content_type = kind
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != pillow_format:
                    raise ValidationError(_("The file is not a PNG, JPEG, GIF or WebP image."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(_("The image has too many pixels."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()
                clean = _without_metadata(picture, pillow_format)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("The image could not be read. Is the file damaged?")) from exc
    return ContentFile(clean, name=f"upload.{extension}")


def _without_metadata(picture: Image.Image, pillow_format: str) -> bytes:
    out = io.BytesIO()
    if pillow_format == "JPEG":
        picture = ImageOps.exif_transpose(picture)  # keep the orientation the EXIF gave it
        picture.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif pillow_format == "GIF":
        picture.save(out, "GIF")
    elif pillow_format == "WEBP":
        picture.save(out, "WEBP", quality=88)
    else:
        picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
