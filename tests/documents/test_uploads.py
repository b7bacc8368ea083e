"""documents/uploads.py on its own: the one upload checker, pure functions over an uploaded file and
the caller's rules."""

import ast
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents import uploads
from tests.documents.upload_samples import ICC, gif_with_metadata, markers_in

RULES = uploads.UploadRules(kinds=uploads.IMAGE_KINDS | {"pdf"}, max_bytes=1024 * 1024, wrong_kind="Feil type.")


def _check(data: bytes, name="fil.bin", rules=RULES):
    return uploads.check_upload(SimpleUploadedFile(name, data), rules)


def _refusal(data: bytes, rules=RULES) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        _check(data, rules=rules)
    return refused.value.messages


def test_the_checker_imports_no_domain_app():
    tree = ast.parse(Path(uploads.__file__).read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {
        "io",
        "lzma",
        "re",
        "unicodedata",
        "warnings",
        "zipfile",
        "zlib",
        "dataclasses",
        "typing",
        "django",
        "PIL",
    }, imported


def test_a_checked_upload_says_its_kind_content_type_and_safe_name():
    checked = _check(b"%PDF-1.7\n%%EOF\n", name="../../Tilbud\x00 2026.pdf")
    assert (checked.kind, checked.content_type, checked.name) == ("pdf", "application/pdf", "Tilbud 2026.pdf")
    assert checked.data == b"%PDF-1.7\n%%EOF\n"  # a PDF is stored as it came


def test_each_caller_gets_its_own_messages_and_limits():
    rules = uploads.UploadRules(kinds=frozenset({"png"}), max_bytes=10, wrong_kind="Bare PNG.", too_large="For stor.")
    assert _refusal(b"%PDF-1.7" + b"0" * 20, rules) == ["For stor."]
    assert _refusal(b"%PDF-1.7", rules) == ["Bare PNG."]


def test_the_size_is_checked_on_the_bytes_read_not_the_size_claimed():
    upload = SimpleUploadedFile("fil.pdf", b"%PDF-" + b"0" * 2000)
    upload.size = 10  # a client may claim anything
    rules = uploads.UploadRules(kinds=frozenset({"pdf"}), max_bytes=1000, wrong_kind="x")
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload, rules)
    assert refused.value.messages == ["Filen er større enn 1000\u00a0byte."]


def test_a_gif_keeps_its_animation_timing_and_looping_but_not_its_comments():
    original = gif_with_metadata(frames=2)
    data = _check(original).data
    assert markers_in(data) == []
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(data)) as after:
        assert after.n_frames == before.n_frames == 2
        assert after.info["loop"] == 0 and after.info["duration"] == before.info["duration"] == 200
        after.seek(1)
        before.seek(1)
        assert after.convert("RGB").tobytes() == before.convert("RGB").tobytes()


def test_a_gif_without_its_trailer_is_accepted_and_a_broken_one_refused():
    data = gif_with_metadata(frames=1)
    cut = data[: data.rindex(b";")]
    assert _check(cut.rstrip(b";")).data.endswith(b";")
    broken = data[: 13 + 768 + 40]  # ends inside a block
    assert _refusal(broken) == ["Bildet kunne ikke leses. Er filen skadet?"]


def test_png_transparency_and_a_grey_jpegs_colour_profile_survive():
    out = io.BytesIO()
    palette = Image.new("P", (4, 4), 1)
    palette.putpalette([255, 255, 255, 200, 0, 0] + [0, 0, 0] * 254)
    palette.save(out, "PNG", transparency=0, icc_profile=ICC)
    with Image.open(io.BytesIO(_check(out.getvalue()).data)) as stored:
        assert stored.info["transparency"] == 0 and stored.info["icc_profile"] == ICC


def test_a_cmyk_jpeg_becomes_rgb_without_the_profile_that_described_cmyk():
    out = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 200, 200, 0)).save(out, "JPEG", icc_profile=b"not an RGB profile")
    with Image.open(io.BytesIO(_check(out.getvalue()).data)) as stored:
        assert stored.mode == "RGB" and "icc_profile" not in stored.info


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("L", (5000, 5000)).save(out, "PNG")
    rules = uploads.UploadRules(kinds=uploads.IMAGE_KINDS, max_bytes=1024 * 1024, wrong_kind="x", max_pixels=1_000_000)
    assert _refusal(out.getvalue(), rules) == ["Bildet har for mange piksler."]
