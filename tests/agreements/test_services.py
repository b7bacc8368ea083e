"""The lifecycle: draft → out for signature → sealed → superseded, with every refusal."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import Membership
from agreements.canonical import canonical_json, sha256_hex, text_sha256, verification_code
from agreements.models import Agreement, AgreementEvent, Seal, Signature
from agreements.services import amendments, drafts, reminders, sending, signatures
from agreements.services.base import AgreementError
from notifications.models import OutboxMessage
from projects.models import Project
from tests.agreements.conftest import Slot, sign
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------- drafting


def test_one_agreement_per_participant(draft, participant, county_staff):
    with translation.override("en"), pytest.raises(AgreementError, match="Make an amendment instead"):
        drafts.create_agreement(participant=participant, by=county_staff)


def test_no_agreement_for_a_withdrawn_participant_or_a_closed_project(participant, county_staff):
    from projects.models import Participant

    Participant.objects.filter(pk=participant.pk).update(status="withdrawn", withdrawal_reason="Ingen kapasitet")
    with translation.override("en"), pytest.raises(AgreementError, match="withdrawn"):
        drafts.create_agreement(participant=participant, by=county_staff)
    Participant.objects.filter(pk=participant.pk).update(status="active", withdrawal_reason="")
    Project.objects.filter(pk=participant.project_id).update(status=Project.Status.CLOSED)
    with translation.override("en"), pytest.raises(AgreementError, match="closed"):
        drafts.create_agreement(participant=participant, by=county_staff)
    assert not Agreement.objects.exists()


def test_editing_a_draft_changes_it_and_is_logged(draft, county_staff):
    drafts.update_agreement(agreement=draft, by=county_staff, purpose="Nytt formål.", county_case_number="2026/12")
    draft.refresh_from_db()
    assert draft.purpose == "Nytt formål." and draft.county_case_number == "2026/12"
    assert draft.events.filter(kind=AgreementEvent.Kind.EDITED).exists()


def test_signatories_must_belong_to_the_municipality_and_the_county(draft, county_staff, other_municipality, outsider):
    stranger = ContactFactory(municipality=other_municipality)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        drafts.update_agreement(
            agreement=draft, by=county_staff, library_head_contact=stranger, county_representative=outsider
        )
    assert caught.value.message_dict == {
        "library_head_contact": ["Choose a contact in Tromsø."],
        "county_representative": ["The county's representative must be a member of the county's staff."],
    }


# -------------------------------------------------------------------- sending


def test_sending_freezes_the_content_with_its_hash_and_tells_the_signatories(
    draft, county_staff, signatories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = sending.send_for_signature(agreement=draft, by=county_staff)
    assert sent.status == Agreement.Status.SENT and sent.sent_at and sent.first_sent_at
    assert text_sha256(sent.content_snapshot) == sent.content_sha256
    content = json.loads(sent.content_snapshot)
    assert content["municipality"]["name"] == "Tromsø"
    assert [s["name"] for s in content["signatories"]] == ["Fredrik Fylke", "Ingrid Sjef", "Per Rådmann"]
    assert canonical_json(content) == sent.content_snapshot
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["head@example.no", "radmann@example.no", "staff@example.no"]
    assert all(m.subject.startswith("Venter på din signatur: ") for m in mail.outbox)
    assert OutboxMessage.objects.filter(kind="agreement", idempotency_key__startswith="agreement-await:").count() == 3


def test_sending_lists_every_problem(draft, county_staff):
    drafts.update_agreement(
        agreement=draft, by=county_staff, chief_executive_contact=None, requires_mayor=True, mayor_contact=None
    )
    draft.role_matrix["rows"][0]["cells"] = {"county": "R"}
    Agreement.objects.filter(pk=draft.pk).update(role_matrix=draft.role_matrix)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        sending.send_for_signature(agreement=draft, by=county_staff)
    assert caught.value.messages == [
        "Role matrix: “Godkjenne romplanen”: choose exactly one party as Accountable (A); now 0 are.",
        "Name the signatory for: chief executive.",
        "Name the signatory for: mayor.",
    ]
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT and not mail.outbox


def test_a_signatory_who_moved_to_another_municipality_stops_the_sending(
    draft, county_staff, signatories, other_municipality
):
    signatories.chief.municipality = other_municipality
    signatories.chief.save()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        sending.send_for_signature(agreement=draft, by=county_staff)
    assert caught.value.messages == ["Choose a contact in Tromsø."]


def test_only_a_draft_can_be_sent(sent, county_staff):
    with translation.override("en"), pytest.raises(AgreementError, match="Only a draft"):
        sending.send_for_signature(agreement=sent, by=county_staff)


def test_editing_after_sending_needs_a_reason_and_withdraws_and_discards_signatures(sent, county_staff, library_head):
    sign(sent, Slot.LIBRARY_HEAD, library_head)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        drafts.update_agreement(agreement=sent, by=county_staff, purpose="Endret.")
    assert "withdraw_reason" in caught.value.message_dict
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.SENT and sent.signatures.valid().count() == 1
    drafts.update_agreement(agreement=sent, by=county_staff, purpose="Endret.", withdraw_reason="Feil beløp")
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.DRAFT and sent.content_sha256 == "" and sent.purpose == "Endret."
    discarded = sent.signatures.get()
    assert (
        discarded.discarded_at and discarded.discarded_by == county_staff and discarded.discard_reason == "Feil beløp"
    )
    event = sent.events.get(kind=AgreementEvent.Kind.WITHDRAWN)
    assert "Feil beløp" in event.note and event.by == county_staff


def test_an_unchanged_save_does_not_withdraw(sent, county_staff):
    drafts.update_agreement(agreement=sent, by=county_staff, purpose=sent.purpose)
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.SENT


def test_the_role_matrix_is_checked_and_a_change_after_sending_withdraws(sent, county_staff):
    bad = {"columns": sent.role_matrix["columns"], "rows": [{"task": "Alt", "cells": {"county": "A"}}]}
    with pytest.raises(ValidationError):
        drafts.save_role_matrix(agreement=sent, matrix=bad, by=county_staff, withdraw_reason="x")
    good = {
        "columns": sent.role_matrix["columns"],
        "rows": [{"task": "Alt", "cells": {"county": "A", "library_head": "R"}}],
    }
    drafts.save_role_matrix(agreement=sent, matrix=good, by=county_staff, withdraw_reason="Enklere matrise")
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.DRAFT and sent.role_matrix["rows"] == good["rows"]


def test_withdraw_needs_a_reason_and_a_sent_agreement(sent, draft, county_staff):
    with translation.override("en"), pytest.raises(ValidationError):
        sending.withdraw_agreement(agreement=sent, by=county_staff, reason="  ")
    sending.withdraw_agreement(agreement=sent, by=county_staff, reason="Ny tekst")
    with translation.override("en"), pytest.raises(AgreementError, match="Only an agreement out for signature"):
        sending.withdraw_agreement(agreement=sent, by=county_staff, reason="Igjen")


# -------------------------------------------------------------------- signing


def test_signing_records_who_slot_time_ip_and_hash(sent, library_head):
    signature = sign(sent, Slot.LIBRARY_HEAD, library_head)
    assert signature.signed_by == library_head and signature.recorded_by == library_head
    assert signature.slot == "library_head" and signature.signer_name == "Ingrid Sjef"
    assert signature.ip_address == "192.0.2.10" and signature.method == Signature.Method.PASSWORD
    assert signature.content_sha256 == sent.content_sha256 and signature.signed_at
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.SENT


def test_signing_needs_the_right_password(sent, library_head):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        sign(sent, Slot.LIBRARY_HEAD, library_head, password="feil")
    assert caught.value.message_dict == {"password": ["The password is not correct."]}
    assert not Signature.objects.exists()


def test_signing_by_a_wrong_user_is_refused(sent, leadership, county_admin, library_head):
    for user, slot in [
        (leadership, Slot.LIBRARY_HEAD),
        (library_head, Slot.CHIEF_EXECUTIVE),
        (county_admin, Slot.COUNTY),
    ]:
        with translation.override("en"), pytest.raises(AgreementError, match="You are not the signatory"):
            sign(sent, slot, user)
    assert not Signature.objects.exists()


def test_signing_from_a_wrong_municipality_is_refused(sent, other_library_head, signatories):
    # The contact is linked to a user who belongs to another municipality.
    signatories.head.user = other_library_head
    signatories.head.save()
    with translation.override("en"), pytest.raises(AgreementError, match="You are not the signatory"):
        sign(sent, Slot.LIBRARY_HEAD, other_library_head)


def test_a_deactivated_representative_cannot_sign(sent, county_staff):
    Membership.objects.filter(user=county_staff).delete()
    county_staff = type(county_staff).objects.get(pk=county_staff.pk)
    with pytest.raises(AgreementError):
        sign(sent, Slot.COUNTY, county_staff)


def test_signing_twice_is_refused(sent, library_head):
    sign(sent, Slot.LIBRARY_HEAD, library_head)
    with translation.override("en"), pytest.raises(AgreementError, match="already signed"):
        sign(sent, Slot.LIBRARY_HEAD, library_head)
    assert Signature.objects.count() == 1


def test_signing_twice_is_refused_by_the_database_too(sent, library_head):
    signature = sign(sent, Slot.LIBRARY_HEAD, library_head)
    signature.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        signature.save()


def test_signing_after_a_content_change_is_refused(sent, county_staff, library_head):
    seen = sent.content_sha256
    drafts.update_agreement(agreement=sent, by=county_staff, finance="Nytt beløp.", withdraw_reason="Beløp")
    with translation.override("en"), pytest.raises(AgreementError, match="not out for signature"):
        sign(sent, Slot.LIBRARY_HEAD, library_head, content_sha256=seen)
    resent = sending.send_for_signature(agreement=sent, by=county_staff)
    assert resent.content_sha256 != seen
    with translation.override("en"), pytest.raises(AgreementError, match="has changed since you opened it"):
        sign(resent, Slot.LIBRARY_HEAD, library_head, content_sha256=seen)
    assert sign(resent, Slot.LIBRARY_HEAD, library_head).content_sha256 == resent.content_sha256


def test_a_draft_cannot_be_signed(draft, library_head):
    with translation.override("en"), pytest.raises(AgreementError, match="not out for signature"):
        sign(draft, Slot.LIBRARY_HEAD, library_head, content_sha256="0" * 64)


def test_the_mayor_signs_only_when_the_agreement_says_so(
    draft, county_staff, library_head, leadership, mayor, stub_pdf
):
    drafts.update_agreement(agreement=draft, by=county_staff, requires_mayor=True)
    sent = sending.send_for_signature(agreement=draft, by=county_staff)
    for slot, user in [
        (Slot.COUNTY, county_staff),
        (Slot.LIBRARY_HEAD, library_head),
        (Slot.CHIEF_EXECUTIVE, leadership),
    ]:
        sign(sent, slot, user)
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.SENT  # the mayor has not signed
    sign(sent, Slot.MAYOR, mayor)
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.SEALED


# -------------------------------------------------------------------- sealing


def test_the_last_signature_seals_with_snapshot_pdf_and_hashes(sealed, stub_pdf, django_capture_on_commit_callbacks):
    seal = Seal.objects.get(agreement=sealed)
    assert sealed.status == Agreement.Status.SEALED and sealed.sealed_at == seal.sealed_at
    assert text_sha256(seal.snapshot) == seal.snapshot_sha256
    assert sha256_hex(bytes(seal.pdf)) == seal.pdf_sha256
    assert seal.verification_code == verification_code(seal.snapshot_sha256)
    assert len(seal.verification_code) == 24 and seal.verification_code.count("-") == 4
    record = json.loads(seal.snapshot)
    assert record["content_sha256"] == sealed.content_sha256
    assert json.loads(sealed.content_snapshot) == record["content"]
    assert [s["slot"] for s in record["signatures"]] == ["county", "library_head", "chief_executive"]
    assert {s["ip_address"] for s in record["signatures"]} == {"192.0.2.10"}
    assert stub_pdf[-1]["verification_code"] == seal.verification_code  # the code goes into the PDF
    assert sealed.events.filter(kind=AgreementEvent.Kind.SEALED).exists()


def test_the_snapshot_is_canonical_nfc_json():
    composed, decomposed = "Gáivuotna", "Ga\u0301ivuotna"
    assert canonical_json({"b": decomposed, "a": [1, "ø"]}) == '{"a":[1,"ø"],"b":"Gáivuotna"}'
    assert canonical_json({"x": composed}) == canonical_json({"x": decomposed})


def test_a_sealed_agreement_cannot_be_edited_or_withdrawn(sealed, county_staff):
    with translation.override("en"), pytest.raises(AgreementError, match="Make an amendment"):
        drafts.update_agreement(agreement=sealed, by=county_staff, purpose="Nei")
    with pytest.raises(AgreementError):
        sending.withdraw_agreement(agreement=sealed, by=county_staff, reason="Nei")
    with pytest.raises(AgreementError):
        amendments.delete_draft(agreement=sealed, by=county_staff)


def test_a_failed_pdf_leaves_the_last_signature_unsaved(sent, county_staff, library_head, leadership, monkeypatch):
    from documents.pdf import DocumentError

    sign(sent, Slot.COUNTY, county_staff)
    sign(sent, Slot.LIBRARY_HEAD, library_head)

    def fail(**kwargs):
        raise DocumentError("Making the document took too long, so it was stopped.")

    monkeypatch.setattr("agreements.services.signatures.render_agreement_pdf", fail)
    with pytest.raises(DocumentError):
        sign(sent, Slot.CHIEF_EXECUTIVE, leadership)
    sent.refresh_from_db()
    assert sent.status == Agreement.Status.SENT and sent.signatures.count() == 2 and not Seal.objects.exists()


def test_sealing_tells_the_signatories(sent, county_staff, library_head, leadership, stub_pdf):
    for slot, user in [
        (Slot.COUNTY, county_staff),
        (Slot.LIBRARY_HEAD, library_head),
        (Slot.CHIEF_EXECUTIVE, leadership),
    ]:
        sign(sent, slot, user)
    assert OutboxMessage.objects.filter(idempotency_key__startswith=f"agreement-sealed:{sent.pk}:").count() == 3


# ------------------------------------------------------------------ wet ink


def _scan(data=b"%PDF-1.4\n% signert\n%%EOF\n", name="skann.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_scanned_wet_ink_signature_counts(sent, county_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signature = signatures.record_wet_ink_signature(
        agreement=sent, slot=Slot.CHIEF_EXECUTIVE, by=county_staff, scan=_scan(), content_sha256=sent.content_sha256
    )
    assert signature.method == Signature.Method.WET_INK and signature.signed_by is None
    assert signature.recorded_by == county_staff and signature.signer_name == "Per Rådmann"
    assert signature.scan_sha256 == sha256_hex(b"%PDF-1.4\n% signert\n%%EOF\n")
    assert signature.scan.name.endswith(".pdf") and "skann" not in signature.scan.name


def test_a_scan_must_be_a_pdf_by_its_bytes_and_not_too_large(sent, county_staff, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        signatures.record_wet_ink_signature(
            agreement=sent,
            slot=Slot.CHIEF_EXECUTIVE,
            by=county_staff,
            scan=_scan(b"\x89PNG\r\n", "lure.pdf"),
            content_sha256=sent.content_sha256,
        )
    assert caught.value.message_dict == {"scan": ["The file is not a PDF. Scan the signed pages to PDF and try again."]}
    monkeypatch.setattr(signatures, "SCAN_MAX_BYTES", 10)
    with translation.override("en"), pytest.raises(ValidationError, match="too large"):
        signatures.record_wet_ink_signature(
            agreement=sent, slot=Slot.CHIEF_EXECUTIVE, by=county_staff, scan=_scan(), content_sha256=sent.content_sha256
        )
    assert not Signature.objects.exists()


# ---------------------------------------------------------------- amendments


def test_an_amendment_supersedes_only_when_it_is_sealed(sealed, county_staff, library_head, leadership):
    amendment = amendments.create_amendment(agreement=sealed, by=county_staff)
    assert amendment.version == 2 and amendment.amends == sealed and amendment.status == Agreement.Status.DRAFT
    assert amendment.purpose == sealed.purpose and amendment.role_matrix == sealed.role_matrix
    assert not Agreement.objects.get(pk=sealed.pk).is_superseded
    drafts.update_agreement(agreement=amendment, by=county_staff, finance="Mer penger.")
    amendment = sending.send_for_signature(agreement=amendment, by=county_staff)
    sign(amendment, Slot.COUNTY, county_staff)
    sign(amendment, Slot.LIBRARY_HEAD, library_head)
    assert not Agreement.objects.get(pk=sealed.pk).is_superseded
    assert Agreement.objects.with_supersession().get(pk=sealed.pk).status_label == "Signert og forseglet"
    sign(amendment, Slot.CHIEF_EXECUTIVE, leadership)
    old = Agreement.objects.with_supersession().get(pk=sealed.pk)
    assert old.is_superseded and old.status == Agreement.Status.SEALED and old.status_label == "Erstattet"
    assert old.events.filter(kind=AgreementEvent.Kind.SUPERSEDED).exists()
    assert Seal.objects.count() == 2  # both stay readable


def test_amendment_refusals(sealed, draft, county_staff):
    amendments.create_amendment(agreement=sealed, by=county_staff)
    with translation.override("en"), pytest.raises(AgreementError, match="already being prepared"):
        amendments.create_amendment(agreement=sealed, by=county_staff)


def test_only_a_sealed_agreement_can_be_amended(draft, county_staff):
    with translation.override("en"), pytest.raises(AgreementError, match="Only a signed agreement"):
        amendments.create_amendment(agreement=draft, by=county_staff)


def test_a_superseded_version_cannot_be_amended_again(sealed, county_staff, library_head, leadership):
    amendment = sending.send_for_signature(
        agreement=amendments.create_amendment(agreement=sealed, by=county_staff), by=county_staff
    )
    for slot, user in [
        (Slot.COUNTY, county_staff),
        (Slot.LIBRARY_HEAD, library_head),
        (Slot.CHIEF_EXECUTIVE, leadership),
    ]:
        sign(amendment, slot, user)
    with translation.override("en"), pytest.raises(AgreementError, match="superseded"):
        amendments.create_amendment(agreement=sealed, by=county_staff)


# ---------------------------------------------------------- delete and publish


def test_only_a_never_sent_draft_can_be_deleted(draft, county_staff):
    sending.send_for_signature(agreement=draft, by=county_staff)
    sending.withdraw_agreement(agreement=draft, by=county_staff, reason="Endring")
    with pytest.raises(AgreementError):
        amendments.delete_draft(agreement=draft, by=county_staff)
    Agreement.objects.filter(pk=draft.pk).update(first_sent_at=None)
    Signature.objects.all().delete()
    amendments.delete_draft(agreement=draft, by=county_staff)
    assert not Agreement.objects.exists()


def test_publishing_needs_a_sealed_agreement(sealed, sent, county_staff):
    amendments.set_published(agreement=sealed, by=county_staff, published=True)
    assert sealed.publication and sealed.events.filter(kind=AgreementEvent.Kind.PUBLISHED).exists()
    amendments.set_published(agreement=sealed, by=county_staff, published=False)
    assert not Agreement.objects.filter(pk=sealed.pk, publication__isnull=False).exists()


def test_a_draft_cannot_be_published(draft, county_staff):
    with pytest.raises(AgreementError):
        amendments.set_published(agreement=draft, by=county_staff, published=True)


# ------------------------------------------------------------------ reminders


def test_reminders_after_the_county_days_once_per_period(sent, county, county_staff, library_head):
    sign(sent, Slot.LIBRARY_HEAD, library_head)
    county.agreement_reminder_days = 5
    county.save()
    now = sent.sent_at + timedelta(days=4, hours=23)
    assert reminders.send_signature_reminders(now=now) == 0
    now = sent.sent_at + timedelta(days=5, hours=1)
    assert reminders.send_signature_reminders(now=now) == 2  # the county and the chief executive, not the library head
    assert reminders.send_signature_reminders(now=now) == 0  # idempotent
    keys = set(
        OutboxMessage.objects.filter(idempotency_key__startswith="agreement-reminder:").values_list(
            "recipient", flat=True
        )
    )
    assert keys == {"staff@example.no", "radmann@example.no"}
    assert reminders.send_signature_reminders(now=sent.sent_at + timedelta(days=10, hours=1)) == 2  # the next period
    county.agreement_reminder_days = 0
    county.save()
    assert reminders.send_signature_reminders(now=sent.sent_at + timedelta(days=30)) == 0


def test_no_reminders_for_drafts_or_sealed_agreements(sealed, county):
    assert reminders.send_signature_reminders(now=timezone.now() + timedelta(days=60)) == 0
