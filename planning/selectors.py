"""Reads of planning: the capacity check (the reality check), the money of a participant, a project
and a county, and how long a kit's steps took in the county's closed projects. Each computes from a
fixed number of queries whatever the number of participants."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Round
from django.urls import reverse
from django.utils.translation import gettext as _

from followup.models import Meeting, Milestone
from projects.models import Participant, Project

from .models import Budget, GrantRelease, HandbookPage, Kit, KitDocument, KitUse, StaffCapacity

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
        StaffCapacity.objects.filter(county=project.county_id, user_id__in=leader_ids).values_list(
            "user_id", "hours_per_month"
        )
    )
    through = Project.leaders.through
    leader_counts = (
        through.objects.filter(project_id=OuterRef("project_id"))
        .values("project_id")
        .annotate(n=Count("*"))
        .values("n")
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
    load = (
        Project.objects.active().filter(county=county).aggregate(total=Sum("county_hours_per_month"))["total"] or ZERO
    )
    declared = StaffCapacity.objects.filter(county=county).aggregate(total=Sum("hours_per_month"))["total"] or ZERO
    return {"load": load, "declared": declared, "free": declared - load}


# ------------------------------------------------------------------------ money


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


def released_total(budget: Budget) -> Decimal:
    return budget.releases.aggregate(total=Sum("amount"))["total"] or ZERO if budget.pk else ZERO


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


# ------------------------------------------------------------------------- kits


def learned_durations(kit: Kit) -> dict[int, int]:
    """Per kit milestone: the median days from project start to completion in the county's
    finished projects ("things take time"). Kit milestones never finished are absent."""
    done = Milestone.objects.filter(
        origin__kit_milestone__kit=kit,
        status=Milestone.Status.DONE,
        completed_on__isnull=False,
        project__county_id=kit.county_id,
        project__status=Project.Status.CLOSED,
    ).values_list("origin__kit_milestone_id", "completed_on", "project__start_on")
    days = defaultdict(list)
    for kit_milestone_id, completed_on, start_on in done:
        days[kit_milestone_id].append((completed_on - start_on).days)
    return {key: round(median(values)) for key, values in days.items()}


def kit_of(project: Project) -> Kit | None:
    """The kit the project was made from, if any."""
    try:
        return project.kit_use.kit
    except KitUse.DoesNotExist:
        return None


def kit_document(project: Project, kind: str) -> KitDocument | None:
    """The first document of `kind` (letter, agreement text) in the kit the project was made from."""
    kit = kit_of(project)
    return kit.documents.filter(kind=kind).order_by("id").first() if kit is not None else None


# ------------------------------------------------------------------ handbook

GROUND_RULES_SLUG = "kjoreregler-lyd-og-bilde"


def ground_rules_links(meeting) -> list[tuple[str, str]]:
    """A digital meeting's invitation links the county's handbook page on audio/video ground rules,
    when the county has one (registered with `followup.services.meetings` by PlanningConfig)."""
    if meeting.kind != Meeting.Kind.DIGITAL:
        return []
    county = meeting.project.county
    if not HandbookPage.objects.filter(county=county, slug=GROUND_RULES_SLUG).exists():
        return []
    url = settings.SITE_URL + reverse(
        "planning:handbook-page", kwargs={"number": county.number, "slug": GROUND_RULES_SLUG}
    )
    return [(_("Ground rules for audio and video"), url)]
