"""Readable ASCII names for files and addresses, from Norwegian and Sámi text.

Django's `slugify` drops what it cannot decompose: ø, æ, đ, ŋ and ŧ vanish ("Tromsø" becomes
"troms"). These are written out first, the way a Norwegian reader would (æ→ae, ø→o, å→a), and the
Sámi letters á, č, đ, ŋ, š, ŧ, ž become a, c, d, n, s, t, z.
"""

from django.utils.text import slugify

LETTERS = {"æ": "ae", "ø": "o", "å": "a", "á": "a", "č": "c", "đ": "d", "ŋ": "n", "š": "s", "ŧ": "t", "ž": "z"}
TABLE = str.maketrans(LETTERS | {k.upper(): v for k, v in LETTERS.items()})


def ascii_slug(text: str) -> str:
    """ "Gáivuotna - Kåfjord" → "gaivuotna-kafjord"; "Tromsø" → "tromso"."""
    return slugify(str(text).translate(TABLE))
