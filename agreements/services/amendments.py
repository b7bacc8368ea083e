"""Amendments to a sealed agreement, deleting a draft, publishing an agreement."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from followup import health
from projects.models import Participant
from projects.services import ensure_open
from shell.history import records_by

from ..models import Agreement, AgreementEvent, Publication
from .base import AgreementError, _event, _health_input_changed, _lock
from .drafts import EDITABLE_FIELDS


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
    if (
        Agreement.objects.filter(participant_id=agreement.participant_id)
        .exclude(status=Agreement.Status.SEALED)
        .exists()
    ):
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
    _event(
        amendment,
        AgreementEvent.Kind.CREATED,
        by,
        _("Amendment of version %(version)s") % {"version": agreement.version},
    )
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
