"""Markdown written by users, turned into HTML that is safe to show anywhere.

User text is converted with `markdown` and then cleaned by `nh3` (an allowlist
of tags and attributes, only http(s) and mailto links): no scripts, no styles,
no event handlers, no `javascript:` links. It is never rendered as a template.
"""

import functools

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# The same text always gives the same HTML, and the pages that show Markdown show the same texts again
# and again (an agreement's articles, the handbook, a project's description): each is converted once per
# process, keyed by the text itself (an edited text is converted anew). Long texts are converted each time,
# so the cache holds at most CACHED_ENTRIES × CACHED_LENGTH characters.
CACHED_LENGTH = 50_000
CACHED_ENTRIES = 512


def render_markdown(text: str, *, cache: bool = True) -> SafeString:
    """Return sanitised HTML for Markdown `text` (empty string for empty input). `cache=False` for a text
    shown once (a live preview while someone types), which would only push the others out."""
    if not text:
        return mark_safe("")
    text = str(text)
    if cache and len(text) <= CACHED_LENGTH:
        return _cached(text)
    return _converted(text)


@functools.lru_cache(maxsize=CACHED_ENTRIES)
def _cached(text: str) -> SafeString:
    return _converted(text)


def _converted(text: str) -> SafeString:
    html = markdown_lib.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 above
