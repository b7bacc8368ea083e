"""Spreadsheet exports of planning: the project list with its money (the fullest list a county reports
on) and the budget of each participant of a project. Registered in PlanningConfig.ready() as kinds of
`documents.exports`; each fetches only what the user may read: projects through `list_projects`,
participants, budgets and health through `participant_scope` (a municipality's users: their own
participation), milestones through `Milestone.objects.visible_to` (their own and the whole project's).
"""

from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.exports import Export
from documents.spreadsheet import Column, Kind, Table
from followup.lateness import late_q
from followup.models import Milestone
from projects.access import access_project
from projects.forms import ProjectFilterForm
from projects.models import Participant, participant_scope
from projects.selectors import list_projects

from .models import Budget

ZERO = Decimal("0")
CHUNK = 500  # projects read, and their money and milestones summed, this many at a time
WORST = {Participant.Health.GREEN: 0, Participant.Health.YELLOW: 1, Participant.Health.RED: 2}

PROJECT_COLUMNS = [
    Column(gettext_lazy("Title")),
    Column(gettext_lazy("Status")),
    Column(gettext_lazy("Theme")),
    Column(gettext_lazy("County")),
    Column(gettext_lazy("Start"), Kind.DATE),
    Column(gettext_lazy("End"), Kind.DATE),
    Column(gettext_lazy("Project leaders")),
    Column(gettext_lazy("Participants"), Kind.INTEGER),
    Column(gettext_lazy("Share of period passed"), Kind.PERCENT),
    Column(gettext_lazy("Municipalities taking part")),
    Column(gettext_lazy("County grant"), Kind.MONEY),
    Column(gettext_lazy("Released"), Kind.MONEY),
    Column(gettext_lazy("Local funds committed"), Kind.MONEY),
    Column(gettext_lazy("Local kroner per county krone"), Kind.DECIMAL),
    Column(gettext_lazy("Late milestones"), Kind.INTEGER),
    Column(gettext_lazy("Health")),
]


def money_scope(user, path: str = "") -> Q:
    """The participants whose money the user may see (as `can_see_participant_money`): the county's staff
    every one of their counties', a municipality's users their own. Experts read participants, not money."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{path}pk__in": []})
    access = user.access
    return Q(**{f"{path}project__county_id__in": access.staff_county_ids}) | Q(
        **{f"{path}municipality_id__in": access.municipality_ids}
    )


def _filtered(user, params: dict):
    filters = ProjectFilterForm(params or None, user=user)
    data = filters.cleaned_data if filters.is_valid() else {}
    return list_projects(
        user,
        search=data.get("q", ""),
        status=data.get("status", ""),
        theme=data.get("theme"),
        municipality=data.get("municipality"),
        leader=data.get("leader"),
        sort=data.get("sort") or "-start",
    )


def _chunks(queryset, size: int):
    chunk = []
    for item in queryset.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _share_passed(project, today) -> Decimal:
    days = (project.end_on - project.start_on).days or 1
    passed = min(max((today - project.start_on).days, 0), days)
    return (Decimal(passed) / days).quantize(Decimal("0.001"), rounding=ROUND_DOWN)


def _project_rows(user, projects):
    today = timezone.localdate()
    scope = participant_scope(user)
    for chunk in _chunks(projects, CHUNK):
        ids = [project.pk for project in chunk]
        # Who takes part is shown to everyone who reads the project (as its page does); money and
        # health only of the participants the user may read.
        names = defaultdict(list)
        for project_id, name in (
            Participant.objects.taking_part()
            .filter(project_id__in=ids)
            .order_by("municipality__name")
            .values_list("project_id", "municipality__name")
        ):
            names[project_id].append(name)
        health = {}
        for project_id, level in (
            Participant.objects.filter(scope, project_id__in=ids, status__in=Participant.FOLLOWED_UP)
            .values_list("project_id", "health")
            .distinct()
        ):
            if WORST[level] >= WORST.get(health.get(project_id), -1):
                health[project_id] = level
        money = defaultdict(lambda: [ZERO, ZERO, ZERO])
        budgets = Budget.objects.filter(money_scope(user, "participant__"), participant__project_id__in=ids)
        for budget in budgets.annotate(released_sum=Sum("releases__amount")).values_list(
            "participant__project_id",
            "county_grant",
            "released_sum",
            "local_cash",
            "local_inkind_hours",
            "hourly_rate",
        ):
            project_id, grant, released, cash, hours, rate = budget
            totals = money[project_id]
            totals[0] += grant
            totals[1] += released or ZERO
            totals[2] += cash + (hours * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        late = dict(
            Milestone.objects.visible_to(user)
            .filter(late_q(on=today), project_id__in=ids)
            .values("project_id")
            .annotate(n=Count("*"))
            .values_list("project_id", "n")
        )
        labels = dict(Participant.Health.choices)
        for project in chunk:
            granted, released, local = money.get(project.pk, (None, None, None))
            yield [
                project.title,
                project.get_status_display(),
                project.theme.name,
                project.county.name,
                project.start_on,
                project.end_on,
                ", ".join(leader.get_full_name() for leader in project.leaders.all()),
                project.participant_count,
                _share_passed(project, today),
                ", ".join(names.get(project.pk, [])),
                granted,
                released,
                local,
                (local / granted).quantize(Decimal("0.01")) if granted else None,
                late.get(project.pk, 0),
                str(labels[health[project.pk]]) if project.pk in health else None,
            ]


def project_list_export(user, params: dict) -> Export:
    projects = _filtered(user, params)
    today = timezone.localdate()
    return Export(
        filename=f"prosjekter-{today:%Y-%m-%d}",
        title=_("Projects"),
        tables=[Table(gettext_lazy("Projects"), PROJECT_COLUMNS, _project_rows(user, projects))],
        count=projects.count(),
        back_url=reverse("projects:project-list"),
    )


BUDGET_COLUMNS = [
    Column(gettext_lazy("Municipality")),
    Column(gettext_lazy("Status")),
    Column(gettext_lazy("County grant"), Kind.MONEY),
    Column(gettext_lazy("Released"), Kind.MONEY),
    Column(gettext_lazy("Remaining to release"), Kind.MONEY),
    Column(gettext_lazy("Local funds committed (cash)"), Kind.MONEY),
    Column(gettext_lazy("Local in-kind hours"), Kind.DECIMAL),
    Column(gettext_lazy("Value of an in-kind hour"), Kind.MONEY),
    Column(gettext_lazy("Local in-kind value"), Kind.MONEY),
    Column(gettext_lazy("Local funds committed"), Kind.MONEY),
    Column(gettext_lazy("Local share"), Kind.PERCENT),
    Column(gettext_lazy("Required local share"), Kind.PERCENT),
]


def _budgets(user, project):
    return (
        Budget.objects.filter(money_scope(user, "participant__"), participant__project=project)
        .exclude(participant__status=Participant.Status.WITHDRAWN)
        .select_related("participant__municipality")
        .annotate(released_sum=Sum("releases__amount"))
        .order_by("participant__municipality__name", "pk")
    )


def _budget_rows(budgets):
    for budget in budgets.iterator(chunk_size=CHUNK):
        released = budget.released_sum or ZERO
        yield [
            budget.participant.municipality.name,
            budget.participant.get_status_display(),
            budget.county_grant,
            released,
            budget.county_grant - released,
            budget.local_cash,
            budget.local_inkind_hours,
            budget.hourly_rate,
            budget.local_inkind_value,
            budget.local_committed,
            budget.local_share / 100,
            budget.required_local_share / 100,
        ]


def budget_export(user, params: dict) -> Export:
    """The budgets of a project's participants: the county's staff every one, a municipality its own."""
    project = access_project(user, params.get("project"))
    budgets = _budgets(user, project)
    return Export(
        filename=f"budsjett-prosjekt-{project.pk}",
        title=_("Budgets: %(project)s") % {"project": project.title},
        tables=[Table(gettext_lazy("Budgets"), BUDGET_COLUMNS, _budget_rows(budgets))],
        count=budgets.count(),
        back_url=project.get_absolute_url(),
    )
