"""Whether a seal is intact: its hashes, its verification code and its keyed seal.

A SHA-256 proves nothing to someone who can write to the database: they can
rewrite a snapshot together with its hash and verification code. The keyed seal
is an HMAC-SHA256, with `AGREEMENT_SEAL_KEY` (kept out of the database), of the
agreement's id, the moment of sealing and the SHA-256 of the snapshot and of the
PDF (the snapshot holds the SHA-256 of every scanned signature, so it covers them
too). Each seal keeps the id of its key, the first 8 hex digits of the key's
SHA-256; after a key is replaced, listing the old one in
`AGREEMENT_SEAL_OLD_KEYS` keeps its seals verifiable.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .canonical import sha256_hex, text_sha256, verification_code

KEYED_SEAL_FORMAT = "fremdrift-keyed-seal/1"


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def _keyring() -> dict[str, str]:
    """{key id: key}: the current key and the old ones still accepted."""
    keys = [settings.AGREEMENT_SEAL_KEY, *settings.AGREEMENT_SEAL_OLD_KEYS]
    return {key_id(key): key for key in reversed(keys) if key}


def _message(*, agreement_id: int, sealed_at, snapshot_sha256: str, pdf_sha256: str) -> bytes:
    moment = sealed_at.astimezone(UTC).isoformat(timespec="microseconds")
    return "\n".join([KEYED_SEAL_FORMAT, str(agreement_id), moment, snapshot_sha256, pdf_sha256]).encode("utf-8")


def _hmac(key: str, message: bytes) -> str:
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def keyed_seal(*, agreement_id: int, sealed_at, snapshot_sha256: str, pdf_sha256: str) -> tuple[str, str]:
    """(key id, HMAC) of a seal about to be written, with the current key."""
    key = settings.AGREEMENT_SEAL_KEY
    if not key:
        raise ImproperlyConfigured("AGREEMENT_SEAL_KEY is not set: agreements cannot be sealed.")
    message = _message(
        agreement_id=agreement_id, sealed_at=sealed_at, snapshot_sha256=snapshot_sha256, pdf_sha256=pdf_sha256
    )
    return key_id(key), _hmac(key, message)


def keyed_seal_problem(seal) -> str | None:
    """Why the seal's keyed seal does not hold, or None. Reads only the seal's hashes, not its bytes."""
    if not seal.hmac_sha256 and not seal.hmac_key_id:
        return "has no keyed seal (sealed before keyed seals were introduced)"
    if not seal.hmac_sha256:
        return "the keyed seal is empty"
    key = _keyring().get(seal.hmac_key_id)
    if key is None:
        return (
            f"sealed with key {seal.hmac_key_id or '(none)'}, which is neither AGREEMENT_SEAL_KEY "
            "nor in AGREEMENT_SEAL_OLD_KEYS"
        )
    expected = _hmac(
        key,
        _message(
            agreement_id=seal.agreement_id,
            sealed_at=seal.sealed_at,
            snapshot_sha256=seal.snapshot_sha256,
            pdf_sha256=seal.pdf_sha256,
        ),
    )
    if not hmac.compare_digest(expected, seal.hmac_sha256):
        return "the keyed seal does not match: the seal was changed after sealing"
    return None


def seal_problems(seal, *, rehash: bool = True) -> list[str]:
    """Everything wrong with a seal, in words. `rehash=False` trusts the stored bytes to match their
    hashes (the public page, which does not load them); `verify_agreements` rehashes."""
    problems = []
    if rehash:
        if text_sha256(seal.snapshot) != seal.snapshot_sha256:
            problems.append("the snapshot does not match its SHA-256")
        if sha256_hex(bytes(seal.pdf)) != seal.pdf_sha256:
            problems.append("the PDF does not match its SHA-256")
    if verification_code(seal.snapshot_sha256) != seal.verification_code:
        problems.append("the verification code does not match the snapshot's SHA-256")
    keyed = keyed_seal_problem(seal)
    if keyed:
        problems.append(keyed)
    return problems


def is_sealed_with_an_old_key(seal) -> bool:
    return bool(seal.hmac_key_id) and seal.hmac_key_id != key_id(settings.AGREEMENT_SEAL_KEY or "")


def sealed_scan_hashes(seal) -> dict[str, str]:
    """{slot: SHA-256} of the scanned signatures as the snapshot recorded them (empty if it cannot be read)."""
    try:
        signatures = json.loads(seal.snapshot).get("signatures", [])
    except (ValueError, AttributeError):
        return {}
    return {
        item["slot"]: item["scan_sha256"]
        for item in signatures
        if isinstance(item, dict) and item.get("slot") and item.get("scan_sha256")
    }
