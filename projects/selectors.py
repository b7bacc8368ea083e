from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404

from municipalities.models import Municipality

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


def get_project(user, pk) -> Project:
    """A project the user may read; 404 otherwise."""
    return get_object_or_404(Project.objects.visible_to(user).select_related("county", "theme", "follows"), pk=pk)


def list_projects(user, *, search="", status="", theme=None, municipality=None, leader=None, sort="-start"):
    projects = (
        Project.objects.visible_to(user)
        .select_related("county", "theme")
        .prefetch_related("leaders")
        .annotate(participant_count=Count("participants", filter=~Q(participants__status="withdrawn"), distinct=True))
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


def latest_measurements_prefetch():
    return Prefetch("measurements", queryset=Measurement.objects.order_by("-measured_on", "-id"), to_attr="latest_measurements")


def get_goals(project: Project):
    """Goals with their indicators and each indicator's measurements, newest first (3 queries)."""
    indicators = Indicator.objects.prefetch_related(latest_measurements_prefetch())
    return Goal.objects.filter(project=project).prefetch_related(Prefetch("indicators", queryset=indicators))


def get_participants(project: Project):
    statuses = RequirementStatus.objects.only(
        "participant_id", "requirement_id", "committed_at", "compliance", "committed_by_id"
    )
    return (
        Participant.objects.filter(project=project)
        .select_related("municipality", "library", "mentor")
        .prefetch_related(Prefetch("requirement_statuses", queryset=statuses))
    )


def requirement_overview(participants, requirements) -> list[dict]:
    """Per participant: how many requirements are committed to and met (from prefetched rows)."""
    rows = []
    total = len(requirements)
    for participant in participants:
        statuses = participant.requirement_statuses.all()
        rows.append(
            {
                "participant": participant,
                "committed": sum(1 for s in statuses if s.committed_at),
                "met": sum(1 for s in statuses if s.compliance == RequirementStatus.Compliance.MET),
                "total": total,
            }
        )
    return rows


def get_requirements(project: Project):
    return Requirement.objects.filter(project=project)


def list_experts(project: Project):
    return ExpertAssignment.objects.filter(project=project).select_related("user").prefetch_related("briefing")


def municipalities_not_taking_part(county):
    """Municipalities of the county in no active project: the "not signed up" list."""
    active = Participant.objects.filter(
        municipality=OuterRef("pk"), project__status=Project.Status.ACTIVE
    ).exclude(status=Participant.Status.WITHDRAWN)
    return Municipality.objects.filter(county=county).exclude(Exists(active)).order_by("number")


def takes_part_filter(queryset, takes_part: bool):
    active = Participant.objects.filter(
        municipality=OuterRef("pk"), project__status=Project.Status.ACTIVE
    ).exclude(status=Participant.Status.WITHDRAWN)
    return queryset.filter(Exists(active)) if takes_part else queryset.exclude(Exists(active))


def list_municipality_projects(user, municipality):
    return (
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
