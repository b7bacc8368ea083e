"""Fixtures for PDF tests: WeasyPrint present (or a clear skip), a counting HTTP server, PDF reading."""

import io
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from tests.conftest import skip_or_fail

# PDF templates that exist only for tests, served by a locmem loader (see `test_templates`).
TEST_TEMPLATES = {
    "pdf_tests/sample.html": """{% extends "pdf/base.html" %}
{% load markdown charts %}
{% block header %}HEADER-SLOT{% endblock %}
{% block footer %}FOOTER-SLOT{% endblock %}
{% block content %}
  <h1>Sample</h1>
  <p class="escaped">{{ text }}</p>
  <div class="markdown">{{ markdown|markdown }}</div>
  {% if chart %}{% chart chart %}{% endif %}
  {% if rows %}
    <table>
      <thead><tr><th scope="col">Column-Heading</th><th scope="col">Other</th></tr></thead>
      <tbody>{% for row in rows %}<tr><td>row {{ row }}</td><td>Ŧŋ</td></tr>{% endfor %}</tbody>
    </table>
  {% endif %}
{% endblock %}
""",
    "pdf_tests/links.html": """{% extends "pdf/base.html" %}
{% block content %}
  <h1>Lenker</h1>
  <p><a href="#summary">Gå til sammendraget</a> og <a href="https://example.org/p/1">Prosjektet på nett</a>.</p>
  <h2 id="summary">Sammendrag</h2>
{% endblock %}
""",
}


@pytest.fixture
def weasyprint():
    """WeasyPrint, importable here; PDF tests skip without it (and fail in CI)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        skip_or_fail(f"WeasyPrint cannot be imported here, so no PDF can be rendered ({exc})")
    return weasyprint


@pytest.fixture
def test_templates(settings):
    """Makes TEST_TEMPLATES loadable, ahead of the project's own templates."""
    engine = settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", TEST_TEMPLATES),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = [{**engine, "APP_DIRS": False, "OPTIONS": {**engine["OPTIONS"], "loaders": loaders}}]


class CountingServer:
    """An HTTP server on loopback that counts every request; `/redirect` answers 302 to `/secret`.

    Whatever it serves contains LEAK_MARKER, so anything fetched from it would
    show in the PDF as well as in the count.
    """

    LEAK_MARKER = "LEAKED-FROM-HTTP-SERVER"

    def __init__(self):
        self.hits: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with server.lock:
                    server.hits.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "/secret")
                    self.end_headers()
                    return
                body = f"/* {server.LEAK_MARKER} */ body::before {{ content: '{server.LEAK_MARKER}' }}".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # shutdown() waits for the loop to look up: the default half second was most of each test's time.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def count(self) -> int:
        with self.lock:
            return len(self.hits)


@pytest.fixture
def http_server():
    server = CountingServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF in the order it is drawn, whitespace collapsed to single spaces: by poppler's
    pdftotext where it is installed (CI installs it; pypdf takes seconds for a report of a few pages),
    by pypdf otherwise."""
    if PDFTOTEXT:
        result = subprocess.run([PDFTOTEXT, "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return normalise(result.stdout.decode().replace("\f", " "))
    reader = PdfReader(io.BytesIO(pdf))
    return normalise(" ".join(page.extract_text() for page in reader.pages))


PDFTOTEXT = shutil.which("pdftotext")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_catalog(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def pdf_all_bytes(pdf: bytes) -> bytes:
    """The raw file plus every stream decoded, so that compressed content can be searched too."""
    reader = PdfReader(io.BytesIO(pdf))
    numbers = {number for generation in reader.xref.values() for number in generation} | set(reader.xref_objStm)
    chunks = [pdf]
    for number in sorted(numbers):
        obj = reader.get_object(number)
        if hasattr(obj, "get_data"):
            try:
                chunks.append(obj.get_data())
            except Exception:  # noqa: BLE001 - a stream pypdf cannot decode is still searched raw above
                continue
    return b"\n".join(chunks)


def embedded_files(pdf: bytes) -> list:
    """Names of files embedded in the PDF, from the catalog and from file-attachment annotations."""
    reader = PdfReader(io.BytesIO(pdf))
    found = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment" or "/FS" in annotation:
                found.append(str(annotation.get("/FS")))
    return found


def link_targets(pdf: bytes) -> list[str]:
    """The URIs of every link annotation, and the type of every other action, in the PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    targets = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                targets.append(str(action.get("/URI", action.get("/S"))))
    return targets
