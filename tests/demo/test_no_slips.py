"""No language slips (issues 19 and 20): the demo's pages, read as county staff and as a library head in
bokmål, in English and (Vestland's) in nynorsk, and the demo's e-mails, show no raw values: no `None`, no enum value in parentheses
("Aktiv (active)"), no decimals Python-style ("0.0 til 40.0", "600.00"), no English month names and no
"Framdrift" in bokmål.

The pages are found by following the links from the home page (and the parts htmx loads into them), as a
user would, within a bound; downloads and pages that change something on GET are left out. The demo is
loaded once for the module (as in test_seed_demo.py) and the module is in the same xdist group."""

import html
import io
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from accounts.models import User
from notifications.models import OutboxMessage
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("no_slips")]

ROLES = {"county_staff": "fylke@demo.fremdrift.no", "library_head": "biblioteksjef.tromso@demo.fremdrift.no"}
# Vestland writes nynorsk: its staff and a library head read their pages in nynorsk without choosing.
ROLES_NN = {
    "county_staff": "fylke.vestland@demo.fremdrift.no",
    "library_head": "biblioteksjef.sogndal@demo.fremdrift.no",
}
# Read in the order a user meets them (breadth first from the home page), so the main pages come first.
# English is read less far: its slips are the same raw values, and the suite must stay fast.
PAGES_PER_WALK = {"nb": 70, "en": 35, "nn": 35}
# Pages of one kind (one project's page and another's) show the same words: one of each is read.
PER_KIND = 1
# Not pages to read: leaving, downloads and feeds, the admin, and what starts work on GET.
SKIP = re.compile(
    r"^/(konto/(logout|3rdparty|password/reset/key)|admin/|static/|media/|i18n/)"
    r"|\.(pdf|xlsx|docx|csv|ics|zip|png|jpe?g|svg|webp)$|/(last-ned|pdf|xlsx|docx|ics|kalender\.ics)/?$"
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
TELLTALES = {
    "None": re.compile(r"\bNone\b"),
    "a Python decimal": re.compile(r"\d\.0 (til|to)\b|\d\.00(?=[\s<]|$)"),
}
TELLTALES_NB = {
    "an English month": re.compile(rf"\b({MONTHS})\b"),
    '"Framdrift" (nynorsk)': re.compile(r"\b[Ff]ramdrift"),
}
# Whole words only bokmål has, in a nynorsk page (the catalogue test checks the strings; this, the pages).
TELLTALES_NN = {
    "an English month": re.compile(rf"\b({MONTHS})\b"),
    "a bokmål word": re.compile(r"\b(ikke|hva|hvem|hvordan|jeg|noen|mye|hvis)\b", re.I),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back at its end."""
    try:
        import weasyprint  # noqa: F401  (the demo's agreements and reports are PDFs)
    except (ImportError, OSError) as exc:
        skip_or_fail(f"WeasyPrint cannot be imported here, so the demo's PDFs cannot be rendered ({exc})")
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND="notifications.backends.OutboxBackend"),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--i-know-this-is-demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _enum_values() -> set[str]:
    """Every stored value of a field with choices that reads like a code (`active`, `library_head`)."""
    values = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    values.add(value)
    return values


def _enum_pattern() -> re.Pattern:
    return re.compile(r"\((" + "|".join(sorted(_enum_values(), key=len, reverse=True)) + r")\)")


def _text(page: str) -> str:
    """What a reader sees or hears: the text and the attributes a screen reader or a form shows."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    # Not `value`: a number field's value is written with a full stop whatever the language.
    attributes = " ".join(re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


def _slips(text: str, language: str, enums: re.Pattern) -> list[str]:
    found = []
    checks = {**TELLTALES, **{"nb": TELLTALES_NB, "nn": TELLTALES_NN}.get(language, {})}
    for name, pattern in [*checks.items(), ("a raw value in parentheses", enums)]:
        for match in pattern.finditer(text):
            around = re.sub(r"\s+", " ", text[max(0, match.start() - 50) : match.end() + 30]).strip()
            found.append(f"{name}: …{around}…")
    return found


def _walk(client: Client, language: str) -> dict[str, str]:
    """The pages reachable from the home page by links (and htmx parts), PER_KIND of each kind of address
    and at most PAGES_PER_WALK."""
    pages: dict[str, str] = {}
    queue, seen, kinds = deque(["/"]), {"/"}, Counter()
    while queue and len(pages) < PAGES_PER_WALK[language]:
        url = queue.popleft()
        fragment = url.startswith("hx:")
        path = url.removeprefix("hx:")
        headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language, **headers)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        pages[url] = page
        links = [link for link in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', page)]
        parts = ["hx:" + part for part in re.findall(r'data-hx-get="([^"]+)"', page)]
        for link in [*links, *parts]:
            link = html.unescape(link)
            bare = link.removeprefix("hx:")
            split = urlsplit(bare)
            if split.scheme or split.netloc or not bare.startswith("/") or SKIP.search(split.path):
                continue
            # Pagination and filters show the same rows again: one address per path.
            key = ("hx:" if link.startswith("hx:") else "") + split.path
            kind = re.sub(r"\d+", "N", key)
            if key not in seen and kinds[kind] < PER_KIND:
                seen.add(key)
                kinds[kind] += 1
                queue.append(key)
    return pages


def test_the_tell_tales_are_found_where_reviewers_found_them():
    """The slips the reviewers saw (issue 19), each found; the same words said right, none."""
    enums = _enum_pattern()
    seen = [
        "Aktiv (active)",
        "Idé (invited)",
        "Innbyggertall None",
        "0.0 til 40.0",
        "600.00 → 500",
        "15. January 2027",
        "Framdrift",
    ]
    for text in seen:
        assert _slips(_text(f"<p>{text}</p>"), "nb", enums), text
    right = ["Aktiv", "Innbyggertall 1 234", "0 til 40", "600,00 → 500", "15. januar 2027", "Fremdrift", "(valgfritt)"]
    assert not _slips(_text(f"<p>{' · '.join(right)}</p>"), "nb", enums)
    assert not _slips(_text("<p>15 January 2027</p>"), "en", enums)


@pytest.mark.parametrize("language", ["nb", "en", "nn"])
@pytest.mark.parametrize("role", ROLES)
def test_the_demo_pages_show_no_raw_values(demo, role, language):
    client = Client()
    client.force_login(User.objects.get(email=(ROLES_NN if language == "nn" else ROLES)[role]))
    enums = _enum_pattern()
    pages = _walk(client, language)
    assert len(pages) > 25, sorted(pages)
    slips = [f"{url}: {slip}" for url, page in pages.items() for slip in _slips(_text(page), language, enums)]
    assert not slips, f"{len(slips)} slips on {len(pages)} pages:\n" + "\n".join(sorted(set(slips)))


def test_the_demo_e_mails_show_no_raw_values(demo):
    enums = _enum_pattern()
    # allauth's own mail too: a library head who forgot the password.
    response = Client().post("/konto/password/reset/", {"email": ROLES["library_head"]}, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 302
    messages = list(OutboxMessage.objects.select_related("county"))
    assert any(message.county and message.county.written_standard == "nn" for message in messages)
    assert any(message.recipient == ROLES["library_head"] for message in messages)
    slips = []
    for message in messages:
        # The demo's recipients read their county's written standard (Vestland: nynorsk); a message from no
        # county (allauth's) in the language of the page that asked for it, here bokmål.
        language = message.county.written_standard if message.county else "nb"
        text = f"{message.subject}\n{message.body_text}\n{_text(message.body_html)}"
        slips += [
            f"{message.kind} to {message.recipient} «{message.subject}»: {slip}"
            for slip in _slips(text, language, enums)
        ]
    assert not slips, f"{len(slips)} slips in {len(messages)} e-mails:\n" + "\n".join(sorted(set(slips)))
