"""Signing: electronically or by a scanned wet-ink signature; the last signature seals the agreement."""

import json

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import links
from notifications.models import PersonalLink
from shell.history import records_by

from ..canonical import canonical_json, sha256_hex, text_sha256, verification_code
from ..integrity import keyed_seal
from ..models import Agreement, AgreementEvent, Seal, Signature
from ..pdf import render_agreement_pdf
from ..permissions import may_sign
from ..signing import contact_signing_method, get_signing_method
from ..snapshot import build_sealed, signer_name
from .base import LINK_PURPOSE, AgreementError, _event, _health_input_changed, _lock, _notify

SCAN_MAX_BYTES = 5 * 1024 * 1024


def _check_signable(agreement: Agreement, *, slot: str, content_sha256: str) -> object:
    if agreement.status != Agreement.Status.SENT:
        raise AgreementError(_("The agreement is not out for signature."))
    if content_sha256 != agreement.content_sha256:
        raise AgreementError(_("The agreement has changed since you opened it. Read it again before you sign."))
    slots = dict(agreement.signatory_slots())
    if slot not in slots or slots[slot] is None:
        raise AgreementError(_("This agreement has no such signatory."))
    if agreement.signatures.valid().filter(slot=slot).exists():
        raise AgreementError(_("%(slot)s has already signed.") % {"slot": Signature.Slot(slot).label})
    return slots[slot]


@transaction.atomic
def sign_agreement(
    *, agreement: Agreement, slot: str, user, content_sha256: str, data: dict, ip_address: str | None = None
) -> Signature:
    """The signatory of `slot` signs in the app (the signing method checks who they are). The last
    signature seals the agreement. Raises AgreementError, ValidationError, documents.pdf.DocumentError."""
    agreement = _lock(agreement)
    who = _check_signable(agreement, slot=slot, content_sha256=content_sha256)
    if not may_sign(user, agreement, slot):
        raise AgreementError(_("You are not the signatory for %(slot)s.") % {"slot": Signature.slot_in_sentence(slot)})
    method = get_signing_method()
    evidence = method.authenticate(user=user, data=data) or {}
    signature = Signature.objects.create(
        agreement=agreement,
        slot=slot,
        signer_name=signer_name(who),
        signed_by=user,
        recorded_by=user,
        method=method.code,
        method_description=str(method.legal_level),
        signer_email=user.email,
        evidence=evidence,
        ip_address=ip_address,
        content_sha256=agreement.content_sha256,
    )
    links.revoke_links(purpose=LINK_PURPOSE, object_id=agreement.pk, slot=slot, by=user)
    _event(agreement, AgreementEvent.Kind.SIGNED, user, str(Signature.Slot(slot).label))
    _seal_if_complete(agreement)
    return signature


@transaction.atomic
def sign_agreement_by_link(
    *, agreement: Agreement, link: PersonalLink, content_sha256: str, ip_address: str | None = None
) -> Signature:
    """A contact without a login signs their slot through their personal link, after proving the address
    with the one-time code (the method `email_code`). The link is used up; the last signature seals.
    Raises AgreementError, ValidationError, documents.pdf.DocumentError."""
    agreement = _lock(agreement)
    link = PersonalLink.objects.select_for_update().get(pk=link.pk)
    if link.purpose != LINK_PURPOSE or link.object_id != agreement.pk:
        raise AgreementError(_("This link is not for this agreement."))
    problem, _status = links.problem_of(link)
    if problem:
        raise AgreementError(problem)
    who = _check_signable(agreement, slot=link.slot, content_sha256=content_sha256)
    if getattr(who, "pk", None) != link.contact_id or hasattr(who, "get_full_name"):
        raise AgreementError(
            _("You are no longer the signatory for %(slot)s.") % {"slot": Signature.slot_in_sentence(link.slot)}
        )
    method = contact_signing_method()
    method.authenticate(link=link, data={})
    signature = Signature.objects.create(
        agreement=agreement,
        slot=link.slot,
        signer_name=signer_name(who),
        signed_by=None,
        recorded_by=None,
        method=method.code,
        method_description=str(method.legal_level),
        signer_email=link.email,
        ip_address=ip_address,
        content_sha256=agreement.content_sha256,
    )
    links.use_link(link)
    _event(
        agreement,
        AgreementEvent.Kind.SIGNED,
        None,
        _("%(slot)s: %(method)s (%(email)s)")
        % {"slot": Signature.Slot(link.slot).label, "method": method.label, "email": link.email},
    )
    _seal_if_complete(agreement)
    return signature


def check_scan(upload) -> bytes:
    """The uploaded scan's bytes: a PDF (by its magic bytes, not its name) of at most SCAN_MAX_BYTES."""
    if upload is None:
        raise ValidationError({"scan": _("Choose the scanned agreement (PDF).")})
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError(
            {"scan": _("The file is too large: at most %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}}
        )
    upload.seek(0)
    data = upload.read(SCAN_MAX_BYTES + 1)
    if len(data) > SCAN_MAX_BYTES:
        raise ValidationError(
            {"scan": _("The file is too large: at most %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}}
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"scan": _("The file is not a PDF. Scan the signed pages to PDF and try again.")})
    return data


@records_by
@transaction.atomic
def record_wet_ink_signature(
    *, agreement: Agreement, slot: str, by, scan, content_sha256: str, ip_address: str | None = None
) -> Signature:
    """County staff record a signature made with ink on paper, as a scanned PDF. The last signature seals."""
    agreement = _lock(agreement)
    who = _check_signable(agreement, slot=slot, content_sha256=content_sha256)
    data = check_scan(scan)
    signature = Signature(
        agreement=agreement,
        slot=slot,
        signer_name=signer_name(who),
        signed_by=None,
        recorded_by=by,
        method=Signature.Method.WET_INK,
        method_description=str(Signature.Method.WET_INK.label),
        ip_address=ip_address,
        content_sha256=agreement.content_sha256,
        scan_sha256=sha256_hex(data),
    )
    signature.scan.save(f"avtale-{agreement.pk}-{slot}.pdf", ContentFile(data), save=False)
    signature.save()
    links.revoke_links(purpose=LINK_PURPOSE, object_id=agreement.pk, slot=slot, by=by)
    _event(
        agreement,
        AgreementEvent.Kind.SIGNED,
        by,
        _("%(slot)s: scanned signature on paper") % {"slot": Signature.Slot(slot).label},
    )
    _seal_if_complete(agreement)
    return signature


def _seal_if_complete(agreement: Agreement) -> Seal | None:
    signatures = list(agreement.signatures.valid())
    signed = {signature.slot for signature in signatures}
    if any(slot not in signed for slot, _who in agreement.signatory_slots()):
        return None
    seal = _seal(agreement, signatures)
    _health_input_changed(agreement)
    return seal


def _seal(agreement: Agreement, signatures: list[Signature]) -> Seal:
    """SENT → SEALED: the canonical snapshot and the signed PDF, each with its SHA-256, and the keyed seal
    over them (integrity.keyed_seal), all in the one INSERT after which PostgreSQL refuses any change."""
    sealed_at = timezone.now()
    content = json.loads(agreement.content_snapshot)
    snapshot = canonical_json(
        build_sealed(
            content=content,
            content_sha256=agreement.content_sha256,
            signatures=signatures,
            sealed_at=sealed_at,
            language=agreement.county.written_standard,
        )
    )
    snapshot_sha256 = text_sha256(snapshot)
    code = verification_code(snapshot_sha256)
    record = json.loads(snapshot)
    pdf = render_agreement_pdf(
        content=record["content"],
        signatures=record["signatures"],
        verification_code=code,
        sealed_at=sealed_at,
        county=agreement.county,
    )
    pdf_sha256 = sha256_hex(pdf)
    key_id, hmac_sha256 = keyed_seal(
        agreement_id=agreement.pk, sealed_at=sealed_at, snapshot_sha256=snapshot_sha256, pdf_sha256=pdf_sha256
    )
    agreement.status = Agreement.Status.SEALED
    agreement.sealed_at = sealed_at
    agreement.save(update_fields=["status", "sealed_at"])
    seal = Seal.objects.create(
        agreement=agreement,
        sealed_at=sealed_at,
        snapshot=snapshot,
        snapshot_sha256=snapshot_sha256,
        verification_code=code,
        pdf=pdf,
        pdf_sha256=pdf_sha256,
        hmac_sha256=hmac_sha256,
        hmac_key_id=key_id,
    )
    _event(agreement, AgreementEvent.Kind.SEALED, None, code)
    if agreement.amends_id:
        _event(
            agreement.amends,
            AgreementEvent.Kind.SUPERSEDED,
            None,
            _("By version %(version)s") % {"version": agreement.version},
        )
    for slot, who in agreement.signatory_slots():
        _notify(
            agreement,
            slot=slot,
            who=who,
            template="agreements/email/sealed",
            key=f"agreement-sealed:{agreement.pk}:{slot}",
        )
    return seal
