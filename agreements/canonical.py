"""Canonical bytes for what is signed and sealed, their SHA-256, and the verification code.

The canonical form is JSON with sorted keys, no insignificant whitespace and
UTF-8 text (no \\u escapes), after every string (keys too) is NFC-normalised:
"å" typed as one code point or as "a" + ring hashes the same. Anyone with the
snapshot can recompute its hash with any JSON library that sorts keys.
"""

import hashlib
import json
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

CODE_LENGTH = 20  # hex digits of the snapshot's SHA-256 in the verification code: 80 bits


def _normalise(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_normalise(str(key)): _normalise(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical_json(data) -> str:
    """The canonical text of `data` (dicts, lists, strings, numbers, booleans, None, dates)."""
    return json.dumps(_normalise(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of a canonical text."""
    return sha256_hex(text.encode("utf-8"))


def verification_code(snapshot_sha256: str) -> str:
    """ "3F2A-9C1B-07DE-44A0-B1C2": the first 80 bits of the snapshot's hash, in groups of four."""
    head = snapshot_sha256[:CODE_LENGTH].upper()
    return "-".join(head[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """What a person typed, as a code or a full hash: hex digits only, upper case."""
    return re.sub(r"[^0-9A-Fa-f]", "", text or "").upper()
