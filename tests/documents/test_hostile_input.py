"""Hostile text in user-written fields: shown as text, never fetched, never leaked into the PDF.

Every input is rendered three ways:

- in the fact sheet's user fields (municipality, library and contact names);
- through a test template as escaped text and through `|markdown`;
- as raw HTML straight to the renderer, as if escaping had failed, to show
  that the URL fetcher holds on its own.

Each time a loopback HTTP server counts requests (it must get none, not even
through a redirect), the log shows every fetch (only static files and data:
URLs may be allowed), and neither /etc/passwd, /etc/hostname nor anything the
server would have sent may appear in the PDF, raw or decompressed, nor may the
PDF carry embedded files or scripts. Escaped and sanitised text also leaves no
link but http(s) and mailto ones; raw HTML keeps its links (they are never
fetched), which is why user text must never reach a template unescaped.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from documents.pdf import html_to_pdf, render_pdf
from municipalities.factsheet import render_factsheet
from municipalities.models import Contact, Library, Municipality
from tests.documents.conftest import CountingServer, embedded_files, link_targets, pdf_all_bytes, pdf_text
from tests.factories import ContactFactory, LibraryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint")]


@dataclass(frozen=True)
class Hostile:
    name: str
    text: str  # {server} is the counting server, {site} is SITE_URL
    refused: tuple[str, ...] = ()  # URLs WeasyPrint must ask for, and be refused, when given as raw HTML

    def __str__(self):
        return self.name

    def render(self, server: CountingServer) -> str:
        return self.text.replace("{server}", server.url).replace("{site}", settings.SITE_URL)


SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"'

HOSTILE = [
    Hostile("img-file", '<img src="file:///etc/passwd" alt="x">', ("file:///etc/passwd",)),
    Hostile("img-cloud-metadata", '<img src="http://169.254.169.254/latest/meta-data/">', ("http://169.254.169.254/",)),
    Hostile("img-loopback", '<img src="{server}/img.png">', ("{server}/img.png",)),
    Hostile("css-import-text", "@import url(http://127.0.0.1:6379); @import url({server}/text.css);"),
    Hostile("style-import", '<style>@import url("{server}/style.css");</style>', ("{server}/style.css",)),
    Hostile("link-stylesheet", '<link rel="stylesheet" href="{server}/link.css">', ("{server}/link.css",)),
    Hostile(
        "svg-image-file",
        f'<svg {SVG}><image href="file:///etc/hostname" width="20" height="20"/></svg>',
        ("file:///etc/hostname",),
    ),
    Hostile(
        "svg-image-loopback",
        f'<svg {SVG}><image xlink:href="{{server}}/svg.png" width="20" height="20"/></svg>',
        ("{server}/svg.png",),
    ),
    Hostile("svg-use-loopback", f'<svg {SVG}><use href="{{server}}/sprite.svg#a"/></svg>'),
    Hostile("iframe", '<iframe src="{server}/iframe.html"></iframe>'),
    Hostile(
        "object-file", '<object data="file:///etc/passwd" type="text/plain">fallback</object>', ("file:///etc/passwd",)
    ),
    Hostile("embed-loopback", '<embed src="{server}/embed.svg" type="image/svg+xml">', ("{server}/embed.svg",)),
    Hostile("redirect", '<img src="{server}/redirect">', ("{server}/redirect",)),
    Hostile("a-rel-attachment", '<a rel="attachment" href="file:///etc/passwd">passwd</a>', ("file:///etc/passwd",)),
    Hostile("link-rel-attachment", '<link rel="attachment" href="file:///etc/passwd">', ("file:///etc/passwd",)),
    Hostile(
        "style-attribute-file", '<p style="background: url(file:///etc/passwd)">bakgrunn</p>', ("file:///etc/passwd",)
    ),
    Hostile(
        "style-attribute-loopback",
        "<div style=\"background-image: url('{server}/bg.png')\">x</div>",
        ("{server}/bg.png",),
    ),
    Hostile(
        "font-face-file",
        "<style>@font-face { font-family: x; src: url(file:///etc/passwd) } p { font-family: x }</style><p>tekst</p>",
        ("file:///etc/passwd",),
    ),
    Hostile("base-href", '<base href="{server}/"><img src="relative.png">', ("{server}/relative.png",)),
    Hostile(
        "static-traversal",
        '<img src="{site}/static/../../../../etc/passwd"><img src="{site}/static/%2e%2e/%2e%2e/etc/passwd">',
        ("{site}/static/",),
    ),
    Hostile(
        "picture-srcset",
        '<picture><source srcset="{server}/pic.png"><img src="{server}/pic2.png"></picture>',
        ("{server}/pic2.png",),
    ),
    Hostile("markdown-image", "![x](file:///etc/passwd) ![y]({server}/md.png)"),
    Hostile(
        "markdown-javascript-link", '[klikk](javascript:alert(document.cookie)) <a href="javascript:alert(1)">a</a>'
    ),
    Hostile("script", "<script>document.write('<img src=\"{server}/script.png\">')</script>"),
    Hostile("template-syntax", "{{ settings.SECRET_KEY }} {% debug %} {{ request.user.password }}"),
]

PASSWD_MARKER = b"root:x:0:0"


def _hostname() -> bytes | None:
    """The machine's host name when it is long enough not to match by chance."""
    try:
        name = Path("/etc/hostname").read_bytes().strip()
    except OSError:
        return None
    return name if len(name) >= 6 else None


def _no_spaces(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_nothing_fetched_or_leaked(pdf: bytes, server: CountingServer, caplog) -> None:
    assert server.count() == 0, f"the loopback server was asked for {server.hits}"
    static_prefix = settings.SITE_URL + settings.STATIC_URL
    for url in fetched_urls(caplog):
        assert url.startswith((static_prefix, "data:")) and ".." not in url, url
    everything = pdf_all_bytes(pdf)
    assert PASSWD_MARKER not in everything
    assert CountingServer.LEAK_MARKER.encode() not in everything
    hostname = _hostname()
    if hostname:
        assert hostname not in everything
    assert settings.SECRET_KEY.encode() not in everything
    assert embedded_files(pdf) == []
    assert b"/EmbeddedFile" not in everything and b"/Filespec" not in everything
    assert b"/JavaScript" not in everything and b"/JS" not in everything


def assert_only_web_links(pdf: bytes) -> None:
    """Escaping and nh3 leave only http(s) and mailto links (raw HTML keeps its links: they are not fetched)."""
    for target in link_targets(pdf):
        assert target.startswith(("http://", "https://", "mailto:", "/GoTo")), f"a link to {target}"


def fetched_urls(caplog) -> list[str]:
    """URLs the fetcher served (logged at DEBUG by documents.pdf)."""
    return [r.pdf_url for r in caplog.records if hasattr(r, "pdf_url") and r.levelno == logging.DEBUG]


def refused_urls(caplog) -> list[str]:
    """URLs the fetcher refused (logged as warnings by documents.pdf)."""
    return [r.pdf_url for r in caplog.records if hasattr(r, "pdf_url") and r.levelno == logging.WARNING]


@pytest.fixture
def fetch_log(caplog):
    caplog.set_level(logging.DEBUG, logger="documents.pdf")
    return caplog


@pytest.mark.parametrize("hostile", HOSTILE, ids=str)
def test_hostile_text_and_markdown_are_shown_not_obeyed(hostile, test_templates, http_server, fetch_log):
    text = hostile.render(http_server)
    pdf = render_pdf("pdf_tests/sample.html", {"text": text, "markdown": text}, title="Fiendtlig")
    assert_nothing_fetched_or_leaked(pdf, http_server, fetch_log)
    assert refused_urls(fetch_log) == [], "escaped and sanitised text should not even ask for a URL"
    assert_only_web_links(pdf)
    assert _no_spaces(text) in _no_spaces(pdf_text(pdf)), "the escaped text should appear as written"


@pytest.mark.parametrize("hostile", HOSTILE, ids=str)
def test_hostile_html_reaching_weasyprint_fetches_nothing_outside_the_allowlist(hostile, http_server, fetch_log):
    html = (
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Rå HTML</title>'
        '<link rel="stylesheet" href="/static/css/pdf.css"></head>'
        f"<body><p>Før</p>{hostile.render(http_server)}<p>Etter</p></body></html>"
    )
    pdf = html_to_pdf(html)
    assert_nothing_fetched_or_leaked(pdf, http_server, fetch_log)
    refused = refused_urls(fetch_log)
    for expected in hostile.refused:
        expected = expected.replace("{server}", http_server.url).replace("{site}", settings.SITE_URL)
        assert any(url.startswith(expected) for url in refused), f"{expected} was not refused; refused: {refused}"


def _fit(model, field: str, text: str) -> str:
    """`text` cut to the field's length, as the database (PostgreSQL) would insist."""
    return text[: model._meta.get_field(field).max_length]


def test_hostile_text_in_every_factsheet_field(municipality, http_server, fetch_log):
    texts = [hostile.render(http_server) for hostile in HOSTILE]
    municipality.name = _fit(Municipality, "name", texts[0])
    municipality.region = _fit(Municipality, "region", texts[-1])
    municipality.save()
    shown_texts = [municipality.name, municipality.region]
    for number, text in enumerate(texts):
        library = LibraryFactory(
            municipality=municipality,
            name=_fit(Library, "name", text),
            address=_fit(Library, "address", text),
            is_main=False,
        )
        contact = ContactFactory(
            municipality=municipality,
            name=_fit(Contact, "name", text),
            title=_fit(Contact, "title", texts[-1 - number]),
        )
        shown_texts += [library.name, library.address, contact.name, contact.title]
    pdf = render_factsheet(municipality)
    assert_nothing_fetched_or_leaked(pdf, http_server, fetch_log)
    assert refused_urls(fetch_log) == []
    assert_only_web_links(pdf)
    shown = _no_spaces(pdf_text(pdf))
    for text in shown_texts:
        assert _no_spaces(text) in shown
