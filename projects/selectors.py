from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import Municipality
from shell.start import Task, TaskSource

from .models import (
    ExpertAssignment,
    Goal,
    Indicator,
    Measurement,
    Participant,
    Project,
    Requirement,
    RequirementStatus,
)

SORTS = {
    "title": ("title",),
    "-title": ("-title",),
    "start": ("start_on", "title"),
    "-start": ("-start_on", "title"),
    "status": ("status", "title"),
}


def list_projects(user, *, search="", status="", theme=None, municipality=None, leader=None, sort="-start"):
    projects = (
        Project.objects.visible_to(user)
        .select_related("county", "theme")
        .prefetch_related("leaders")
        # A correlated count per listed project (by the participant index), not a join over all participants.
        .annotate(
            participant_count=Coalesce(
                Subquery(
                    Participant.objects.filter(project=OuterRef("pk"))
                    .exclude(status=Participant.Status.WITHDRAWN)
                    .values("project")
                    .annotate(n=Count("*"))
                    .values("n")
                ),
                0,
            )
        )
    )
    if search:
        projects = projects.filter(Q(title__icontains=search) | Q(purpose__icontains=search))
    if status:
        projects = projects.filter(status=status)
    if theme:
        projects = projects.filter(theme=theme)
    if municipality:
        projects = projects.filter(participants__municipality=municipality)
    if leader:
        projects = projects.filter(leaders=leader)
    return projects.order_by(*SORTS.get(sort, SORTS["-start"]))


def list_leaders_visible_to(user):
    """The people who lead projects in the counties the user is staff of (the project list's filter)."""
    from django.contrib.auth import get_user_model

    if not user.is_authenticated or not user.is_active:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(led_projects__county_id__in=user.access.staff_county_ids).distinct()


def with_latest_measurement(indicators):
    """Indicators annotated with their current value: the latest measurement (none → None)."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-id")
    return indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]), latest_on=Subquery(latest.values("measured_on")[:1])
    )


def get_goals(project: Project, *, municipality_ids=None):
    """Goals with their indicators and each indicator's current value, as the reader may take it
    (3 queries). With `municipality_ids` (a municipal reader) the value is the newest measured at
    those municipalities' libraries. Otherwise it is the project's own (measured for no library) or,
    without one, each municipality's newest in `indicator.per_municipality` (value None): never one
    library's value passed off as the project's."""
    measurements = Measurement.objects.select_related("library__municipality").order_by("-measured_on", "-id")
    if municipality_ids is not None:
        measurements = measurements.filter(library__municipality_id__in=municipality_ids)
    indicators = Indicator.objects.prefetch_related(Prefetch("measurements", queryset=measurements, to_attr="newest"))
    goals = list(Goal.objects.filter(project=project).prefetch_related(Prefetch("indicators", queryset=indicators)))
    for goal in goals:
        for indicator in goal.indicators.all():
            current, indicator.per_municipality = None, []
            if municipality_ids is not None:
                current = indicator.newest[0] if indicator.newest else None
            else:
                current = next((m for m in indicator.newest if m.library_id is None), None)
                if current is None:
                    by_place = {}
                    for measurement in indicator.newest:
                        by_place.setdefault(measurement.library.municipality.name, measurement)
                    indicator.per_municipality = sorted(by_place.items())
            indicator.latest_value = current.value if current else None
            indicator.latest_on = current.measured_on if current else None
    return goals


def get_participants(project: Project):
    """Participants with how many requirements each has committed to and met (1 query)."""
    return project.participants.select_related(
        "municipality", "library", "mentor"
    ).annotate(  # sets participant.project too
        committed_count=Count(
            "requirement_statuses", filter=Q(requirement_statuses__committed_at__isnull=False), distinct=True
        ),
        met_count=Count(
            "requirement_statuses",
            filter=Q(requirement_statuses__compliance=RequirementStatus.Compliance.MET),
            distinct=True,
        ),
    )


def readable_participant_ids(user, project: Project) -> set[int]:
    """The ids of the project's participants the user may read (one query)."""
    return set(Participant.objects.visible_to(user).filter(project=project).values_list("pk", flat=True))


def requirement_overview(participants, requirements, *, readable: set[int]) -> list[dict]:
    """One row per participant; only the readable ones carry their requirement counts (a
    co-participant sees who takes part and their status, nothing more)."""
    total = len(requirements)
    return [
        {
            "participant": p,
            "readable": p.pk in readable,
            "committed": p.committed_count,
            "met": p.met_count,
            "total": total,
        }
        for p in participants
    ]


def get_requirements(project: Project):
    return Requirement.objects.filter(project=project)


def list_experts(project: Project):
    return ExpertAssignment.objects.filter(project=project).select_related("user")


def municipalities_not_taking_part(county):
    """Municipalities of the county in no active project: the "not signed up" list."""
    active = Participant.objects.filter(municipality=OuterRef("pk"), project__status=Project.Status.ACTIVE).exclude(
        status=Participant.Status.WITHDRAWN
    )
    return Municipality.objects.filter(county=county).exclude(Exists(active)).order_by("number")


def takes_part_filter(queryset, takes_part: bool):
    active = Participant.objects.filter(municipality=OuterRef("pk"), project__status=Project.Status.ACTIVE).exclude(
        status=Participant.Status.WITHDRAWN
    )
    return queryset.filter(Exists(active)) if takes_part else queryset.exclude(Exists(active))


def list_municipality_projects(user, municipality) -> list[Project]:
    """The projects of `municipality` the user reads, newest first, each with the municipality's own
    status in it (`participant_status_label`)."""
    projects = list(
        Project.objects.visible_to(user)
        .filter(participants__municipality=municipality)
        .select_related("theme")
        .annotate(
            participant_status=Subquery(
                Participant.objects.filter(project=OuterRef("pk"), municipality=municipality).values("status")[:1]
            )
        )
        .order_by("-start_on")
    )
    for project in projects:
        project.participant_status_label = (
            Participant.Status(project.participant_status).label if project.participant_status else ""
        )
    return projects


# -------------------------------------------------------------- the to-do list


def expert_project_source(user) -> TaskSource:
    """The projects an external expert is attached to, not closed: what they help with, the project's
    period and whom at the county to ask (the project leaders)."""

    def tasks(rows, total):
        found = []
        for assignment in rows:
            project = assignment.project
            contacts = ", ".join(
                f"{leader.get_full_name()} ({leader.email})" if leader.email else leader.get_full_name()
                for leader in project.leaders.all()
            )
            found.append(
                Task(
                    text=project.title,
                    url=project.get_absolute_url(),
                    detail=_("%(role)s · %(start)s–%(end)s")
                    % {
                        "role": assignment.role,
                        "start": date_format(project.start_on, "j.n.Y"),
                        "end": date_format(project.end_on, "j.n.Y"),
                    },
                    lines=(_("Your contact: %(names)s") % {"names": contacts},) if contacts else (),
                )
            )
        return found

    return TaskSource(
        key="expert-projects",
        rows=ExpertAssignment.objects.filter(user=user).exclude(project__status=Project.Status.CLOSED),
        tasks=tasks,
        listed=lambda rows: (
            rows.select_related("project")
            .prefetch_related(Prefetch("project__leaders", queryset=User.objects.order_by("name", "pk")))
            .order_by("project__start_on", "project__title")
        ),
        news=_("Your projects"),
    )
