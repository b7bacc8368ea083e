"""Reads for the follow-up pages: the dashboard, "my milestones", progress feeds, the start
page and the calendar feed. Each runs a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.selectors import reachable_head_memberships
from municipalities.models import Municipality
from municipalities.permissions import is_staff_of
from projects.models import Participant, Project
from shell.start import Task, TaskSource

from .health import health_facts
from .lateness import is_late, late_q, lateness
from .models import EscalationStep, Meeting, MeetingInvitee, Milestone, ProgressEntry, Visit

RISK_ORDER = Case(
    When(health=Participant.Health.RED, then=Value(0)),
    When(health=Participant.Health.YELLOW, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def list_dashboard(county, *, health: str = "", project=None):
    """Participants of the county's active projects, at risk first (red, yellow, green)."""
    participants = list_dashboard_for_county_id(county.pk)
    if health:
        participants = participants.filter(health=health)
    if project is not None:
        participants = participants.filter(project=project)
    return participants


def health_counts(county) -> dict:
    rows = (
        dashboard_participants()
        .filter(project__county=county, project__status=Project.Status.ACTIVE)
        .values("health")
        .annotate(n=Count("id"))
    )
    counts = {level: 0 for level in (Participant.Health.RED, Participant.Health.YELLOW, Participant.Health.GREEN)}
    counts.update({row["health"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class DashboardRow:
    """One participant on the dashboard with what the county asks first: when was it last visited,
    when did it last write, how late are its milestones, is its agreement signed."""

    participant: Participant
    days_since_visit: int | None  # None: never visited
    days_since_progress: int | None  # None: no progress entry yet
    late_milestones: int
    most_late: int  # days, the latest milestone
    unsigned_agreement: bool
    completed: bool  # finished, with work still open


def dashboard_rows(participants, *, today: date | None = None) -> list[DashboardRow]:
    """The rows of one dashboard page, in a fixed number of queries (the facts health reads)."""
    today = today or timezone.localdate()
    participants = list(participants)
    facts = health_facts(participants, today=today)
    rows = []
    for participant in participants:
        fact = facts[participant.pk]
        rows.append(
            DashboardRow(
                participant=participant,
                days_since_visit=(today - fact.last_visit).days if fact.last_visit else None,
                days_since_progress=(today - fact.last_progress).days if fact.last_progress else None,
                late_milestones=fact.overdue,
                most_late=fact.most_late,
                unsigned_agreement=fact.unsigned_agreement,
                completed=participant.status == Participant.Status.COMPLETED,
            )
        )
    return rows


def unreachable_municipalities(county_ids):
    """Municipalities whose library head the ladder could not remind (nobody with a login and an
    e-mail address), for milestones still open: a gap for county staff to fix. One query."""
    gaps = EscalationStep.objects.filter(
        participant__municipality_id=OuterRef("pk"),
        participant__project__county_id__in=county_ids,
        participant__project__status=Project.Status.ACTIVE,
        step=EscalationStep.Step.REMINDER,
        status=EscalationStep.Status.NO_RECIPIENT,
        milestone__status__in=Milestone.OPEN,
    )
    reachable = reachable_head_memberships().filter(municipality_id=OuterRef("pk"))
    return Municipality.objects.filter(Exists(gaps), ~Exists(reachable))


def reminder_gaps(county):
    """`unreachable_municipalities` of one county, by name."""
    return list(unreachable_municipalities([county.pk]).only("name", "number").order_by("name"))


def pending_proposals(county):
    return (
        EscalationStep.objects.filter(participant__project__county=county, status=EscalationStep.Status.PROPOSED)
        .select_related("milestone__project", "participant__municipality")
        .only("overdue_days", "milestone__name", "milestone__project__title", "participant__municipality__name")
        .order_by("created_at")
    )


def head_milestones(municipality_ids):
    """Every open milestone of these municipalities' participations that is theirs to do: in a project
    not closed, for a participant not withdrawn. The participant page marks the same ones late, and
    "my milestones" and the start page list them."""
    return Milestone.objects.filter(
        participant__municipality_id__in=list(municipality_ids),
        status__in=Milestone.OPEN,
    ).exclude(Q(project__status=Project.Status.CLOSED) | Q(participant__status=Participant.Status.WITHDRAWN))


def my_milestones(user, *, today: date | None = None, ahead_days: int | None = 30):
    """The library head's open milestones that are late or due within `ahead_days` (None: all of them),
    earliest first."""
    today = today or timezone.localdate()
    milestones = head_milestones(user.access.head_municipality_ids)
    if ahead_days is not None:
        milestones = milestones.filter(planned_on__lte=today + timedelta(days=ahead_days))
    return (
        milestones.select_related("project", "participant__municipality", "responsible_position")
        .annotate(last_progress_at=Max("progress_entries__written_at"))
        .order_by("planned_on", "project__title", "id")
    )


def meetings_to_attend(user):
    """Scheduled meetings still to come to which the user is invited (as a user or as a contact)."""
    invited = MeetingInvitee.objects.filter(Q(user=user) | Q(contact__user=user)).values("meeting_id")
    return Meeting.objects.filter(pk__in=invited, status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now())


def red_participants(county_ids):
    """Participants of the counties' active projects whose health is red (what the dashboard lists first)."""
    return dashboard_participants().filter(
        project__county_id__in=county_ids, project__status=Project.Status.ACTIVE, health=Participant.Health.RED
    )


def proposed_letters(county_ids):
    """Messages to a chief executive the ladder proposed and county staff have not reviewed."""
    return EscalationStep.objects.filter(
        participant__project__county_id__in=county_ids, status=EscalationStep.Status.PROPOSED
    )


def progress_feed(**filters):
    """Progress entries, newest first, with what they belong to and their files."""
    return (
        ProgressEntry.objects.filter(**filters)
        .select_related("project", "milestone", "participant__municipality", "written_by")
        .prefetch_related("attachments")
        .order_by("-written_at", "-id")
    )


def project_milestones(project, *, user):
    """The project's milestones the user may read (another municipality's are left out)."""
    return (
        Milestone.objects.visible_to(user)
        .filter(project=project)
        .select_related("participant__municipality", "responsible_position")
        .annotate(entry_count=Count("progress_entries"))
        .order_by("planned_on", "order", "id")
    )


@dataclass
class Slippage:
    label: str
    largest: int = 0  # the largest move of a planned date, in days
    late: int = 0  # open milestones past their date
    largest_late: int = 0  # the largest delay, in days
    milestones: int = 0


def slippage(milestones, *, today: date | None = None) -> tuple[Slippage, list[Slippage]]:
    """Largest move of the plan, how many open milestones are late and the largest delay
    (see `followup.lateness`) for the project and per participant; from an already loaded list."""
    today = today or timezone.localdate()
    project = Slippage(label="")
    per = {}
    for milestone in milestones:
        key = milestone.participant.municipality.name if milestone.participant_id else ""
        row = per.setdefault(key, Slippage(label=key))
        late = is_late(milestone, on=today)
        for target in (project, row):
            target.largest = max(target.largest, milestone.slippage_days)
            target.late += late
            target.largest_late = max(target.largest_late, lateness(milestone, on=today))
            target.milestones += 1
    return project, [row for key, row in sorted(per.items()) if key]


def visible_invitees(user, meeting):
    """A meeting's invitees as the user may see them: everyone for the county's staff and the
    project's experts; for a municipality's users, the county's people and their own municipality's
    contacts (another municipality's contacts are theirs)."""
    invitees = meeting.invitees.select_related("municipality")
    if is_staff_of(user, meeting.project.county_id) or meeting.project.experts.filter(user=user).exists():
        return invitees
    return invitees.filter(Q(municipality__isnull=True) | Q(municipality_id__in=user.access.municipality_ids))


def list_meetings(project):
    return (
        Meeting.objects.filter(project=project)
        .annotate(objective_count=Count("objectives", distinct=True), invitee_count=Count("invitees", distinct=True))
        .order_by("-starts_at")
    )


def participant_followup(participant, *, today: date | None = None) -> dict:
    """What the participant page shows of the follow-up: milestones, visits, the ladder's log."""
    today = today or timezone.localdate()
    visits = list(participant.visits.prefetch_related("visitors"))
    done = [v.planned_on for v in visits if v.status == Visit.Status.DONE and v.planned_on <= today]
    milestones = list(
        Milestone.objects.filter(participant=participant)
        .select_related("responsible_position")
        .order_by("planned_on", "id")
    )
    return {
        "visits": visits,
        "days_since_visit": (today - max(done)).days if done else None,
        "participant_milestones": milestones,
        "escalations": participant.escalations.select_related("milestone", "reviewed_by")[:50],
        "today": today,
    }


# -------------------------------------------------------------------- start page


@dataclass
class CountyStart:
    projects: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    visits: list = field(default_factory=list)


def start_page_data(user, sections, *, today: date | None = None, limit: int = 8) -> dict:
    """Per county start-page section (keyed by membership id): active projects with milestones done and
    late this month, upcoming meetings and visits. (What needs the user — participants at risk, letters to
    review, a library head's milestones and meetings — is the to-do list's, `todo`.) Queries depend on
    the number of the user's counties, never on how many projects they hold."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    soon = today + timedelta(days=30)
    staff_roles = (Membership.Role.COUNTY_ADMIN, Membership.Role.COUNTY_STAFF)
    county_ids = sorted({s.membership.county_id for s in sections if s.membership.role in staff_roles})
    by_county = {}
    for county_id in county_ids:
        data = CountyStart()
        data.projects = list(
            Project.objects.active()
            .filter(county_id=county_id)
            .annotate(
                done_this_month=Count(
                    "milestones",
                    filter=Q(milestones__status=Milestone.Status.DONE, milestones__completed_on__gte=month_start),
                ),
                late=Count("milestones", filter=late_q(on=today, prefix="milestones__")),
            )
            .order_by("-late", "title")[:limit]
        )
        data.meetings = list(
            Meeting.objects.filter(
                project__county_id=county_id,
                status=Meeting.Status.SCHEDULED,
                starts_at__gte=timezone.now(),
                starts_at__date__lte=soon,
            )
            .select_related("project")
            .order_by("starts_at")[:limit]
        )
        data.visits = list(
            Visit.objects.filter(
                participant__project__county_id=county_id,
                status=Visit.Status.PLANNED,
                planned_on__gte=today,
                planned_on__lte=soon,
            )
            .select_related("participant__municipality", "participant__project")
            .order_by("planned_on")[:limit]
        )
        by_county[county_id] = data
    return {
        section.membership.pk: by_county[section.membership.county_id]
        for section in sections
        if section.membership.role in staff_roles
    }


def start_page_provider(user, context: dict) -> None:
    """The follow-up of each county start-page section (registered with `shell.start`, after accounts)."""
    sections = context.get("sections", [])
    context["followup"] = start_page_data(user, sections) if sections else {}


def dashboard_participants():
    """Those the follow-up watches, and completed participants whose health is not green (a municipality
    that finished with milestones still open is not hidden)."""
    return Participant.objects.filter(
        Q(status__in=Participant.FOLLOWED_UP)
        | Q(status=Participant.Status.COMPLETED) & ~Q(health=Participant.Health.GREEN)
    )


def list_dashboard_for_county_id(county_id):
    return (
        dashboard_participants()
        .filter(project__county_id=county_id, project__status=Project.Status.ACTIVE)
        .select_related("project", "municipality")
        .annotate(risk=RISK_ORDER)
        .order_by("risk", "project__title", "municipality__number")
        # What the rows show: health with its reasons, the municipality and the project, each a link.
        .only(
            "project__title",
            "municipality__number",
            "municipality__name",
            "status",
            "health",
            "health_reasons",
            "health_computed_at",
        )
    )


# ------------------------------------------------------------------ calendar feed


def calendar_items(user, *, today: date | None = None) -> dict:
    """The user's milestones, meetings and visits from 90 days back to a year ahead."""
    today = today or timezone.localdate()
    start, end = today - timedelta(days=90), today + timedelta(days=365)
    access = user.access
    led = Project.objects.filter(leaders=user).values("pk")
    milestones = (
        Milestone.objects.filter(planned_on__range=(start, end))
        .exclude(project__status=Project.Status.CLOSED)
        .filter(Q(project__in=led) | Q(participant__municipality_id__in=access.head_municipality_ids))
        .select_related("project", "participant__municipality")
        .order_by("planned_on")
    )
    invited = MeetingInvitee.objects.filter(Q(user=user) | Q(contact__user=user)).values("meeting_id")
    meetings = (
        Meeting.objects.filter(
            starts_at__date__range=(start, end),
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD, Meeting.Status.CANCELLED],
        )
        .filter(
            Q(pk__in=invited)
            | Q(project__in=led)
            | Q(
                pk__in=MeetingInvitee.objects.filter(municipality_id__in=access.head_municipality_ids).values(
                    "meeting_id"
                )
            )
        )
        .select_related("project__county")
        .prefetch_related(Prefetch("objectives"))
        .order_by("starts_at")
    )
    visits = (
        Visit.objects.filter(planned_on__range=(start, end))
        .exclude(status=Visit.Status.CANCELLED)
        .filter(
            Q(visitors=user)
            | Q(participant__project__in=led)
            | Q(participant__municipality_id__in=access.head_municipality_ids)
        )
        .distinct()
        .select_related("participant__municipality", "participant__project")
        .order_by("planned_on")
    )
    return {"milestones": list(milestones), "meetings": list(meetings), "visits": list(visits)}


# -------------------------------------------------------------- the to-do list


def milestone_source(municipality_ids) -> TaskSource:
    """A library head's milestones: every open one, late first (see `head_milestones`)."""

    def tasks(rows, total):
        return [
            Task(
                text=_("Log progress: %(name)s") % {"name": m.name},
                url=reverse("followup:milestone-detail", kwargs={"pk": m.project_id, "milestone_pk": m.pk})
                + "#log-progress",
                due_on=m.planned_on,
                detail=f"{m.project.title} · {m.participant.municipality.name}",
            )
            for m in rows
        ]

    return TaskSource(
        key="milestones",
        rows=head_milestones(municipality_ids),
        tasks=tasks,
        listed=lambda rows: (
            rows.select_related("project", "participant__municipality")
            .only("name", "planned_on", "project__title", "participant__municipality__name")
            .order_by("planned_on", "project__title", "id")
        ),
        limit=10,
        more_url=reverse("followup:my-milestones") + "?vis=alle",
        more_label=_("Show all open milestones"),
    )


def meeting_source(user) -> TaskSource:
    def tasks(rows, total):
        return [
            Task(
                text=_("Meeting: %(title)s") % {"title": meeting.title},
                url=meeting.get_absolute_url(),
                due_on=timezone.localtime(meeting.starts_at).date(),
                detail=meeting.project.title + " · " + date_format(timezone.localtime(meeting.starts_at), "H:i"),
                due_label="meeting",
            )
            for meeting in rows
        ]

    return TaskSource(
        key="meetings",
        rows=meetings_to_attend(user),
        tasks=tasks,
        listed=lambda rows: rows.select_related("project").order_by("starts_at", "id"),
    )


def red_participant_source(county_ids, *, county_number: str) -> TaskSource:
    def tasks(rows, total):
        return [
            Task(
                text=_("Health is red: %(municipality)s") % {"municipality": p.municipality.name},
                url=p.get_absolute_url(),
                detail=p.project.title,
            )
            for p in rows
        ]

    return TaskSource(
        key="red",
        rows=red_participants(county_ids),
        tasks=tasks,
        listed=lambda rows: rows.select_related("project", "municipality").order_by(
            "project__title", "municipality__number"
        ),
        more_url=reverse("followup:followup-dashboard", kwargs={"number": county_number}) + "?health=red",
        more_label=_("Show all participants whose health is red"),
    )


def letter_source(county_ids) -> TaskSource:
    def tasks(rows, total):
        return [
            Task(
                text=_("Review the message to the chief executive: %(municipality)s")
                % {"municipality": step.participant.municipality.name},
                url=reverse(
                    "followup:escalation-review", kwargs={"pk": step.participant.project_id, "step_pk": step.pk}
                ),
                detail=f"{step.milestone.project.title} · {step.milestone.name}",
            )
            for step in rows
        ]

    return TaskSource(
        key="letters",
        limit=25,
        rows=proposed_letters(county_ids),
        tasks=tasks,
        listed=lambda rows: rows.select_related("milestone__project", "participant__municipality").order_by(
            "created_at", "id"
        ),
    )


def unreachable_source(county_ids) -> TaskSource:
    def tasks(rows, total):
        return [
            Task(
                text=_("Nobody can be reached in %(municipality)s") % {"municipality": m.name},
                url=m.get_absolute_url(),
                detail=_("No library head with a login and an e-mail address gets the reminders."),
            )
            for m in rows
        ]

    return TaskSource(
        key="unreachable",
        rows=unreachable_municipalities(county_ids),
        tasks=tasks,
        listed=lambda rows: rows.only("name", "number", "county_id").order_by("name"),
    )
