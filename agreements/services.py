"""Changes to agreements: draft → out for signature → signed and sealed (→ superseded by an amendment).

Every function is one transaction that locks the agreement first. Errors a
user can correct on a form field are `ValidationError({field: message})`; a
state that forbids the change is `AgreementError`. Sealing renders the PDF in
the same transaction as the last signature: if the document cannot be made,
nothing is saved and the signatory can try again.
"""

import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followup import health
from municipalities.models import Theme
from municipalities.permissions import is_staff_of
from notifications.models import OutboxMessage
from notifications.services import queue_templated_email
from planning.models import KitDocument
from planning.selectors import kit_document
from planning.standard_kits import AGREEMENT_TITLE
from projects.models import Participant
from projects.services import ensure_open
from shell.history import records_by

from . import drafting
from .canonical import canonical_json, sha256_hex, text_sha256, verification_code
from .integrity import keyed_seal
from .matrix import default_matrix, validate_matrix
from .models import Agreement, AgreementEvent, Publication, Seal, Signature
from .pdf import render_agreement_pdf
from .permissions import may_sign
from .signing import get_signing_method
from .snapshot import build_content, build_sealed, signer_name

SCAN_MAX_BYTES = 5 * 1024 * 1024
TEXT_FIELDS = ["title", "county_case_number", "municipality_case_number", *Agreement.SECTION_FIELDS]
SIGNATORY_FIELDS = ["county_representative", "library_head_contact", "chief_executive_contact", "mayor_contact",
                    "requires_mayor"]
EDITABLE_FIELDS = TEXT_FIELDS + SIGNATORY_FIELDS


class AgreementError(Exception):
    """The change is not possible in the agreement's current state; the message is for the user."""


def _health_input_changed(agreement: Agreement) -> None:
    """An unsigned agreement makes a participant's health yellow: recompute it in this transaction."""
    health.input_changed(participants=[agreement.participant])


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("project", "county", "municipality", "participant", "participant__library")
        .get(pk=agreement.pk)
    )


def _event(agreement: Agreement, kind: str, by, note: str = "") -> AgreementEvent:
    return AgreementEvent.objects.create(agreement=agreement, kind=kind, by=by, note=note)


# ------------------------------------------------------------------------ drafting


@records_by
@transaction.atomic
def create_agreement(*, participant: Participant, by) -> Agreement:
    """A draft for `participant` from the kit's agreement text and live data, with the default role
    matrix and signatories. Raises AgreementError when the participant already has an agreement."""
    participant = Participant.objects.select_for_update(of=("self",)).select_related(
        "project__county", "project__kit_use__kit", "project__theme", "municipality", "library"
    ).get(pk=participant.pk)
    project = participant.project
    ensure_open(project, error=AgreementError)
    if participant.status == Participant.Status.WITHDRAWN:
        raise AgreementError(_("The municipality has withdrawn from the project."))
    if Agreement.objects.filter(participant=participant).exists():
        raise AgreementError(_("There is already an agreement with this participant. Make an amendment instead."))
    county = project.county
    document = kit_document(project, KitDocument.Kind.AGREEMENT)
    heading = document.title if document else AGREEMENT_TITLE
    is_staff = is_staff_of(by, county)
    agreement = Agreement(
        county=county,
        project=project,
        participant=participant,
        municipality=participant.municipality,
        title=f"{heading}: {project.title} – {participant.municipality.name}"[:200],
        role_matrix=default_matrix(county, library_rooms=project.theme.code == Theme.Code.LIBRARY_ROOMS),
        county_representative=by if is_staff else None,
        created_by=by,
        **drafting.draft_sections(participant),
        **drafting.default_signatories(participant),
    )
    agreement.save()
    _event(agreement, AgreementEvent.Kind.CREATED, by,
           _("From the kit “%(kit)s”.") % {"kit": document.kit.name} if document else "")
    _health_input_changed(agreement)
    return agreement


def _check_signatories(agreement: Agreement, fields: dict) -> None:
    errors = {}
    representative = fields.get("county_representative", agreement.county_representative)
    if representative is not None and (
        not is_staff_of(representative, agreement.county_id)
    ):
        errors["county_representative"] = _("The county's representative must be a member of the county's staff.")
    for name in ("library_head_contact", "chief_executive_contact", "mayor_contact"):
        contact = fields.get(name, getattr(agreement, name))
        if contact is not None and contact.municipality_id != agreement.municipality_id:
            errors[name] = _("Choose a contact in %(municipality)s.") % {"municipality": agreement.municipality.name}
    if errors:
        raise ValidationError(errors)


def _withdraw(agreement: Agreement, *, by, reason: str) -> int:
    """SENT → DRAFT: collected signatures are discarded (kept, with who and why)."""
    discarded = agreement.signatures.valid().update(discarded_at=timezone.now(), discarded_by=by, discard_reason=reason)
    agreement.status = Agreement.Status.DRAFT
    agreement.sent_at = None
    agreement.content_snapshot = ""
    agreement.content_sha256 = ""
    agreement._change_reason = reason
    agreement.save(update_fields=["status", "sent_at", "content_snapshot", "content_sha256"])
    note = _("%(reason)s (%(count)s signatures discarded)") % {"reason": reason, "count": discarded}
    _event(agreement, AgreementEvent.Kind.WITHDRAWN, by, note)
    return discarded


def _prepare_change(agreement: Agreement, *, by, withdraw_reason: str) -> None:
    """A change to an agreement out for signature withdraws it first, and needs a reason."""
    if agreement.is_sealed:
        raise AgreementError(_("A signed agreement cannot be changed. Make an amendment instead."))
    ensure_open(agreement, error=AgreementError)
    if agreement.status == Agreement.Status.SENT:
        reason = " ".join((withdraw_reason or "").split())
        if not reason:
            raise ValidationError(
                {"withdraw_reason": _("The agreement is out for signature. Say why it changes: "
                                      "the signatures collected so far will be discarded.")}
            )
        _withdraw(agreement, by=by, reason=reason)


@records_by
@transaction.atomic
def update_agreement(*, agreement: Agreement, by, withdraw_reason: str = "", **fields) -> Agreement:
    """Changes the text, case numbers and signatories. On an agreement out for signature this withdraws
    it (with `withdraw_reason`) and discards its signatures. Raises ValidationError, AgreementError."""
    agreement = _lock(agreement)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if agreement.is_sealed:
        raise AgreementError(_("A signed agreement cannot be changed. Make an amendment instead."))
    changed = [name for name, value in fields.items() if getattr(agreement, name) != value]
    if not changed:
        return agreement
    if "title" in fields and not " ".join(fields["title"].split()):
        raise ValidationError({"title": _("The agreement needs a title.")})
    _check_signatories(agreement, fields)
    _prepare_change(agreement, by=by, withdraw_reason=withdraw_reason)
    for name in changed:
        setattr(agreement, name, fields[name])
    agreement.save(update_fields=changed)
    _event(agreement, AgreementEvent.Kind.EDITED, by)
    return agreement


@records_by
@transaction.atomic
def save_role_matrix(*, agreement: Agreement, matrix: dict, by, withdraw_reason: str = "") -> Agreement:
    """Replaces the role matrix after checking it (exactly one A and at least one R per row)."""
    agreement = _lock(agreement)
    if agreement.is_sealed:
        raise AgreementError(_("A signed agreement cannot be changed. Make an amendment instead."))
    cleaned = validate_matrix(matrix)
    if cleaned == agreement.role_matrix:
        return agreement
    _prepare_change(agreement, by=by, withdraw_reason=withdraw_reason)
    agreement.role_matrix = cleaned
    agreement.save(update_fields=["role_matrix"])
    _event(agreement, AgreementEvent.Kind.EDITED, by, _("Role matrix"))
    return agreement


# ------------------------------------------------------------- sending, withdrawing


def readiness_problems(agreement: Agreement) -> list[str]:
    """What stops the agreement from going out for signature (empty when nothing does)."""
    problems = []
    try:
        validate_matrix(agreement.role_matrix or {})
    except ValidationError as exc:
        problems += [_("Role matrix: %(problem)s") % {"problem": message} for message in exc.messages]
    if not any(getattr(agreement, name).strip() for name in Agreement.SECTION_FIELDS):
        problems.append(_("The agreement has no text."))
    representative = agreement.county_representative
    if representative is None:
        problems.append(_("Name the county's representative."))
    elif not is_staff_of(representative, agreement.county_id):
        problems.append(_("The county's representative must be a member of the county's staff."))
    for slot, who in agreement.signatory_slots()[1:]:
        if who is None:
            problems.append(_("Name the signatory for: %(slot)s.") % {"slot": Signature.Slot(slot).label})
        elif who.municipality_id != agreement.municipality_id:
            problems.append(_("Choose a contact in %(municipality)s.") % {"municipality": agreement.municipality.name})
        elif not (who.user_id or who.email):
            problems.append(
                _("%(name)s (%(slot)s) has neither a user nor an e-mail address.")
                % {"name": who.name, "slot": Signature.Slot(slot).label}
            )
    return problems


def _recipient(who) -> tuple[str, object]:
    if who is None:
        return "", None
    if hasattr(who, "get_full_name"):
        return who.email, who
    if who.user_id:
        return who.user.email, who.user
    return who.email, None


def _notify(agreement: Agreement, *, slot: str, who, template: str, key: str) -> bool:
    """Queues one e-mail about `agreement` to the signatory of `slot`; False when there is no address."""
    email, user = _recipient(who)
    if not email:
        return False
    queue_templated_email(
        template=template,
        context={"agreement": agreement, "slot": Signature.Slot(slot).label, "name": signer_name(who),
                 "county": agreement.county, "municipality": agreement.municipality},
        to=email,
        user=user,
        kind="agreement",
        county=agreement.county,
        about=agreement,
        idempotency_key=key,
    )
    return True


@records_by
@transaction.atomic
def send_for_signature(*, agreement: Agreement, by) -> Agreement:
    """DRAFT → SENT: the content is frozen and hashed, and every signatory gets an e-mail.
    Raises ValidationError with every problem that stops it, or AgreementError."""
    agreement = _lock(agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise AgreementError(_("Only a draft can be sent for signature."))
    ensure_open(agreement, error=AgreementError)
    problems = readiness_problems(agreement)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    text = canonical_json(build_content(agreement, sent_at=now))
    agreement.status = Agreement.Status.SENT
    agreement.sent_at = now
    agreement.first_sent_at = agreement.first_sent_at or now
    agreement.content_snapshot = text
    agreement.content_sha256 = text_sha256(text)
    agreement.save(update_fields=["status", "sent_at", "first_sent_at", "content_snapshot", "content_sha256"])
    _event(agreement, AgreementEvent.Kind.SENT, by)
    for slot, who in agreement.signatory_slots():
        _notify(agreement, slot=slot, who=who, template="agreements/email/awaiting_signature",
                key=f"agreement-await:{agreement.pk}:{agreement.content_sha256[:16]}:{slot}")
    _health_input_changed(agreement)
    return agreement


@records_by
@transaction.atomic
def withdraw_agreement(*, agreement: Agreement, by, reason: str) -> Agreement:
    """SENT → DRAFT for changes; signatures collected so far are discarded, with the reason."""
    agreement = _lock(agreement)
    if agreement.status != Agreement.Status.SENT:
        raise AgreementError(_("Only an agreement out for signature can be withdrawn."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the agreement is withdrawn.")})
    _withdraw(agreement, by=by, reason=reason)
    return agreement


# ------------------------------------------------------------------------ signing


def _check_signable(agreement: Agreement, *, slot: str, content_sha256: str) -> object:
    if agreement.status != Agreement.Status.SENT:
        raise AgreementError(_("The agreement is not out for signature."))
    if content_sha256 != agreement.content_sha256:
        raise AgreementError(
            _("The agreement has changed since you opened it. Read it again before you sign.")
        )
    slots = dict(agreement.signatory_slots())
    if slot not in slots or slots[slot] is None:
        raise AgreementError(_("This agreement has no such signatory."))
    if agreement.signatures.valid().filter(slot=slot).exists():
        raise AgreementError(_("%(slot)s has already signed.") % {"slot": Signature.Slot(slot).label})
    return slots[slot]


@transaction.atomic
def sign_agreement(*, agreement: Agreement, slot: str, user, content_sha256: str, data: dict,
                   ip_address: str | None = None) -> Signature:
    """The signatory of `slot` signs in the app (the signing method checks who they are). The last
    signature seals the agreement. Raises AgreementError, ValidationError, documents.pdf.DocumentError."""
    agreement = _lock(agreement)
    who = _check_signable(agreement, slot=slot, content_sha256=content_sha256)
    if not may_sign(user, agreement, slot):
        raise AgreementError(_("You are not the signatory for %(slot)s.") % {"slot": Signature.Slot(slot).label})
    method = get_signing_method()
    method.authenticate(user=user, data=data)
    signature = Signature.objects.create(
        agreement=agreement,
        slot=slot,
        signer_name=signer_name(who),
        signed_by=user,
        recorded_by=user,
        method=Signature.Method.PASSWORD if method.code == "password" else method.code,
        ip_address=ip_address,
        content_sha256=agreement.content_sha256,
    )
    _event(agreement, AgreementEvent.Kind.SIGNED, user, str(Signature.Slot(slot).label))
    _seal_if_complete(agreement)
    return signature


def check_scan(upload) -> bytes:
    """The uploaded scan's bytes: a PDF (by its magic bytes, not its name) of at most SCAN_MAX_BYTES."""
    if upload is None:
        raise ValidationError({"scan": _("Choose the scanned agreement (PDF).")})
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": _("The file is too large: at most %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}})
    upload.seek(0)
    data = upload.read(SCAN_MAX_BYTES + 1)
    if len(data) > SCAN_MAX_BYTES:
        raise ValidationError({"scan": _("The file is too large: at most %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}})
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"scan": _("The file is not a PDF. Scan the signed pages to PDF and try again.")})
    return data


@records_by
@transaction.atomic
def record_wet_ink_signature(*, agreement: Agreement, slot: str, by, scan, content_sha256: str,
                             ip_address: str | None = None) -> Signature:
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
        ip_address=ip_address,
        content_sha256=agreement.content_sha256,
        scan_sha256=sha256_hex(data),
    )
    signature.scan.save(f"avtale-{agreement.pk}-{slot}.pdf", ContentFile(data), save=False)
    signature.save()
    _event(agreement, AgreementEvent.Kind.SIGNED, by,
           _("%(slot)s: scanned signature on paper") % {"slot": Signature.Slot(slot).label})
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
        build_sealed(content=content, content_sha256=agreement.content_sha256, signatures=signatures, sealed_at=sealed_at)
    )
    snapshot_sha256 = text_sha256(snapshot)
    code = verification_code(snapshot_sha256)
    record = json.loads(snapshot)
    pdf = render_agreement_pdf(content=record["content"], signatures=record["signatures"], verification_code=code,
                               sealed_at=sealed_at, county=agreement.county)
    pdf_sha256 = sha256_hex(pdf)
    key_id, hmac_sha256 = keyed_seal(agreement_id=agreement.pk, sealed_at=sealed_at, snapshot_sha256=snapshot_sha256,
                                     pdf_sha256=pdf_sha256)
    agreement.status = Agreement.Status.SEALED
    agreement.sealed_at = sealed_at
    agreement.save(update_fields=["status", "sealed_at"])
    seal = Seal.objects.create(
        agreement=agreement, sealed_at=sealed_at, snapshot=snapshot, snapshot_sha256=snapshot_sha256,
        verification_code=code, pdf=pdf, pdf_sha256=pdf_sha256, hmac_sha256=hmac_sha256, hmac_key_id=key_id,
    )
    _event(agreement, AgreementEvent.Kind.SEALED, None, code)
    if agreement.amends_id:
        _event(agreement.amends, AgreementEvent.Kind.SUPERSEDED, None,
               _("By version %(version)s") % {"version": agreement.version})
    for slot, who in agreement.signatory_slots():
        _notify(agreement, slot=slot, who=who, template="agreements/email/sealed",
                key=f"agreement-sealed:{agreement.pk}:{slot}")
    return seal


# ----------------------------------------------------------------- amendments etc.


@records_by
@transaction.atomic
def create_amendment(*, agreement: Agreement, by) -> Agreement:
    """A new draft version of a sealed, current agreement. It supersedes the old one only when it is
    itself sealed; until then the old one stays in force."""
    agreement = _lock(agreement)
    if not agreement.is_sealed:
        raise AgreementError(_("Only a signed agreement can be amended; change the draft instead."))
    if agreement.is_superseded:
        raise AgreementError(_("This version is superseded; amend the newest one."))
    ensure_open(agreement, error=AgreementError)
    Participant.objects.select_for_update().get(pk=agreement.participant_id)
    if Agreement.objects.filter(participant_id=agreement.participant_id).exclude(status=Agreement.Status.SEALED).exists():
        raise AgreementError(_("An amendment is already being prepared."))
    version = Agreement.objects.filter(participant_id=agreement.participant_id).aggregate(v=Max("version"))["v"] + 1
    amendment = Agreement(
        county=agreement.county,
        project=agreement.project,
        participant=agreement.participant,
        municipality=agreement.municipality,
        version=version,
        amends=agreement,
        role_matrix=agreement.role_matrix,
        created_by=by,
        **{name: getattr(agreement, name) for name in EDITABLE_FIELDS},
    )
    amendment.save()
    _event(amendment, AgreementEvent.Kind.CREATED, by, _("Amendment of version %(version)s") % {"version": agreement.version})
    _event(agreement, AgreementEvent.Kind.AMENDED, by, _("Version %(version)s") % {"version": version})
    _health_input_changed(amendment)
    return amendment


@records_by
@transaction.atomic
def delete_draft(*, agreement: Agreement, by) -> None:
    """Removes a draft that was never sent (nothing about it was ever signed or shown to others)."""
    agreement = _lock(agreement)
    if agreement.status != Agreement.Status.DRAFT or agreement.first_sent_at is not None:
        raise AgreementError(_("Only a draft that was never sent for signature can be deleted."))
    agreement.events.all().delete()
    participant = agreement.participant
    agreement.delete()
    health.input_changed(participants=[participant])


@records_by
@transaction.atomic
def set_published(*, agreement: Agreement, by, published: bool) -> Agreement:
    """Shows a sealed agreement on the project's public pages, or stops showing it."""
    agreement = _lock(agreement)
    if not agreement.is_sealed:
        raise AgreementError(_("Only a signed agreement can be published."))
    exists = Publication.objects.filter(agreement=agreement).exists()
    if published and not exists:
        Publication.objects.create(agreement=agreement, published_by=by)
        _event(agreement, AgreementEvent.Kind.PUBLISHED, by)
    elif not published and exists:
        Publication.objects.filter(agreement=agreement).delete()
        _event(agreement, AgreementEvent.Kind.UNPUBLISHED, by)
    return agreement


# ----------------------------------------------------------------------- reminders


def send_signature_reminders(*, now=None) -> int:
    """Reminds every signatory who has not signed, every `County.agreement_reminder_days` days after
    sending (0: never). Idempotent: each reminder has its own key, so running twice queues nothing new."""
    now = now or timezone.now()
    agreements = (
        Agreement.objects.filter(status=Agreement.Status.SENT, sent_at__isnull=False)
        .select_related("county", "municipality", "project", "county_representative", "library_head_contact__user",
                        "chief_executive_contact__user", "mayor_contact__user")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.valid(), to_attr="valid_signatures"))
        .defer("content_snapshot")
        .order_by("pk")
    )
    queued = 0
    with translation.override("nb"):
        for agreement in agreements.iterator(chunk_size=200):
            days = agreement.county.agreement_reminder_days
            if not days:
                continue
            elapsed = (now - agreement.sent_at) // timedelta(days=1)
            if elapsed < days:
                continue
            round_number = elapsed // days
            signed = {signature.slot for signature in agreement.valid_signatures}
            for slot, who in agreement.signatory_slots():
                if slot in signed or who is None:
                    continue
                key = f"agreement-reminder:{agreement.pk}:{agreement.content_sha256[:16]}:{slot}:{round_number}"
                if OutboxMessage.objects.filter(idempotency_key=key).exists():
                    continue
                with transaction.atomic():
                    if _notify(agreement, slot=slot, who=who, template="agreements/email/reminder", key=key):
                        queued += 1
    return queued
