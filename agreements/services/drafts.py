"""Drafting an agreement: creating it from the kit, editing its text and signatories, the role matrix (a change to an
agreement out for signature withdraws it first)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.models import Theme
from municipalities.permissions import is_staff_of
from planning.models import KitDocument
from planning.selectors import kit_document
from planning.standard_kits import AGREEMENT_TITLE
from projects.models import Participant
from projects.services import ensure_open
from shell.history import records_by

from .. import drafting
from ..matrix import default_matrix, validate_matrix
from ..models import Agreement, AgreementEvent
from .base import AgreementError, _event, _health_input_changed, _lock, _withdraw

TEXT_FIELDS = ["title", "county_case_number", "municipality_case_number", *Agreement.SECTION_FIELDS]


SIGNATORY_FIELDS = [
    "county_representative",
    "library_head_contact",
    "chief_executive_contact",
    "mayor_contact",
    "requires_mayor",
]


EDITABLE_FIELDS = TEXT_FIELDS + SIGNATORY_FIELDS


@transaction.atomic
def create_agreement(*, participant: Participant, by) -> Agreement:
    """A draft for `participant` from the kit's agreement text and live data, with the default role
    matrix and signatories. Raises AgreementError when the participant already has an agreement."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("project__county", "project__kit_use__kit", "project__theme", "municipality", "library")
        .get(pk=participant.pk)
    )
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
    _event(
        agreement,
        AgreementEvent.Kind.CREATED,
        by,
        _("From the kit “%(kit)s”.") % {"kit": document.kit.name} if document else "",
    )
    _health_input_changed(agreement)
    return agreement


def _check_signatories(agreement: Agreement, fields: dict) -> None:
    errors = {}
    representative = fields.get("county_representative", agreement.county_representative)
    if representative is not None and (not is_staff_of(representative, agreement.county_id)):
        errors["county_representative"] = _("The county's representative must be a member of the county's staff.")
    for name in ("library_head_contact", "chief_executive_contact", "mayor_contact"):
        contact = fields.get(name, getattr(agreement, name))
        if contact is not None and contact.municipality_id != agreement.municipality_id:
            errors[name] = _("Choose a contact in %(municipality)s.") % {"municipality": agreement.municipality.name}
    if errors:
        raise ValidationError(errors)


def _prepare_change(agreement: Agreement, *, by, withdraw_reason: str) -> None:
    """A change to an agreement out for signature withdraws it first, and needs a reason."""
    if agreement.is_sealed:
        raise AgreementError(_("A signed agreement cannot be changed. Make an amendment instead."))
    ensure_open(agreement, error=AgreementError)
    if agreement.status == Agreement.Status.SENT:
        reason = " ".join((withdraw_reason or "").split())
        if not reason:
            raise ValidationError(
                {
                    "withdraw_reason": _(
                        "The agreement is out for signature. Say why it changes: "
                        "the signatures collected so far will be discarded."
                    )
                }
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
