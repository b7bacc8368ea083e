"""One source, two parts: the newsletter's Markdown becomes sanitised HTML (documents.markdown),
and the plain-text part is made from that same HTML, so both say the same thing and neither
can carry a script. Images follow the text, with their alt text in the plain part.

Every recipient gets their own unsubscribe link. The message is rendered once with
placeholders and each copy gets its links by string replacement: 10,000 recipients cost
one template rendering, not 10,000.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString

from documents.markdown import render_markdown

from . import tokens
from .models import Newsletter

UNSUBSCRIBE_PLACEHOLDER = "FREMDRIFT-PLACEHOLDER-UNSUBSCRIBE-URL"
PREFERENCES_PLACEHOLDER = "FREMDRIFT-PLACEHOLDER-PREFERENCES-URL"

BLOCKS = {
    "p",
    "div",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
}


class _TextMaker(HTMLParser):
    """Sanitised HTML to readable plain text: paragraphs, list bullets, links as "text (address)"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.list_depth = 0
        self.heading = False

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol"):
            self.list_depth += 1
        elif tag == "li":
            self.parts.append("\n" + "  " * (self.list_depth - 1) + "- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag in ("h2", "h3", "h4", "h5", "h6"):
            self.heading = True

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.list_depth = max(0, self.list_depth - 1)
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith("mailto:"):
                self.parts.append(f" ({href})")
        elif tag in ("h2", "h3", "h4", "h5", "h6"):
            self.heading = False
        if tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        text = " ".join(data.split()) if not data.isspace() else " "
        if data[:1].isspace() and text != " ":
            text = " " + text
        if data[-1:].isspace() and text != " ":
            text += " "
        self.parts.append(text.upper() if self.heading else text)

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).splitlines()]
        out, blank = [], False
        for line in lines:
            if not line:
                blank = bool(out)
                continue
            if blank:
                out.append("")
            out.append(line)
            blank = False
        return "\n".join(out)


def html_to_text(html: str) -> str:
    maker = _TextMaker()
    maker.feed(html)
    maker.close()
    return maker.text()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_html: str  # the whole e-mail, with placeholders for the personal links
    body_text: str

    def for_recipient(self, *, unsubscribe_url: str, preferences_url: str) -> tuple[str, str]:
        def fill(text):
            return text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url).replace(
                PREFERENCES_PLACEHOLDER, preferences_url
            )

        return fill(self.body_html), fill(self.body_text)


def body_html(newsletter_body: str, *, preview: bool = False) -> SafeString:
    """The sanitised HTML of the Markdown text (safe to show in pages and e-mails); a `preview` (each pause
    in typing) is not kept in the Markdown cache."""
    return render_markdown(newsletter_body, cache=not preview)


def render_newsletter(newsletter: Newsletter, *, images=None, language: str | None = None) -> Rendered:
    """The e-mail for every recipient, with placeholders for each one's links."""
    images = list(newsletter.images.all()) if images is None else images
    county = newsletter.county
    html_body = body_html(newsletter.body)
    context = {
        "newsletter": newsletter,
        "county": county,
        "sender_name": county.sender_name or county.name,
        "sender_email": county.sender_email,
        "body_html": html_body,
        "body_text": html_to_text(html_body),
        "images": [(image, absolute(image.get_absolute_url())) for image in images],
        "web_url": absolute(newsletter.get_public_url()) if newsletter.is_public else "",
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "preferences_url": PREFERENCES_PLACEHOLDER,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string("newsletters/email/newsletter.html", context)
        text = render_to_string("newsletters/email/newsletter.txt", context)
    return Rendered(subject=newsletter.subject, body_html=html, body_text=text)


def unsubscribe_url(email: str, list_id: int) -> str:
    return absolute(reverse("newsletters:unsubscribe", kwargs={"token": tokens.make_unsubscribe_token(email, list_id)}))


def list_headers(newsletter: Newsletter, *, unsubscribe_url: str) -> dict[str, str]:
    """What tells a mail client the infobrev is list mail: its id (RFC 2919), where the archive is,
    where to read about the list and unsubscribe (RFC 2369, RFC 8058's one click)."""
    county = newsletter.county
    host = urlsplit(settings.SITE_URL).hostname or "fremdrift.local"
    if newsletter.project_id:
        list_id = f"prosjekt-{newsletter.project_id}.fylke-{county.number}.infobrev.{host}"
        archive = reverse("newsletters:project-archive", kwargs={"number": county.number, "pk": newsletter.project_id})
    else:
        list_id = f"fylke-{county.number}.infobrev.{host}"
        archive = reverse("newsletters:archive", kwargs={"number": county.number})
    return {
        "List-Id": f"<{list_id}>",
        "List-Archive": f"<{absolute(archive)}>",
        "List-Help": f"<{absolute(reverse('newsletters:public-county', kwargs={'number': county.number}))}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "list",
    }


_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_:-]+")  # signing's characters: reverse() leaves them as they are


class PersonalLinks:
    """Each recipient's links and list headers for one newsletter sent to many: the URL patterns are
    reversed once and each token put into them (the same URLs as `unsubscribe_url` and
    `preferences_url` give, for a fraction of the time of 10,000 reverses)."""

    def __init__(self, newsletter: Newsletter):
        self.list_id, self.county_id = newsletter.mailing_list_id, newsletter.county_id
        self.unsubscribe = absolute(reverse("newsletters:unsubscribe", kwargs={"token": "TOKEN"}))
        self.preferences = absolute(reverse("newsletters:preferences", kwargs={"token": "TOKEN"}))
        self.headers = list_headers(newsletter, unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER)

    def unsubscribe_url(self, email: str) -> str:
        token = tokens.make_unsubscribe_token(email, self.list_id)
        if not _PLAIN_TOKEN.fullmatch(token):
            return unsubscribe_url(email, self.list_id)
        return self.unsubscribe.replace("TOKEN", token)

    def preferences_url(self, email: str) -> str:
        token = tokens.make_preferences_token(email, self.county_id)
        if not _PLAIN_TOKEN.fullmatch(token):
            return preferences_url(email, self.county_id)
        return self.preferences.replace("TOKEN", token)

    def list_headers(self, *, unsubscribe_url: str) -> dict[str, str]:
        return {name: value.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url) for name, value in self.headers.items()}


def preferences_url(email: str, county_id: int) -> str:
    return absolute(
        reverse("newsletters:preferences", kwargs={"token": tokens.make_preferences_token(email, county_id)})
    )
