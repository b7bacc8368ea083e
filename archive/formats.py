"""The real format of a document, from its bytes: a PRONOM identifier (what Noark 5's `format`
holds) and a description for `formatDetaljer`. A file is declared as what it is, never as what its
name says."""

import re
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class FileFormat:
    pronom: str  # PRONOM PUID, e.g. "fmt/476"
    details: str  # e.g. "PDF/A-2a"
    extension: str
    is_archival: bool  # an archival format (Arkivverket's list): PDF/A, and so variant "Arkivformat"


# PDF/A: (part, conformance) -> PUID
PDFA = {
    ("1", "a"): "fmt/95",
    ("1", "b"): "fmt/354",
    ("2", "a"): "fmt/476",
    ("2", "b"): "fmt/477",
    ("2", "u"): "fmt/478",
    ("3", "a"): "fmt/479",
    ("3", "b"): "fmt/480",
    ("3", "u"): "fmt/481",
}
PDF_VERSIONS = {
    "1.0": "fmt/14",
    "1.1": "fmt/15",
    "1.2": "fmt/16",
    "1.3": "fmt/17",
    "1.4": "fmt/18",
    "1.5": "fmt/19",
    "1.6": "fmt/20",
    "1.7": "fmt/276",
    "2.0": "fmt/1129",
}
# XMP writes pdfaid:part as an element or as an attribute.
PART = re.compile(rb"pdfaid:part(?:>|=[\"'])\s*(\d)")
CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=[\"'])\s*([ABUabu])")
STREAM = re.compile(
    rb"<<((?:(?!>>\s*stream).){0,500}?/Type\s*/Metadata(?:(?!>>\s*stream).){0,500}?)>>\s*stream\r?\n", re.DOTALL
)


def _xmp(data: bytes) -> bytes:
    """The PDF's XMP metadata streams, inflated where they are compressed (WeasyPrint compresses them)."""
    found = []
    for match in STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end >= 0 else None]
        if b"/FlateDecode" in match.group(1):
            try:
                raw = zlib.decompressobj().decompress(raw)
            except zlib.error:
                continue
        found.append(raw)
    return b"\n".join(found) or data


def detect(data: bytes) -> FileFormat:
    if data.startswith(b"%PDF-"):
        metadata = _xmp(data)
        part, conformance = PART.search(metadata), CONFORMANCE.search(metadata)
        if part and conformance:
            key = (part.group(1).decode(), conformance.group(1).decode().lower())
            if key in PDFA:
                return FileFormat(PDFA[key], f"PDF/A-{key[0]}{key[1]}", "pdf", True)
        version = data[5:8].decode("ascii", "replace")
        return FileFormat(PDF_VERSIONS.get(version, "fmt/276"), f"PDF {version}", "pdf", False)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileFormat("fmt/13", "PNG 1.2", "png", False)
    if data.startswith(b"\xff\xd8\xff"):
        return FileFormat("fmt/43", "JPEG (JFIF)", "jpg", False)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return FileFormat("fmt/353", "TIFF", "tif", False)
    return FileFormat("UNKNOWN", "not recognised", "bin", False)
