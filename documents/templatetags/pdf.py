import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

COUNTERS = {"%(number)s": "counter(page)", "%(total)s": "counter(pages)"}


@register.simple_tag
def page_number_content() -> SafeString:
    """The CSS `content` value for "Page 2 of 5" in the active language, for an @page margin box.

    The sentence comes from the catalogue (the same one the page lists use),
    so translators keep one string; its words become CSS strings and its
    placeholders page counters: "Side " counter(page) " av " counter(pages).
    """
    sentence = gettext("Page %(number)s of %(total)s")
    parts = re.split(r"(%\(number\)s|%\(total\)s)", sentence)
    css = [COUNTERS.get(part) or _css_string(part) for part in parts if part]
    return mark_safe(" ".join(css))  # noqa: S308 - every literal part is escaped by _css_string


def _css_string(text: str) -> str:
    r"""A double-quoted CSS string; `<` is escaped too, since this lands inside a <style> element."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>\n\r' else char for char in text)
    return f'"{escaped}"'
