"""The keyed seal: an HMAC-SHA256 of a sealed agreement's hashes with a key kept out of the database.

Whoever can write to the database can recompute a SHA-256; without AGREEMENT_SEAL_KEY they cannot
recompute the keyed seal, so `verify_agreements` catches a snapshot, PDF or scan rewritten together with
its hash and verification code.
"""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from agreements.canonical import sha256_hex, text_sha256, verification_code
from agreements.models import Seal
from tests.agreements.conftest import Slot, sign, tamper
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def verify(capsys) -> tuple[bool, str]:
    """(passed, everything the command wrote)."""
    try:
        call_command("verify_agreements")
    except CommandError as exc:
        captured = capsys.readouterr()
        return False, captured.out + captured.err + str(exc)
    captured = capsys.readouterr()
    return True, captured.out + captured.err


def rewrite_snapshot(seal: Seal) -> str:
    """Change the sealed text and write the snapshot's SHA-256 and verification code to match."""
    snapshot = seal.snapshot.replace("Tromsø", "Tromsa")
    assert snapshot != seal.snapshot
    digest = text_sha256(snapshot)
    tamper(
        "UPDATE agreements_seal SET snapshot = %s, snapshot_sha256 = %s, verification_code = %s WHERE id = %s",
        [snapshot, digest, verification_code(digest), seal.pk],
    )
    return verification_code(digest)


def test_sealing_writes_the_keyed_seal_with_the_key_id(sealed, settings):
    seal = Seal.objects.get(agreement=sealed)
    assert seal.hmac_key_id == key_id(settings.AGREEMENT_SEAL_KEY)
    assert len(seal.hmac_sha256) == 64 and int(seal.hmac_sha256, 16) >= 0


def test_a_snapshot_rewritten_with_its_hash_and_code_fails_verification(sealed, capsys):
    seal = Seal.objects.get(agreement=sealed)
    passed, _ = verify(capsys)
    assert passed
    new_code = rewrite_snapshot(seal)
    passed, output = verify(capsys)
    assert not passed
    assert f"agreement {sealed.pk} ({new_code}): the keyed seal does not match" in output


def test_a_pdf_rewritten_with_its_hash_fails_verification(sealed, capsys):
    seal = Seal.objects.get(agreement=sealed)
    pdf = bytes(seal.pdf).replace(b"stand-in", b"forfalsket")
    tamper("UPDATE agreements_seal SET pdf = %s, pdf_sha256 = %s WHERE id = %s", [pdf, sha256_hex(pdf), seal.pk])
    passed, output = verify(capsys)
    assert not passed and f"agreement {sealed.pk} ({seal.verification_code}): the keyed seal does not match" in output


def test_a_scan_rewritten_with_its_hash_fails_verification(
    sent, county_staff, library_head, leadership, stub_pdf, settings, tmp_path, capsys
):
    """The scan's SHA-256 is in the sealed snapshot: rewriting the file and the signature row is not enough."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from agreements.services import signatures

    settings.MEDIA_ROOT = tmp_path
    sign(sent, Slot.COUNTY, county_staff)
    sign(sent, Slot.LIBRARY_HEAD, library_head)
    signature = signatures.record_wet_ink_signature(
        agreement=sent,
        slot=Slot.CHIEF_EXECUTIVE,
        by=county_staff,
        content_sha256=sent.content_sha256,
        scan=SimpleUploadedFile("s.pdf", b"%PDF-1.4 signert med penn", content_type="application/pdf"),
    )
    assert verify(capsys)[0]
    forged = b"%PDF-1.4 signert av en annen"
    (tmp_path / signature.scan.name).write_bytes(forged)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE agreements_signature DISABLE TRIGGER agreements_signature_sealed")
        cursor.execute(
            "UPDATE agreements_signature SET scan_sha256 = %s WHERE id = %s", [sha256_hex(forged), signature.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE agreements_signature ENABLE TRIGGER agreements_signature_sealed")
    passed, output = verify(capsys)
    assert not passed and f"the scanned signature {signature.scan.name} is not the one sealed" in output


# ------------------------------------------------------------------ keys

OLD_KEY = "the-seal-key-of-last-year-0123456789abcdef0123456789abcdef"
NEW_KEY = "the-seal-key-of-this-year-fedcba9876543210fedcba9876543210"


def test_a_seal_made_with_an_old_key_verifies_while_that_key_is_listed(
    settings, sent, county_staff, library_head, leadership, stub_pdf, capsys
):
    settings.AGREEMENT_SEAL_KEY, settings.AGREEMENT_SEAL_OLD_KEYS = OLD_KEY, []
    sign(sent, Slot.COUNTY, county_staff)
    sign(sent, Slot.LIBRARY_HEAD, library_head)
    sign(sent, Slot.CHIEF_EXECUTIVE, leadership)
    seal = Seal.objects.get(agreement=sent)
    assert seal.hmac_key_id == key_id(OLD_KEY)

    settings.AGREEMENT_SEAL_KEY, settings.AGREEMENT_SEAL_OLD_KEYS = NEW_KEY, [OLD_KEY]
    passed, output = verify(capsys)
    assert passed and "1 sealed agreements verified" in output and "1 with an old key" in output

    settings.AGREEMENT_SEAL_OLD_KEYS = []
    passed, output = verify(capsys)
    assert not passed
    assert (
        f"agreement {sent.pk} ({seal.verification_code}): sealed with key {key_id(OLD_KEY)}, which is neither "
        "AGREEMENT_SEAL_KEY nor in AGREEMENT_SEAL_OLD_KEYS"
    ) in output


def test_an_old_key_does_not_make_a_forged_seal_verify(settings, sealed, capsys):
    """A rewritten snapshot sealed again with a made-up key id is reported, not accepted."""
    settings.AGREEMENT_SEAL_OLD_KEYS = [OLD_KEY]
    seal = Seal.objects.get(agreement=sealed)
    tamper("UPDATE agreements_seal SET hmac_key_id = %s WHERE id = %s", [key_id(OLD_KEY), seal.pk])
    passed, output = verify(capsys)
    assert not passed and "the keyed seal does not match" in output


def test_an_empty_keyed_seal_is_reported(sealed, capsys):
    seal = Seal.objects.get(agreement=sealed)
    tamper("UPDATE agreements_seal SET hmac_sha256 = '' WHERE id = %s", [seal.pk])
    passed, output = verify(capsys)
    assert not passed and f"agreement {sealed.pk} ({seal.verification_code}): the keyed seal is empty" in output


def test_an_agreement_sealed_before_keyed_seals_is_reported_as_such(sealed, capsys):
    seal = Seal.objects.get(agreement=sealed)
    tamper("UPDATE agreements_seal SET hmac_sha256 = '', hmac_key_id = '' WHERE id = %s", [seal.pk])
    passed, output = verify(capsys)
    assert not passed
    assert (
        f"agreement {sealed.pk} ({seal.verification_code}): has no keyed seal "
        "(sealed before keyed seals were introduced)"
    ) in output


def test_postgresql_refuses_raw_sql_on_the_keyed_seal(sealed):
    if connection.vendor != "postgresql":
        skip_or_fail("The database trigger exists on PostgreSQL only (this run uses SQLite)")
    seal = Seal.objects.get(agreement=sealed)
    for sql in (
        "UPDATE agreements_seal SET hmac_sha256 = '' WHERE id = %s",
        "UPDATE agreements_seal SET hmac_key_id = 'deadbeef' WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="cannot be changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [seal.pk])
    stored = Seal.objects.get(pk=seal.pk)
    assert stored.hmac_sha256 == seal.hmac_sha256 and stored.hmac_key_id == seal.hmac_key_id
