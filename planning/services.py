"""Changes on the planning side: declared capacity, the hours a project needs, required positions,
budgets, grant releases and final accounts. One transaction each; when money moves the project is
marked "infobrev suggested"; changes that health reads tell `followup.health`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from followup import health
from municipalities.models import Position
from projects.models import Participant, Project
from projects.services import ProjectError, ensure_open
from shell.history import records_by
from shell.templatetags.money import kr, percent
from shell.writes import save_changes

from .models import Budget, FinalAccount, GrantRelease, HandbookPage, StaffCapacity
from .selectors import capacity_for, get_budget, released_total


@transaction.atomic
def declare_staff_capacity(*, county, user, hours_per_month) -> StaffCapacity:
    if not Membership.objects.filter(
        user=user, county=county, role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN]
    ).exists():
        raise ValidationError({"user": _("Only county staff declare county hours.")})
    capacity, _created = StaffCapacity.objects.update_or_create(
        county=county, user=user, defaults={"hours_per_month": hours_per_month, "updated_at": timezone.now()}
    )
    return capacity


@records_by
@transaction.atomic
def declare_municipality_capacity(*, municipality, hours_per_month, by):
    municipality.project_hours_per_month = hours_per_month
    municipality.save(update_fields=["project_hours_per_month"])
    return municipality


@records_by
@transaction.atomic
def set_capacity_needs(*, project: Project, by, county_hours_per_month, participant_hours_per_month) -> Project:
    ensure_open(project)
    project.county_hours_per_month = county_hours_per_month
    project.participant_hours_per_month = participant_hours_per_month
    project.save(update_fields=["county_hours_per_month", "participant_hours_per_month"])
    return project


def default_positions(theme) -> list[Position]:
    """Library head, chief executive and mayor; the technical department too for library rooms."""
    codes = [Position.Code.LIBRARY_HEAD, Position.Code.CHIEF_EXECUTIVE, Position.Code.MAYOR]
    if theme is not None and theme.code == "library_rooms":
        codes.append(Position.Code.TECHNICAL)
    return list(Position.objects.filter(county_id=theme.county_id if theme else None, code__in=codes))


@records_by
@transaction.atomic
def set_required_positions(*, project: Project, positions, by) -> None:
    ensure_open(project)
    if any(position.county_id != project.county_id for position in positions):
        raise ValidationError({"positions": _("Choose positions from the county's list.")})
    project.required_positions.set(positions)
    health.input_changed(project=project)


# ------------------------------------------------------------------------ money


def _suggest_infobrev(project_id) -> None:
    """Money changed: everyone involved should hear about it (the infobrev issue acts on this)."""
    Project.objects.filter(pk=project_id, infobrev_suggested_at__isnull=True).update(
        infobrev_suggested_at=timezone.now()
    )


@records_by
@transaction.atomic
def save_budget(*, participant: Participant, by, **fields) -> Budget:
    ensure_open(participant.project)
    budget = get_budget(participant)
    if budget.pk:
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if hasattr(budget, "final_account"):
            raise ProjectError(_("The grant is closed with final accounts and can no longer change."))
    released = budget.releases.aggregate(total=Sum("amount"))["total"] if budget.pk else None
    if released and fields.get("county_grant", budget.county_grant) < released:
        raise ValidationError({"county_grant": _("The grant cannot be less than what is already released.")})
    for name, value in fields.items():
        setattr(budget, name, value)
    budget.full_clean()
    save_changes(budget, fields)
    _suggest_infobrev(participant.project_id)
    return budget


@records_by
@transaction.atomic
def release_grant(*, participant: Participant, amount: Decimal, by, released_on=None, note="") -> GrantRelease:
    """Pays out (part of) the county grant once the local share meets the requirement."""
    ensure_open(participant.project)
    budget = Budget.objects.select_for_update().filter(participant=participant).first()
    if budget is None or not budget.county_grant:
        raise ValidationError({"amount": _("The participant has no county grant to release.")})
    if hasattr(budget, "final_account"):
        raise ProjectError(_("The grant is closed with final accounts."))
    if not budget.meets_required_share:
        raise ValidationError(
            {
                "amount": _("The local share is %(share)s; %(required)s is required before the grant can be released.")
                % {"share": percent(budget.local_share, 2), "required": percent(budget.required_local_share, 2)}
            }
        )
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    remaining = budget.county_grant - released_total(budget)
    if amount > remaining:
        raise ValidationError(
            {"amount": _("Only %(remaining)s of the grant remains to be released.") % {"remaining": kr(remaining)}}
        )
    release = GrantRelease(
        budget=budget, amount=amount, released_on=released_on or timezone.localdate(), released_by=by, note=note
    )
    release.save()
    _suggest_infobrev(participant.project_id)
    return release


@records_by
@transaction.atomic
def close_grant(*, participant: Participant, spent_county: Decimal, spent_local: Decimal, by) -> FinalAccount:
    """Records the final accounts; unused released county money is to be returned."""
    ensure_open(participant.project)
    budget = Budget.objects.select_for_update().filter(participant=participant).first()
    if budget is None:
        raise ProjectError(_("The participant has no budget."))
    if hasattr(budget, "final_account"):
        raise ProjectError(_("The grant is already closed."))
    released = released_total(budget)
    if spent_county > released:
        raise ValidationError(
            {"spent_county": _("More county money spent than released (%(released)s).") % {"released": kr(released)}}
        )
    account = FinalAccount(
        budget=budget,
        spent_county=spent_county,
        spent_local=spent_local,
        to_return=released - spent_county,
        closed_by=by,
    )
    account.save()
    _suggest_infobrev(participant.project_id)
    return account


@transaction.atomic
def clear_infobrev_suggestion(*, project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(infobrev_suggested_at=None)


@records_by
def capacity_gate(project: Project, *, by, reason: str) -> list[str]:
    """Planning → active needs a passing reality check, or a written reason to start anyway (kept,
    with who). Registered with `projects.lifecycle` by PlanningConfig; returns the fields it set."""
    if capacity_for(project).passes:
        return []
    if not reason.strip():
        raise ValidationError(
            {"reason": _("The capacity check shows a shortfall. Give a reason to start anyway, or fix the shortfall.")}
        )
    project.capacity_override_reason = reason.strip()
    project.capacity_override_by, project.capacity_override_at = by, timezone.now()
    return ["capacity_override_reason", "capacity_override_by", "capacity_override_at"]


HANDBOOK_FIELDS = ("title", "slug", "body", "is_public", "order")


@records_by
@transaction.atomic
def save_handbook_page(*, county, by, page: HandbookPage | None = None, **fields) -> HandbookPage:
    """A new page of the county's handbook, or a change to one (its address unique in the county)."""
    if page is None:
        page = HandbookPage(county=county)
    else:
        page = HandbookPage.objects.select_for_update().get(pk=page.pk, county=county)
    if HandbookPage.objects.filter(county=county, slug=fields.get("slug", page.slug)).exclude(pk=page.pk).exists():
        raise ValidationError({"slug": _("Another page of the county has this address.")})
    changed = [name for name in HANDBOOK_FIELDS if name in fields]
    for name in changed:
        setattr(page, name, fields[name])
    page.updated_at, page.updated_by = timezone.now(), by
    save_changes(page, [*changed, "updated_at", "updated_by"])
    return page
