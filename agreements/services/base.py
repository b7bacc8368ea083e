"""The error agreement services raise, and the helpers they share (lock, event, open project, health, withdrawing, notifying a signatory).

Changes to agreements: draft → out for signature → signed and sealed (→ superseded by an amendment).

Every function is one transaction that locks the agreement first. Errors a
user can correct on a form field are `ValidationError({field: message})`; a
state that forbids the change is `AgreementError`. Sealing renders the PDF in
the same transaction as the last signature: if the document cannot be made,
nothing is saved and the signatory can try again.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from followup import health
from notifications.services import queue_templated_email

from ..models import Agreement, AgreementEvent, Signature
from ..snapshot import signer_name


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
        context={
            "agreement": agreement,
            "slot": Signature.Slot(slot).label,
            "name": signer_name(who),
            "county": agreement.county,
            "municipality": agreement.municipality,
        },
        to=email,
        user=user,
        kind="agreement",
        county=agreement.county,
        about=agreement,
        idempotency_key=key,
    )
    return True
