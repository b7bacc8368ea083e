"""The URL fetcher: data: URLs and our own static files, nothing else."""

import os

import pytest
from django.conf import settings

from documents.fetcher import Fetch, StaticFiles, make_url_fetcher
from documents.pdf import static_files_for_pdf

PREFIX = "https://fremdrift.example.no/static/"


@pytest.fixture
def static_dirs(tmp_path):
    """Two static directories laid out like the finders' locations, a secret beside them and a symlink out."""
    first, second, secret = tmp_path / "first", tmp_path / "second", tmp_path / "secret.txt"
    (first / "fonts").mkdir(parents=True)
    (first / "fonts" / "a.ttf").write_bytes(b"font a")
    (second / "vendor" / "css").mkdir(parents=True)
    (second / "vendor" / "css" / "b.css").write_bytes(b"body {}")
    (second / "hashed.1234.css").write_bytes(b"p {}")
    secret.write_text("root:x:0:0:secret")
    os.symlink(secret, first / "fonts" / "escape.ttf")
    return StaticFiles(
        url_prefix=PREFIX, locations=(("", str(first)), ("vendor", str(second / "vendor")), ("", str(second)))
    )


@pytest.mark.parametrize(
    "url, expected",
    [
        (PREFIX + "fonts/a.ttf", "first/fonts/a.ttf"),
        (PREFIX + "fonts/a.ttf?#iefix", "first/fonts/a.ttf"),
        (PREFIX + "vendor/css/b.css", "second/vendor/css/b.css"),
        (PREFIX + "hashed.1234.css", "second/hashed.1234.css"),
        ("HTTPS://Fremdrift.Example.No/static/fonts/a.ttf", "first/fonts/a.ttf"),
    ],
)
def test_static_files_resolve_to_files_inside_the_static_directories(static_dirs, tmp_path, url, expected):
    assert static_dirs.resolve(url) == (tmp_path / expected).resolve()


@pytest.mark.parametrize(
    "url",
    [
        PREFIX + "../secret.txt",
        PREFIX + "fonts/../../secret.txt",
        PREFIX + "%2e%2e/secret.txt",
        PREFIX + "fonts%2f..%2f..%2fsecret.txt",
        PREFIX + "fonts/..%5c..%5csecret.txt",
        PREFIX + "/etc/passwd",
        PREFIX + "fonts//a.ttf",
        PREFIX + "./fonts/a.ttf",
        PREFIX + "fonts/a.ttf%00.png",
        PREFIX + "fonts/escape.ttf",  # a symlink pointing out of the directory
        PREFIX + "fonts/missing.ttf",
        PREFIX + "fonts",  # a directory
        PREFIX,
        "https://fremdrift.example.no/media/letterheads/x.png",
        "https://fremdrift.example.no/staticx/fonts/a.ttf",
        "http://fremdrift.example.no/static/fonts/a.ttf",  # another scheme is another origin
        "https://evil.example/static/fonts/a.ttf",
        "https://fremdrift.example.no:8443/static/fonts/a.ttf",
        "file:///etc/passwd",
        "file://" + "/static/fonts/a.ttf",
        "/static/fonts/a.ttf",
        "ftp://fremdrift.example.no/static/fonts/a.ttf",
        "http://[::1/static/x",  # unparseable
    ],
)
def test_everything_else_is_refused(static_dirs, url):
    assert static_dirs.resolve(url) is None


def test_static_files_for_pdf_follow_the_finders_and_static_root(settings):
    settings.SITE_URL = "https://fremdrift.example.no"
    static_files = static_files_for_pdf()
    assert static_files.url_prefix == "https://fremdrift.example.no/static/"
    assert ("", str(settings.BASE_DIR / "static")) in static_files.locations
    assert static_files.locations[-1] == ("", str(settings.STATIC_ROOT))
    font = static_files.resolve("https://fremdrift.example.no/static/fonts/DejaVuSans.ttf")
    assert font == (settings.BASE_DIR / "static" / "fonts" / "DejaVuSans.ttf").resolve()
    # An app's static files are found as the finders find them.
    assert static_files.resolve("https://fremdrift.example.no/static/admin/css/base.css") is not None
    assert static_files.resolve("https://fremdrift.example.no/static/../config/settings/base.py") is None


def test_the_weasyprint_fetcher_serves_data_and_static_files_and_refuses_the_rest(weasyprint, http_server):
    seen: list[Fetch] = []
    fetcher = make_url_fetcher(static_files_for_pdf(), seen.append)
    assert isinstance(fetcher, weasyprint.URLFetcher)

    font = fetcher.fetch(f"{settings.SITE_URL}/static/fonts/DejaVuSans.ttf")
    assert font.read() == (settings.BASE_DIR / "static" / "fonts" / "DejaVuSans.ttf").read_bytes()
    assert fetcher.fetch("data:text/plain;base64,aGVp").read() == b"hei"
    stylesheet = fetcher.fetch(f"{settings.SITE_URL}/static/css/pdf.css")
    assert stylesheet.content_type == "text/css"

    for url in ["file:///etc/passwd", f"{http_server.url}/redirect", f"{http_server.url}/x.css"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        with pytest.raises(ValueError):
            fetcher(url)  # how WeasyPrint calls it
    assert http_server.count() == 0
    assert [f.allowed for f in seen] == [True, True, True] + [False] * 6
