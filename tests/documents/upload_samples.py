"""Hostile uploads built in the test: images that carry metadata in every place their format allows,
and zip containers that unpack to far more than they weigh. Each is small in memory while it is built:
a bomb's zeros are written in chunks, never held whole."""

import functools
import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

# Every piece of metadata carries its own marker; none may be left in a stored file.
MARKERS = {
    "com": b"COM-MARKER-Hemmelig kommentar",
    "exif": b"EXIF-MARKER-Kamera",
    "xmp": b"XMP-MARKER-Forfatter",
    "iptc": b"IPTC-MARKER-Bildetekst",
    "text": b"TEXT-MARKER-Programvare",
    "gif_comment": b"GIFCOMMENT-MARKER-laget av",
    "late_comment": b"LATECOMMENT-MARKER-siste ramme",
    "trailer": b"TRAILER-MARKER-etter slutten",
}
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GPS = {1: "N", 2: (69.0, 40.0, 58.0), 3: "E", 4: (18.0, 56.0, 34.0)}  # Tromsø


def markers_in(data: bytes) -> list[str]:
    return [name for name, marker in MARKERS.items() if marker in data]


def _xmp(marker: bytes) -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
        + marker
        + b"</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = MARKERS["exif"].decode()  # Make
    gps = exif.get_ifd(0x8825)
    gps.update(GPS)
    return exif


def _iptc_segment(marker: bytes) -> bytes:
    """An APP13 Photoshop segment with an IPTC caption (2:120), as picture agencies write it."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(marker)) + marker
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record + b"\x00" * (len(record) % 2)
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def _picture(mode="RGB", size=(40, 20)) -> Image.Image:
    image = Image.new(mode, size, (30, 90, 160) if mode == "RGB" else 0)
    image.paste((240, 200, 20) if mode == "RGB" else 1, (0, 0, size[0] // 2, size[1]))
    return image


def jpeg_with_metadata() -> bytes:
    """COM, EXIF (with GPS), XMP and IPTC, an ICC profile, and bytes after the end of the image."""
    out = io.BytesIO()
    _picture().save(
        out,
        "JPEG",
        comment=MARKERS["com"],
        exif=_exif(),
        xmp=_xmp(MARKERS["xmp"]),
        icc_profile=ICC,
        extra=_iptc_segment(MARKERS["iptc"]),
    )
    return out.getvalue() + MARKERS["trailer"]


def png_with_metadata() -> bytes:
    """tEXt and iTXt chunks, XMP (iTXt), eXIf with GPS, an ICC profile (iCCP), and a chunk after IEND."""
    info = PngInfo()
    info.add_text("Software", MARKERS["text"].decode())
    info.add_itxt("Description", MARKERS["com"].decode())
    info.add_itxt("XML:com.adobe.xmp", _xmp(MARKERS["xmp"]).decode())
    out = io.BytesIO()
    _picture().save(out, "PNG", pnginfo=info, exif=_exif(), icc_profile=ICC)
    trailer = b"tEXt" + MARKERS["trailer"]
    return out.getvalue() + struct.pack(">I", len(trailer) - 4) + trailer + struct.pack(">I", zlib.crc32(trailer))


def webp_with_metadata() -> bytes:
    """EXIF (with GPS) and XMP chunks and an ICC profile."""
    out = io.BytesIO()
    _picture().save(out, "WEBP", exif=_exif(), xmp=_xmp(MARKERS["xmp"]), icc_profile=ICC, quality=90)
    return out.getvalue()


def _sub_blocks(data: bytes) -> bytes:
    return b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)) + b"\x00"


def gif_with_metadata(frames: int = 2) -> bytes:
    """An animation with a comment extension, XMP and ICC application extensions after the colour table,
    a comment after the last frame and bytes after the trailer."""
    first, *rest = [_picture("P").rotate(90 * i) for i in range(frames)]
    for frame in (first, *rest):
        frame.putpalette([30, 90, 160, 240, 200, 20] + [0, 0, 0] * 254)
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=rest, duration=200, loop=0, comment=MARKERS["gif_comment"])
    data = out.getvalue()
    packed = data[10]
    colour_table_end = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    extensions = (
        b"\x21\xff\x0bXMP DataXMP" + _sub_blocks(_xmp(MARKERS["xmp"])) + b"\x21\xff\x0bICCRGBG1012" + _sub_blocks(ICC)
    )
    assert data.endswith(b";")
    late_comment = b"\x21\xfe" + _sub_blocks(MARKERS["late_comment"])
    return data[:colour_table_end] + extensions + data[colour_table_end:-1] + late_comment + b";" + MARKERS["trailer"]


SAMPLES = {"jpg": jpeg_with_metadata, "png": png_with_metadata, "webp": webp_with_metadata, "gif": gif_with_metadata}


def upload(kind: str, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or f"bilde.{kind}", SAMPLES[kind](), content_type=f"image/{kind}")


# ---------------------------------------------------------------- zip containers

OFFICE_LAYOUT = {
    # kind: (the parts that make a document of that kind, the part the bomb hides in)
    "docx": ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}, "word/media/image1.bmp"),
    "xlsx": ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, "xl/worksheets/sheet1.xml"),
    "pptx": (
        {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p:presentation/>"},
        "ppt/slides/slide1.xml",
    ),
    "odt": ({"mimetype": b"application/vnd.oasis.opendocument.text"}, "content.xml"),
    "ods": ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "content.xml"),
    "odp": ({"mimetype": b"application/vnd.oasis.opendocument.presentation"}, "content.xml"),
}
MiB = 1024 * 1024


def office_document(kind: str, extra: dict | None = None) -> bytes:
    parts, _bomb_part = OFFICE_LAYOUT[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**parts, **(extra or {})}.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else None)
    return out.getvalue()


def zipfile_bomb(megabytes: int = 1024) -> bytes:
    """An .odt whose mimetype entry unpacks to `megabytes` MiB of zeros, written by zipfile in 1 MiB chunks."""
    out = io.BytesIO()
    zeros = bytes(MiB)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            entry.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(megabytes):
                entry.write(zeros)
        archive.writestr("content.xml", b"<office:document-content/>")
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def deflated_zeros(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes and their CRC-32, made from one compressed MiB repeated
    (a full flush makes each MiB's blocks independent): a second to build, about 1 KB per MiB."""
    assert size % MiB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(bytes(MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc, zeros = 0, bytes(MiB)
    for _ in range(size // MiB):
        crc = zlib.crc32(zeros, crc)
    return chunk * (size // MiB) + b"\x03\x00", crc  # 03 00: an empty final block


def raw_zip(entries: list[dict]) -> bytes:
    """A zip written by hand, so that it can say what it likes about its sizes. Each entry: name, data (as
    stored), crc, size (the declared unpacked size), method (0 stored, 8 deflated)."""
    body, directory = io.BytesIO(), io.BytesIO()
    for entry in entries:
        name, data = entry["name"].encode(), entry["data"]
        fields = (entry.get("method", 8), 0, 0, entry["crc"], len(data), entry["size"])
        offset = body.tell()
        body.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, *fields, len(name), 0) + name + data)
        directory.write(
            struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, *fields, len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
    count, start, size = len(entries), body.tell(), directory.tell()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, size, start, 0)
    return body.getvalue() + directory.getvalue() + end


def stored(name: str, data: bytes) -> dict:
    return {"name": name, "data": data, "crc": zlib.crc32(data), "size": len(data), "method": 0}


def office_bomb(kind: str, size: int) -> bytes:
    """A document of `kind` with one part that unpacks to `size` bytes of zeros (honestly declared)."""
    parts, bomb_part = OFFICE_LAYOUT[kind]
    data, crc = deflated_zeros(size)
    return raw_zip(
        [
            *(stored(name, content) for name, content in parts.items()),
            {"name": bomb_part, "data": data, "crc": crc, "size": size},
        ]
    )


def lying_odt(size: int = 256 * MiB) -> bytes:
    """An .odt whose mimetype entry says it is 39 bytes (with the CRC of those 39 bytes) while its deflate
    stream goes on with `size` bytes of zeros: the central directory lies about the unpacked size."""
    mimetype = b"application/vnd.oasis.opendocument.text"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(mimetype) + compressor.flush(zlib.Z_FULL_FLUSH)
    zeros, _crc = deflated_zeros(size)
    return raw_zip(
        [
            {"name": "mimetype", "data": head + zeros, "crc": zlib.crc32(mimetype), "size": len(mimetype)},
            stored("content.xml", b"<office:document-content/>"),
        ]
    )


def many_parts(kind: str, count: int) -> bytes:
    """A document of `kind` with `count` empty parts besides its own."""
    parts, _bomb_part = OFFICE_LAYOUT[kind]
    return raw_zip(
        [*(stored(name, content) for name, content in parts.items()), *(stored(f"x/{i}", b"") for i in range(count))]
    )


def _gif_icc(data: bytes) -> bytes | None:
    start = data.find(b"\x21\xff\x0bICCRGBG1012")
    if start < 0:
        return None
    position, profile = start + 14, b""
    while data[position]:
        profile += data[position + 1 : position + 1 + data[position]]
        position += 1 + data[position]
    return profile


def assert_only_pixels_and_colour_profile(data: bytes, kind: str, size=(40, 20)) -> None:
    """The stored bytes hold none of the markers, no EXIF, and still the ICC profile and the picture."""
    assert markers_in(data) == [], f"metadata left in the stored {kind}"
    with Image.open(io.BytesIO(data)) as stored_image:
        assert stored_image.size == size
        assert not stored_image.getexif() and not stored_image.getexif().get_ifd(0x8825)
        assert "exif" not in stored_image.info and "xmp" not in stored_image.info and "comment" not in stored_image.info
        if kind == "gif":
            assert _gif_icc(data) == ICC  # Pillow does not read a GIF's ICC extension: it must be in the bytes
            assert stored_image.n_frames == 2  # an animation stays one
        else:
            assert stored_image.info.get("icc_profile") == ICC
        left, right = stored_image.convert("RGB").getpixel((2, 10)), stored_image.convert("RGB").getpixel((38, 10))
        assert left != right  # the picture is still there, not a blank


@functools.lru_cache(maxsize=1)
def bzip2_odt(size: int = 128 * MiB) -> bytes:
    """An .odt whose mimetype entry is bzip2-packed (a few hundred bytes for `size` bytes of zeros behind the
    mimetype) and says it is 39 bytes: zipfile gives bzip2 no output limit, so reading even 100 bytes of it
    would unpack everything."""
    import bz2

    mimetype = b"application/vnd.oasis.opendocument.text"
    compressor, zeros = bz2.BZ2Compressor(9), bytes(MiB)
    packed = [compressor.compress(mimetype)] + [compressor.compress(zeros) for _ in range(size // MiB)]
    packed.append(compressor.flush())
    return raw_zip(
        [
            {
                "name": "mimetype",
                "data": b"".join(packed),
                "crc": zlib.crc32(mimetype),
                "size": len(mimetype),
                "method": 12,
            },
            stored("content.xml", b"<office:document-content/>"),
        ]
    )
