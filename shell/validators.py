"""Values that become e-mail headers (sender name and address, subjects, reply-to, attachment file names).

A line break in a header lets whoever wrote the value add headers of their own (`Bcc: …`), and
other control characters have no business there either. The same rule is applied three times:
by the forms (a message on the field), when a message is queued, and when it is built for sending
(so a value that got into the database anyway fails only its own message).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (Cc: CR, LF, TAB, NUL, NEL …) and the Unicode line and paragraph separators,
# which Python's e-mail package and some mail clients also treat as line breaks.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})

HEADER_VALUE_MESSAGE = _(
    "Write this on one line, without line breaks or control characters: it becomes part of the e-mail's header."
)


def is_header_safe(value) -> bool:
    return not any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in str(value))


def validate_header_value(value) -> None:
    """The validator of every form and model field whose value becomes (part of) an e-mail header."""
    if not is_header_safe(value):
        raise ValidationError(HEADER_VALUE_MESSAGE, code="header_value")


def one_line(text: str) -> str:
    """Text made fit for a header: whitespace (line breaks too) collapsed to one space, other control characters dropped."""
    return "".join(char for char in " ".join(str(text).split()) if is_header_safe(char))
