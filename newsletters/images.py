"""Uploaded images of infobrev and showcases, checked by `documents.uploads`: the first bytes decide what
a file is (never its name or the browser's word), Pillow must be able to read the picture, and it is kept
with its pixels and colour profile only (a phone photo's EXIF carries where it was taken; comments and
text chunks carry whatever the camera or editor wrote). The stored file gets a generated name."""

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from documents import uploads

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
CONTENT_TYPES = {kind: uploads.CONTENT_TYPES[kind] for kind in uploads.IMAGE_KINDS}

IMAGE_RULES = uploads.UploadRules(
    kinds=uploads.IMAGE_KINDS,
    max_bytes=MAX_BYTES,
    max_pixels=MAX_PIXELS,
    too_large=_("The image is larger than 5 MB."),
    wrong_kind=_("The file is not a PNG, JPEG, GIF or WebP image."),
    empty=_("The file is not a PNG, JPEG, GIF or WebP image."),
)


def clean_image(upload) -> ContentFile:
    """A checked copy of `upload` with pixels and colour profile only; raises ValidationError with a
    message for the field."""
    checked = uploads.check_upload(upload, IMAGE_RULES)
    return ContentFile(checked.data, name=f"upload.{checked.kind}")


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
