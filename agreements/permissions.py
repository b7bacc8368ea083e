"""Who may do what with agreements.

Reading is decided by `Agreement.objects.visible_to(user)` (404 for the rest).
These predicates decide changes to an agreement the user can read (403 otherwise).
Municipal leadership's one write is signing an agreement addressed to them.
"""

import rules

from municipalities.permissions import is_member_of, is_staff_of

from .models import Agreement, Signature


@rules.predicate
def is_staff_of_agreement_county(user, agreement) -> bool:
    return is_staff_of(user, agreement.county_id)


@rules.predicate
def is_project_open(user, agreement) -> bool:
    return not agreement.project.is_closed


@rules.predicate
def is_draft(user, agreement) -> bool:
    return agreement.status == Agreement.Status.DRAFT


@rules.predicate
def is_sent(user, agreement) -> bool:
    return agreement.status == Agreement.Status.SENT


@rules.predicate
def is_sealed(user, agreement) -> bool:
    return agreement.is_sealed


@rules.predicate
def is_current(user, agreement) -> bool:
    return not agreement.is_superseded


@rules.predicate
def was_never_sent(user, agreement) -> bool:
    return agreement.first_sent_at is None


@rules.predicate
def is_staff_of_participant_county(user, participant) -> bool:
    return is_staff_of(user, participant.project.county_id)


staff = rules.is_active & is_staff_of_agreement_county
can_edit_agreement = staff & ~is_sealed & is_project_open
can_send_agreement = staff & is_draft & is_project_open
can_withdraw_agreement = staff & is_sent
can_upload_scan = staff & is_sent
can_amend_agreement = staff & is_sealed & is_current & is_project_open
can_delete_agreement = staff & is_draft & was_never_sent
can_publish_agreement = staff & is_sealed
can_view_events = staff
can_revoke_link = staff & is_sent
can_invite_signatory = staff & ~is_sealed & is_project_open
can_create_agreement = rules.is_active & is_staff_of_participant_county


def may_sign(user, agreement: Agreement, slot: str) -> bool:
    """The user is the one who signs `slot`: the named county representative (still staff of the
    county), or the user linked to the slot's contact who belongs to the agreement's municipality."""
    if not user.is_authenticated or not user.is_active or agreement.status != Agreement.Status.SENT:
        return False
    who = dict(agreement.signatory_slots()).get(slot)
    if who is None:
        return False
    if slot == Signature.Slot.COUNTY:
        return who.pk == user.pk and is_staff_of(user, agreement.county_id)
    return who.user_id is not None and who.user_id == user.pk and is_member_of(user, agreement.municipality_id)
