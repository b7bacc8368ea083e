"""Sending an agreement for signature (once it is ready), and withdrawing it."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import invite_user
from municipalities.permissions import is_staff_of
from notifications import links
from projects.services import ensure_open
from shell.history import records_by

from ..canonical import canonical_json, text_sha256
from ..matrix import validate_matrix
from ..models import Agreement, AgreementEvent, Signature
from ..snapshot import build_content, signer_name
from .base import (
    LINK,
    LINK_PURPOSE,
    LOGIN,
    AgreementError,
    _event,
    _health_input_changed,
    _lock,
    _notify,
    _withdraw,
    reach_of,
)


@dataclass(frozen=True)
class Reach:
    """One signatory and how the request to sign reaches them (LOGIN, LINK or "" for nobody)."""

    slot: str
    label: str
    name: str
    how: str
    email: str
    contact: object = None  # the contact, for a slot a contact signs

    @property
    def by_login(self) -> bool:
        return self.how == LOGIN

    @property
    def by_link(self) -> bool:
        return self.how == LINK


def signatory_reach(agreement: Agreement) -> list[Reach]:
    """Every signatory of the agreement, in order, with how they are reached."""
    rows = []
    for slot, who in agreement.signatory_slots():
        how, email, _user = reach_of(who)
        rows.append(
            Reach(
                slot=slot,
                label=str(Signature.Slot(slot).label),
                name=signer_name(who),
                how=how,
                email=email,
                contact=None if who is None or hasattr(who, "get_full_name") else who,
            )
        )
    return rows


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
            problems.append(_("Name the signatory for: %(slot)s.") % {"slot": Signature.slot_in_sentence(slot)})
        elif who.municipality_id != agreement.municipality_id:
            problems.append(_("Choose a contact in %(municipality)s.") % {"municipality": agreement.municipality.name})
        elif not reach_of(who)[0]:
            problems.append(
                _("%(name)s (%(slot)s) has no e-mail address: add one to the contact, or invite them as a user.")
                % {"name": who.name, "slot": Signature.slot_in_sentence(slot)}
            )
    if representative is not None and not reach_of(representative)[0]:
        problems.append(_("The county's representative has no e-mail address."))
    return problems


@records_by
@transaction.atomic
def send_for_signature(*, agreement: Agreement, by) -> Agreement:
    """DRAFT → SENT: the content is frozen and hashed, the signing deadline set (the county's
    `agreement_signing_days` from today) and every signatory gets an e-mail: those with a login a link
    to the agreement, contacts without one a personal link (notifications.links) that expires with
    the deadline. Raises ValidationError with every problem that stops it, or AgreementError."""
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
    agreement.signing_deadline = timezone.localdate() + timedelta(days=agreement.county.agreement_signing_days)
    agreement.save(
        update_fields=["status", "sent_at", "first_sent_at", "content_snapshot", "content_sha256", "signing_deadline"]
    )
    _event(agreement, AgreementEvent.Kind.SENT, by)
    for slot, who in agreement.signatory_slots():
        link = None
        if reach_of(who)[0] == LINK:
            link = links.create_link(
                contact=who,
                purpose=LINK_PURPOSE,
                object_id=agreement.pk,
                slot=slot,
                expires_at=links.end_of_day(agreement.signing_deadline),
                county=agreement.county,
                by=by,
            )
        _notify(
            agreement,
            slot=slot,
            who=who,
            template="agreements/email/awaiting_signature",
            key=f"agreement-await:{agreement.pk}:{agreement.content_sha256[:16]}:{slot}",
            link=link,
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


@records_by
@transaction.atomic
def revoke_signing_link(*, agreement: Agreement, link, by):
    """County staff revoke a signatory's personal link (it never works again; a new one comes with a
    new sending)."""
    agreement = _lock(agreement)
    if link.purpose != LINK_PURPOSE or link.object_id != agreement.pk:
        raise AgreementError(_("This link is not for this agreement."))
    if link.state != link.State.SENT:
        raise AgreementError(_("The link is no longer open."))
    links.revoke_link(link=link, by=by)
    _event(
        agreement,
        AgreementEvent.Kind.EDITED,
        by,
        _("Personal link to %(email)s revoked") % {"email": link.email},
    )
    return link


SLOT_ROLES = {
    Signature.Slot.LIBRARY_HEAD: "library_head",
    Signature.Slot.CHIEF_EXECUTIVE: "leadership",
    Signature.Slot.MAYOR: "leadership",
}


@records_by
@transaction.atomic
def invite_signatory(*, agreement: Agreement, slot: str, by):
    """Instead of a personal link: the slot's contact is invited as a user of the municipality (library
    head or municipal leadership) and linked to the contact; their open link is revoked. Once they
    have accepted, they sign logged in. Returns the invitation (None if they could already log in)."""
    agreement = _lock(agreement)
    if agreement.status == Agreement.Status.SEALED:
        raise AgreementError(_("The agreement is already signed and sealed."))
    who = dict(agreement.signatory_slots()).get(slot)
    if slot not in SLOT_ROLES or who is None:
        raise AgreementError(_("This agreement has no such signatory."))
    if reach_of(who)[0] == LOGIN:
        raise AgreementError(_("%(name)s can already log in.") % {"name": who.name})
    if not who.email:
        raise AgreementError(_("%(name)s has no e-mail address: add one to the contact first.") % {"name": who.name})
    invitation = invite_user(
        county=agreement.county,
        email=who.email,
        name=who.name,
        role=SLOT_ROLES[slot],
        municipality=agreement.municipality,
        by=by,
    )
    user = User.objects.get(email__iexact=who.email.strip())
    who.user = user
    who.save(update_fields=["user"])
    links.revoke_links(purpose=LINK_PURPOSE, object_id=agreement.pk, slot=slot, by=by)
    _event(
        agreement,
        AgreementEvent.Kind.EDITED,
        by,
        _("%(name)s (%(slot)s) invited as a user instead of a personal link")
        % {"name": who.name, "slot": Signature.slot_in_sentence(slot)},
    )
    return invitation
