"""The one upload checker: attachments, infobrev images, showcase photos and the county logo all use it.

A file is what its first bytes say (never its name or the browser's word), within the caller's size
limit, under a safe display name. Office documents are zip containers: one that would unpack to an
absurd size, holds absurdly many parts or whose sizes do not add up (a zip bomb) is refused from its
central directory alone; no part is ever unpacked whole. Images keep their pixels and colour profile
(ICC) and nothing else: EXIF (GPS position, camera), XMP, IPTC, JPEG and GIF comments, PNG text chunks
and bytes after the image are gone, and the EXIF orientation is applied to the pixels first.

Pure functions: the caller passes the uploaded file and its `UploadRules` (which kinds, which limits,
its own messages) and gets a `CheckedUpload` back, or a ValidationError with the message for its field.
This module knows no domain app.
"""

import io
import lzma
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

CONTENT_TYPES = {
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
IMAGE_KINDS = frozenset({"png", "jpg", "gif", "webp"})
OFFICE_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
ODF = {CONTENT_TYPES["odt"]: "odt", CONTENT_TYPES["ods"]: "ods", CONTENT_TYPES["odp"]: "odp"}
OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}

# Office containers. Real documents stay far below these: a 300-slide presentation has some 1 500 parts,
# and deflate, the only compression office programs use, cannot pack more than about 1 032 to 1.
OFFICE_MAX_PARTS = 10_000
OFFICE_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
OFFICE_MAX_RATIO = 1_100
ZIP_LOCAL_HEADER = b"PK\x03\x04"
ZIP_DIRECTORY_ENTRY = b"PK\x01\x02"
MIMETYPE_READ_BYTES = 100  # the ODF mimetype entry is one short line; never read more of it
# Deflate's decompressor is told how much to give back; bzip2's and LZMA's in zipfile are not, so a few
# packed bytes of theirs can unpack to gigabytes. Office programs use stored and deflated parts only.
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
)


@dataclass(frozen=True)
class UploadRules:
    """What one caller accepts, and the messages it shows (each may hold %(limit)s or %(kind)s)."""

    kinds: frozenset
    max_bytes: int
    wrong_kind: str
    max_pixels: int = 40_000_000  # larger images are refused before they are decoded
    match_name: bool = False  # the name's extension must agree with the content
    missing: str = _("Choose a file.")
    empty: str = _("The file is empty.")
    too_large: str = _("The file is larger than %(limit)s.")
    name_mismatch: str = _(
        "The file's content (%(kind)s) does not match its name. Check that you chose the right file."
    )
    too_many_pixels: str = _("The image has too many pixels.")
    unreadable_image: str = _("The image could not be read. Is the file damaged?")


class CheckedUpload(NamedTuple):
    data: bytes  # what may be stored: for an image, the re-encoded copy
    kind: str  # one of CONTENT_TYPES' keys
    name: str  # the uploader's name, made safe to show

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _refuse(message, **params):
    raise ValidationError(str(message) % params if params else str(message))


def check_upload(uploaded, rules: UploadRules) -> CheckedUpload:
    """The checked content of `uploaded`; raises ValidationError with the message for the file field."""
    if uploaded is None:
        _refuse(rules.missing)
    limit = {"limit": filesizeformat(rules.max_bytes)}
    if (getattr(uploaded, "size", None) or 0) > rules.max_bytes:
        _refuse(rules.too_large, **limit)
    uploaded.seek(0)
    data = uploaded.read(rules.max_bytes + 1)  # never more than the limit, whatever the size claimed
    if len(data) > rules.max_bytes:
        _refuse(rules.too_large, **limit)
    if not data:
        _refuse(rules.empty)
    if rules.kinds & OFFICE_KINDS and data.startswith(ZIP_LOCAL_HEADER):
        check_office_container(data)
    kind = sniff(data)
    if kind not in rules.kinds:
        _refuse(rules.wrong_kind)
    name = safe_name(getattr(uploaded, "name", ""))
    if rules.match_name and extension_of(name) != kind:
        _refuse(rules.name_mismatch, kind=kind.upper())
    if kind in IMAGE_KINDS:
        data = clean_image(data, kind, rules)
    return CheckedUpload(data, kind, name)


def sniff(data: bytes) -> str | None:
    """The file's kind (one of CONTENT_TYPES' keys) from its content, or None. Safe on any input: a zip
    is only looked into when its directory is of a sane size, and only a few bytes of one part are read."""
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
    if data.startswith(ZIP_LOCAL_HEADER):
        return _sniff_zip(data)
    return None


def _sniff_zip(data: bytes) -> str | None:
    if _too_many_parts(data):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                entry = archive.getinfo("mimetype")
                if entry.compress_type not in ZIP_METHODS or entry.flag_bits & 0x1:
                    return None
                with archive.open(entry) as opened:
                    mimetype = opened.read(MIMETYPE_READ_BYTES)
                return ODF.get(mimetype.decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, extension in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return extension
    except ZIP_ERRORS:
        return None
    return None


def _too_many_parts(data: bytes) -> bool:
    # zipfile builds an object per directory entry before anything can be checked, and each entry it
    # accepts starts with this signature: counting them bounds that work without parsing anything.
    return data.count(ZIP_DIRECTORY_ENTRY) > OFFICE_MAX_PARTS


def check_office_container(data: bytes) -> None:
    """Refuses a zip container whose central directory declares too many parts, too many unpacked bytes
    in all, a part packed tighter than deflate can pack, packed another way than stored or deflated, or
    encrypted, or sizes that do not add up. Reads the directory only; a damaged container is left to
    `sniff` (which then does not recognise it)."""
    if _too_many_parts(data):
        _refuse(
            _("The document consists of more than %(limit)s parts. Such files are refused."),
            limit=_number(OFFICE_MAX_PARTS),
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except ZIP_ERRORS:
        return
    if len(parts) > OFFICE_MAX_PARTS:
        _refuse(
            _("The document consists of more than %(limit)s parts. Such files are refused."),
            limit=_number(OFFICE_MAX_PARTS),
        )
    if sum(part.file_size for part in parts) > OFFICE_MAX_UNPACKED_BYTES:
        _refuse(
            _(
                "The document would take up more than %(limit)s when unpacked. Such files are refused: "
                "they can bring the server to a halt."
            ),
            limit=filesizeformat(OFFICE_MAX_UNPACKED_BYTES),
        )
    if sum(part.compress_size for part in parts) > len(data) or any(map(_badly_packed, parts)):
        _refuse(
            _(
                "The document is packed in a way office programs do not use (its sizes do not add up, or a "
                "part unpacks to more than %(ratio)s times its packed size). Save it again from the office "
                "program and try again."
            ),
            ratio=_number(OFFICE_MAX_RATIO),
        )


def _badly_packed(part: zipfile.ZipInfo) -> bool:
    if part.compress_type not in ZIP_METHODS or part.flag_bits & 0x1:
        return True  # another method than office programs use, or encrypted
    if part.file_size > OFFICE_MAX_RATIO * max(part.compress_size, 1):
        return True  # tighter than deflate can pack: the declared size is not true
    if part.compress_type == zipfile.ZIP_STORED and part.compress_size != part.file_size:
        return True
    # Stored or deflated data is never much larger than what it unpacks to; more packed bytes than that
    # hide data the declared size does not count (a directory that understates the part).
    return part.compress_size > part.file_size + part.file_size // 1000 + 64


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")  # 10 000, as Norwegian writes it (a space that does not break)


def safe_name(name: str) -> str:
    """The last part of the uploader's file name, without path, control characters or leading dots."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    return name[-150:] or "fil"


def extension_of(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ALIASES.get(extension, extension)


# ---------------------------------------------------------------- images


def clean_image(data: bytes, kind: str, rules: UploadRules) -> bytes:
    """The image with its pixels and colour profile only. Raises ValidationError (too many pixels, unreadable)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                if image.width * image.height > rules.max_pixels:
                    _refuse(rules.too_many_pixels)
                image.load()  # decodes the (first) picture: a damaged file fails here
                if kind == "gif":
                    return _gif_without_metadata(data)
                return _reencoded(image, kind)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        IndexError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        _refuse(rules.unreadable_image)


def _reencoded(image: Image.Image, kind: str) -> bytes:
    # Pillow writes what an image's `info` holds (a JPEG's comment, for one) unless told otherwise: the
    # copy that is saved has an empty `info`, and gets back only the colour profile and the transparency.
    icc_profile = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    picture = ImageOps.exif_transpose(image)  # a copy, turned the way the EXIF orientation says
    picture.info = {}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    out = io.BytesIO()
    if kind == "jpg":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
            options = {}  # a CMYK photo's profile does not describe its RGB copy
        picture.save(out, "JPEG", quality=88, optimize=True, **options)
    elif kind == "png":
        if transparency is not None and picture.mode in ("P", "L", "RGB"):
            options["transparency"] = transparency
        picture.save(out, "PNG", **options)
    else:
        picture.save(out, "WEBP", quality=88, **options)
    return out.getvalue()


# A GIF is copied block by block (its animation and pixels stay exactly as they were) without comment and
# plain-text extensions, application extensions other than looping and the ICC profile, and anything
# after the trailer.
GIF_KEPT_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def _gif_without_metadata(data: bytes) -> bytes:
    out = bytearray(data[:13])  # header and logical screen descriptor
    position = 13 + _colour_table_size(data[10])
    out += data[13:position]
    while True:
        if position == len(data):  # a GIF that ends without its trailer (browsers show it): add one
            introducer = 0x3B
        else:
            introducer = data[position]
        if introducer == 0x3B:  # trailer
            out.append(0x3B)
            return bytes(out)
        if introducer == 0x2C:  # an image: descriptor, its own colour table, LZW code size, data
            descriptor_end = position + 10 + _colour_table_size(data[position + 9])
            end = _after_sub_blocks(data, descriptor_end + 1)
            out += data[position:end]
        elif introducer == 0x21:
            label, end = data[position + 1], _after_sub_blocks(data, position + 2)
            if label == 0xF9 or (label == 0xFF and data[position + 3 : position + 14] in GIF_KEPT_APPLICATIONS):
                out += data[position:end]  # frame timing and transparency; looping; the colour profile
        else:
            raise ValueError("not a GIF block")
        position = end


def _colour_table_size(packed: int) -> int:
    return 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0


def _after_sub_blocks(data: bytes, position: int) -> int:
    while (length := data[position]) != 0:  # IndexError when the file ends inside the blocks
        position += 1 + length
    return position + 1
