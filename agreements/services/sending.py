"""Sending an agreement for signature (once it is ready), and withdrawing it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.permissions import is_staff_of
from projects.services import ensure_open
from shell.history import records_by

from ..canonical import canonical_json, text_sha256
from ..matrix import validate_matrix
from ..models import Agreement, AgreementEvent, Signature
from ..snapshot import build_content
from .base import AgreementError, _event, _health_input_changed, _lock, _notify, _withdraw


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
        _notify(
            agreement,
            slot=slot,
            who=who,
            template="agreements/email/awaiting_signature",
            key=f"agreement-await:{agreement.pk}:{agreement.content_sha256[:16]}:{slot}",
        )
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
