"""The error agreement services raise, and the helpers they share (lock, event, open project, health, withdrawing, notifying a signatory).

Changes to agreements: draft → out for signature → signed and sealed (→ superseded by an amendment).

Every function is one transaction that locks the agreement first. Errors a
user can correct on a form field are `ValidationError({field: message})`; a
state that forbids the change is `AgreementError`. Sealing renders the PDF in
the same transaction as the last signature: if the document cannot be made,
nothing is saved and the signatory can try again.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import health
from notifications import links
from notifications.models import PersonalLink
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


LINK_PURPOSE = PersonalLink.Purpose.AGREEMENT_SIGNATURE


def _withdraw(agreement: Agreement, *, by, reason: str) -> int:
    """SENT → DRAFT: collected signatures are discarded (kept, with who and why), personal links revoked."""
    links.revoke_links(purpose=LINK_PURPOSE, object_id=agreement.pk, by=by)
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


LOGIN, LINK = "login", "link"


def reach_of(who) -> tuple[str, str, object]:
    """How a signatory is reached: (LOGIN, address, user) when they have an active login with an
    e-mail address, (LINK, address, None) for a contact with an address who signs through a personal
    link, ("", "", None) when they cannot be reached at all."""
    if who is None:
        return "", "", None
    if hasattr(who, "get_full_name"):
        return (LOGIN, who.email, who) if who.is_active and who.email else ("", "", None)
    if who.user_id and who.user.is_active and who.user.email:
        return LOGIN, who.user.email, who.user
    if who.email:
        return LINK, who.email, None
    return "", "", None


def _recipient(who) -> tuple[str, object]:
    _how, email, user = reach_of(who)
    return email, user


def open_link_of(agreement: Agreement, slot: str) -> PersonalLink | None:
    return links.links_for(LINK_PURPOSE, agreement.pk).filter(slot=slot, state=PersonalLink.State.SENT).first()


def link_url(link: PersonalLink) -> str:
    return reverse("agreements:link", kwargs={"token": links.token_for(link)})


def _notify(agreement: Agreement, *, slot: str, who, template: str, key: str, link: PersonalLink | None = None) -> bool:
    """Queues one e-mail about `agreement` to the signatory of `slot`; False when there is no address.
    With `link`, the e-mail carries the contact's personal link instead of the agreement's page."""
    email, user = _recipient(who)
    if not email:
        return False
    queue_templated_email(
        template=template,
        context={
            "agreement": agreement,
            "slot": Signature.slot_in_sentence(slot),
            "name": signer_name(who),
            "county": agreement.county,
            "municipality": agreement.municipality,
            "path": link_url(link) if link is not None else agreement.get_absolute_url(),
            "personal_link": link is not None or reach_of(who)[0] == LINK,
            "signing_deadline": agreement.signing_deadline,
        },
        to=email,
        user=user,
        kind="agreement",
        county=agreement.county,
        about=agreement,
        idempotency_key=key,
    )
    return True
