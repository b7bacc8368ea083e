"""A sealed agreement, its signatures and its seal cannot change: not through the model, querysets,
bulk operations, cascades, the admin or a history revert; on PostgreSQL not even through raw SQL.
`verify_agreements` finds one changed byte."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from agreements.models import Agreement, Seal, SealedError, Signature
from projects.models import Project
from tests.agreements.conftest import Slot, sign, tamper
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def test_model_save_and_delete_are_refused(sealed):
    sealed.purpose = "Endret i ettertid."
    with pytest.raises(SealedError):
        sealed.save()
    with pytest.raises(SealedError):
        sealed.delete()
    stored = Agreement.objects.get(pk=sealed.pk)
    assert stored.purpose != "Endret i ettertid."


def test_queryset_update_and_delete_are_refused(sealed, draft):
    with pytest.raises(SealedError):
        Agreement.objects.filter(pk=sealed.pk).update(purpose="x")
    with pytest.raises(SealedError):
        Agreement.objects.all().update(title="x")  # a mix of sealed and not: refused as a whole
    with pytest.raises(SealedError):
        Agreement.objects.filter(pk=sealed.pk).delete()
    assert Agreement.objects.get(pk=sealed.pk).title == sealed.title


def test_bulk_update_is_refused(sealed):
    sealed.purpose = "x"
    with pytest.raises(SealedError):
        Agreement.objects.bulk_update([sealed], ["purpose"])
    signature = sealed.signatures.first()
    signature.signer_name = "Noen andre"
    with pytest.raises(SealedError):
        Signature.objects.bulk_update([signature], ["signer_name"])


def test_signatures_of_a_sealed_agreement_cannot_change_or_be_added(sealed, county_staff):
    signature = sealed.signatures.first()
    signature.signer_name = "Noen andre"
    with pytest.raises(SealedError):
        signature.save()
    with pytest.raises(SealedError):
        signature.delete()
    with pytest.raises(SealedError):
        Signature.objects.filter(agreement=sealed).update(ip_address="10.0.0.1")
    with pytest.raises(SealedError):
        Signature.objects.filter(agreement=sealed).delete()
    with pytest.raises(SealedError):
        Signature(
            agreement=sealed,
            slot=Slot.MAYOR,
            signer_name="x",
            recorded_by=county_staff,
            method="password",
            content_sha256="0" * 64,
        ).save()
    assert sealed.signatures.count() == 3


def test_the_seal_cannot_change(sealed):
    seal = Seal.objects.get(agreement=sealed)
    seal.pdf = b"%PDF-forfalsket"
    with pytest.raises(SealedError):
        seal.save()
    with pytest.raises(SealedError):
        seal.delete()
    with pytest.raises(SealedError):
        Seal.objects.filter(pk=seal.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(SealedError):
        Seal.objects.all().delete()


def test_cascades_are_refused(sealed, participant, county_staff, signatories):
    with pytest.raises(ProtectedError):
        Project.objects.get(pk=participant.project_id).delete()
    with pytest.raises(ProtectedError):
        participant.delete()
    with pytest.raises(ProtectedError):
        type(county_staff).objects.get(pk=county_staff.pk).delete()
    with pytest.raises(ProtectedError):
        signatories.head.delete()
    assert Agreement.objects.filter(pk=sealed.pk).exists() and sealed.signatures.count() == 3


def test_history_revert_is_refused(sealed):
    first = sealed.history.earliest()
    assert first.status == Agreement.Status.DRAFT
    with pytest.raises(SealedError):
        first.instance.save()
    assert Agreement.objects.get(pk=sealed.pk).status == Agreement.Status.SEALED


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_the_admin_refuses_change_delete_and_revert(sealed, superuser_client):
    base = f"/admin/agreements/agreement/{sealed.pk}/"
    assert superuser_client.get(base + "change/").status_code == 200  # read-only view
    assert superuser_client.post(base + "change/", {"title": "Endret"}).status_code == 403
    assert superuser_client.post(base + "delete/", {"post": "yes"}).status_code == 403
    history_id = sealed.history.earliest().history_id
    assert superuser_client.post(f"{base}history/{history_id}/", {"title": "Gammel"}).status_code == 403
    response = superuser_client.post(
        reverse("admin:agreements_agreement_changelist"),
        {"action": "delete_selected", "_selected_action": [sealed.pk], "post": "yes"},
    )
    assert response.status_code != 302  # no "deleted" redirect: the protected rows stop it
    signature = sealed.signatures.first()
    assert (
        superuser_client.post(f"/admin/agreements/signature/{signature.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    seal = Seal.objects.get(agreement=sealed)
    assert superuser_client.post(f"/admin/agreements/seal/{seal.pk}/delete/", {"post": "yes"}).status_code == 403
    stored = Agreement.objects.get(pk=sealed.pk)
    assert stored.title == sealed.title and stored.status == Agreement.Status.SEALED


def test_the_admin_still_edits_drafts(draft, superuser_client):
    assert superuser_client.get(f"/admin/agreements/agreement/{draft.pk}/change/").status_code == 200


def test_postgresql_refuses_raw_sql_on_sealed_rows(sealed):
    if connection.vendor != "postgresql":
        skip_or_fail("The database trigger exists on PostgreSQL only (this run uses SQLite)")
    seal = Seal.objects.get(agreement=sealed)
    statements = [
        ("UPDATE agreements_agreement SET purpose = 'x' WHERE id = %s", [sealed.pk]),
        ("DELETE FROM agreements_agreement WHERE id = %s", [sealed.pk]),
        ("UPDATE agreements_signature SET signer_name = 'x' WHERE agreement_id = %s", [sealed.pk]),
        ("DELETE FROM agreements_signature WHERE agreement_id = %s", [sealed.pk]),
        ("UPDATE agreements_seal SET pdf_sha256 = 'x' WHERE id = %s", [seal.pk]),
        ("DELETE FROM agreements_seal WHERE id = %s", [seal.pk]),
    ]
    for sql, params in statements:
        with (
            pytest.raises(DatabaseError, match="cannot be changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)


def test_postgresql_still_lets_drafts_change(draft):
    if connection.vendor != "postgresql":
        skip_or_fail("The database trigger exists on PostgreSQL only (this run uses SQLite)")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE agreements_agreement SET purpose = 'ok' WHERE id = %s", [draft.pk])
    assert Agreement.objects.get(pk=draft.pk).purpose == "ok"


# ------------------------------------------------------------- verify_agreements


def test_verify_agreements_passes_on_intact_seals(sealed, capsys):
    call_command("verify_agreements")
    assert "1 sealed agreements verified" in capsys.readouterr().out


def test_verify_agreements_reports_one_changed_byte_in_the_snapshot(sealed, capsys):
    seal = Seal.objects.get(agreement=sealed)
    tampered = seal.snapshot.replace("Tromsø", "Tromsa", 1)
    assert len(tampered.encode()) == len(seal.snapshot.encode()) - 1  # ø is two bytes, a one
    tamper("UPDATE agreements_seal SET snapshot = %s WHERE id = %s", [tampered, seal.pk])
    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("verify_agreements")
    assert f"agreement {sealed.pk} ({seal.verification_code}): the snapshot does not match" in capsys.readouterr().err


def test_verify_agreements_reports_one_changed_byte_in_the_pdf(sealed, capsys):
    seal = Seal.objects.get(agreement=sealed)
    pdf = bytearray(seal.pdf)
    pdf[-3] ^= 0x01
    tamper("UPDATE agreements_seal SET pdf = %s WHERE id = %s", [bytes(pdf), seal.pk])
    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("verify_agreements")
    assert "the PDF does not match its SHA-256" in capsys.readouterr().err


def test_verify_agreements_reports_a_changed_scan(
    sent, county_staff, library_head, leadership, stub_pdf, settings, tmp_path, capsys
):
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
    call_command("verify_agreements")
    (tmp_path / signature.scan.name).write_bytes(b"%PDF-1.4 signert med penn!")
    with pytest.raises(CommandError):
        call_command("verify_agreements")
    assert "the scanned signature" in capsys.readouterr().err
