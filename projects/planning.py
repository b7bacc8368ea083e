"""The reality check, the stakeholder check and the money of a project.

Reads (`capacity_for`, `stakeholder_gaps`, `money_totals`) compute from a fixed
number of queries whatever the number of participants; changes are services
(one transaction each) and mark the project "infobrev suggested" when money moves.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from municipalities.models import Contact, Position

from .models import Budget, FinalAccount, GrantRelease, Participant, Project, StaffCapacity
from .services import ProjectError, ensure_open
from .templatetags.money import kr, percent

ZERO = Decimal("0")

# ----------------------------------------------------------------- capacity


@dataclass
class Side:
    """One side of the capacity check: what is needed against what is available."""

    label: str
    needed: Decimal
    declared: Decimal | None
    elsewhere: Decimal
    participant: Participant | None = None

    @property
    def available(self) -> Decimal | None:
        return None if self.declared is None else self.declared - self.elsewhere

    @property
    def passes(self) -> bool:
        return self.needed <= 0 or (self.available is not None and self.available >= self.needed)

    @property
    def shortfall(self) -> Decimal:
        return ZERO if self.passes else self.needed - (self.available or ZERO)


@dataclass
class CapacityCheck:
    county: Side
    participants: list[Side] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return self.county.passes and all(side.passes for side in self.participants)


def capacity_for(project: Project, *, participants=None) -> CapacityCheck:
    """Available = declared − hours on the same people's or municipalities' other active projects.

    Three queries whatever the size of the project: declared hours of the leaders, the leaders'
    share of their other active projects, and the municipalities' other active participations.
    `participants` (taking part, with municipality) may be passed in when the caller has them.
    """
    leader_ids = [leader.pk for leader in project.leaders.all()]
    declared = dict(
        StaffCapacity.objects.filter(county=project.county_id, user_id__in=leader_ids).values_list("user_id", "hours_per_month")
    )
    through = Project.leaders.through
    leader_counts = (
        through.objects.filter(project_id=OuterRef("project_id")).values("project_id").annotate(n=Count("*")).values("n")
    )
    shares = (
        through.objects.filter(user_id__in=leader_ids, project__status=Project.Status.ACTIVE)
        .exclude(project_id=project.pk)
        .annotate(leaders=Subquery(leader_counts))
        .values_list("project__county_hours_per_month", "leaders")
    )
    # Each active project's county hours are split evenly among its leaders.
    elsewhere = sum((hours / leaders for hours, leaders in shares if leaders), ZERO)
    county_side = Side(
        label=_("County library"),
        needed=project.county_hours_per_month,
        declared=sum(declared.values(), ZERO) if declared else None,
        elsewhere=elsewhere,
    )
    if participants is None:
        participants = list(project.participants.taking_part().select_related("municipality"))
    busy = defaultdict(lambda: ZERO)
    rows = (
        Participant.objects.taking_part()
        .filter(municipality_id__in=[p.municipality_id for p in participants], project__status=Project.Status.ACTIVE)
        .exclude(project=project)
        .values_list("municipality_id", "hours_needed_per_month", "project__participant_hours_per_month")
    )
    for municipality_id, own, default in rows:
        busy[municipality_id] += default if own is None else own
    sides = [
        Side(
            label=participant.municipality.name,
            needed=participant.hours_needed,
            declared=participant.municipality.project_hours_per_month,
            elsewhere=busy[participant.municipality_id],
            participant=participant,
        )
        for participant in participants
    ]
    return CapacityCheck(county=county_side, participants=sides)


def county_load(county) -> dict:
    """The county's total load across active projects against its staff's declared hours."""
    load = Project.objects.active().filter(county=county).aggregate(total=Sum("county_hours_per_month"))["total"] or ZERO
    declared = StaffCapacity.objects.filter(county=county).aggregate(total=Sum("hours_per_month"))["total"] or ZERO
    return {"load": load, "declared": declared, "free": declared - load}


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


@transaction.atomic
def declare_municipality_capacity(*, municipality, hours_per_month, by):
    municipality.project_hours_per_month = hours_per_month
    municipality._history_user = by
    municipality.save(update_fields=["project_hours_per_month"])
    return municipality


@transaction.atomic
def set_capacity_needs(*, project: Project, by, county_hours_per_month, participant_hours_per_month) -> Project:
    ensure_open(project)
    project.county_hours_per_month = county_hours_per_month
    project.participant_hours_per_month = participant_hours_per_month
    project._history_user = by
    project.save(update_fields=["county_hours_per_month", "participant_hours_per_month"])
    return project


# ------------------------------------------------------------ stakeholder check


@dataclass
class StakeholderRow:
    participant: Participant
    filled: dict  # position -> [contacts]
    missing: list  # positions nobody fills


def stakeholder_check(project: Project, participants=None) -> list[StakeholderRow]:
    """Per participant: who fills each required position, and which positions nobody fills (2 queries)."""
    positions = list(project.required_positions.all())
    participants = participants if participants is not None else list(
        project.participants.taking_part().select_related("municipality")
    )
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(
        municipality_id__in=[p.municipality_id for p in participants], position__in=positions
    ).select_related("position"):
        contacts[(contact.municipality_id, contact.position_id)].append(contact)
    rows = []
    for participant in participants:
        filled = {position: contacts[(participant.municipality_id, position.pk)] for position in positions}
        rows.append(StakeholderRow(participant, filled, [position for position, people in filled.items() if not people]))
    return rows


def stakeholder_gap_count(project: Project) -> int:
    return sum(len(row.missing) for row in stakeholder_check(project))


def county_stakeholder_gaps(county) -> int:
    """Unfilled required positions across the county's active projects (three queries in all)."""
    required = defaultdict(set)
    through = Project.required_positions.through
    for project_id, position_id in through.objects.filter(
        project__county=county, project__status=Project.Status.ACTIVE
    ).values_list("project_id", "position_id"):
        required[project_id].add(position_id)
    participations = list(
        Participant.objects.taking_part()
        .filter(project_id__in=required)
        .values_list("project_id", "municipality_id")
    )
    filled = set(
        Contact.objects.filter(
            municipality_id__in={municipality for _project, municipality in participations},
            position_id__in={position for positions in required.values() for position in positions},
        ).values_list("municipality_id", "position_id")
    )
    return sum(
        1
        for project_id, municipality_id in participations
        for position_id in required[project_id]
        if (municipality_id, position_id) not in filled
    )


def default_positions(theme) -> list[Position]:
    """Library head, chief executive and mayor; the technical department too for library rooms."""
    codes = [Position.Code.LIBRARY_HEAD, Position.Code.CHIEF_EXECUTIVE, Position.Code.MAYOR]
    if theme is not None and theme.code == "library_rooms":
        codes.append(Position.Code.TECHNICAL)
    return list(Position.objects.filter(county_id=theme.county_id if theme else None, code__in=codes))


@transaction.atomic
def set_required_positions(*, project: Project, positions, by) -> None:
    ensure_open(project)
    if any(position.county_id != project.county_id for position in positions):
        raise ValidationError({"positions": _("Choose positions from the county's list.")})
    project.required_positions.set(positions)


# ------------------------------------------------------------------------ money


def _suggest_infobrev(project_id) -> None:
    """Money changed: everyone involved should hear about it (the infobrev issue acts on this)."""
    Project.objects.filter(pk=project_id, infobrev_suggested_at__isnull=True).update(infobrev_suggested_at=timezone.now())


def get_budget(participant: Participant) -> Budget:
    """The participant's budget, made with the project's defaults the first time it is asked for."""
    budget = Budget.objects.filter(participant=participant).first()
    if budget is None:
        project = participant.project
        budget = Budget(
            participant=participant,
            required_local_share=project.local_share_required,
            hourly_rate=project.county.default_hourly_rate,
        )
    return budget


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
    budget._history_user = by
    budget.full_clean()
    budget.save()
    _suggest_infobrev(participant.project_id)
    return budget


def released_total(budget: Budget) -> Decimal:
    return budget.releases.aggregate(total=Sum("amount"))["total"] or ZERO if budget.pk else ZERO


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
            {"amount": _("The local share is %(share)s; %(required)s is required before the grant can be released.")
             % {"share": percent(budget.local_share, 2), "required": percent(budget.required_local_share, 2)}}
        )
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    remaining = budget.county_grant - released_total(budget)
    if amount > remaining:
        raise ValidationError({"amount": _("Only %(remaining)s of the grant remains to be released.") % {"remaining": kr(remaining)}})
    release = GrantRelease(budget=budget, amount=amount, released_on=released_on or timezone.localdate(), released_by=by, note=note)
    release._history_user = by
    release.save()
    _suggest_infobrev(participant.project_id)
    return release


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
        raise ValidationError({"spent_county": _("More county money spent than released (%(released)s).") % {"released": kr(released)}})
    account = FinalAccount(budget=budget, spent_county=spent_county, spent_local=spent_local,
                           to_return=released - spent_county, closed_by=by)
    account._history_user = by
    account.save()
    _suggest_infobrev(participant.project_id)
    return account


@dataclass
class MoneyTotals:
    granted: Decimal = ZERO
    released: Decimal = ZERO
    local_committed: Decimal = ZERO

    @property
    def leverage(self) -> Decimal | None:
        """Local kroner per county krone granted."""
        return (self.local_committed / self.granted).quantize(Decimal("0.01")) if self.granted else None


def money_totals(budgets) -> MoneyTotals:
    """Totals over budgets with `released_sum` annotated (see `budgets_with_releases`)."""
    totals = MoneyTotals()
    for budget in budgets:
        totals.granted += budget.county_grant
        totals.released += budget.released_sum or ZERO
        totals.local_committed += budget.local_committed
    return totals


def budgets_with_releases(**filters):
    return Budget.objects.filter(**filters).annotate(released_sum=Sum("releases__amount"))


def project_money(project: Project) -> MoneyTotals:
    return money_totals(budgets_with_releases(participant__project=project))


def county_money(county) -> MoneyTotals:
    """The same totals as `money_totals`, summed by the database: a county has thousands of budgets."""
    budgets = Budget.objects.filter(participant__project__county=county)
    sums = budgets.aggregate(
        granted=Sum("county_grant"),
        cash=Sum("local_cash"),
        inkind=Sum(Round(F("local_inkind_hours") * F("hourly_rate"), 2)),  # as Budget.local_inkind_value
    )
    released = GrantRelease.objects.filter(budget__in=budgets.values("pk")).aggregate(total=Sum("amount"))["total"]
    return MoneyTotals(
        granted=sums["granted"] or ZERO,
        released=released or ZERO,
        local_committed=(sums["cash"] or ZERO) + (sums["inkind"] or ZERO),
    )


@transaction.atomic
def clear_infobrev_suggestion(*, project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(infobrev_suggested_at=None)
