"""Fetch-and-check: the one way views get a project, a participant or what belongs to them
(the follow-up's milestones, visits, meetings and files: `followup.access`).

Each helper looks the object up through the user's readable set (`visible_to`), so a missing
object and one the user may not read give the same 404 (Zulip's `access_stream_by_id`). Only then,
when the view is to change it, the rule in `permissions.py` decides: 403 for what the user may read
but not change. A view never decides access by itself.
"""

from django.shortcuts import get_object_or_404

from municipalities.access import require

from .models import ExpertAssignment, Goal, Indicator, Participant, Project, ProjectPartner, Requirement
from .permissions import can_edit_project


def access_project(user, pk, *, edit: bool = False) -> Project:
    """A project the user may read (404 otherwise); with `edit`, one they may also change (403)."""
    project = get_object_or_404(
        Project.objects.visible_to(user).select_related("county", "theme", "follows").prefetch_related("leaders"),
        pk=pk,
    )
    if edit:
        require(can_edit_project(user, project))
    return project


def in_project(queryset, project: Project, pk, **lookup):
    """The object `pk` of `project` from `queryset` (404 when missing, elsewhere or unreadable)."""
    obj = get_object_or_404(queryset, pk=pk, project=project, **lookup)
    obj.project = project  # the caller's copy, with what it already loaded
    return obj


def access_participant(user, project: Project, pk, *, edit: bool = False) -> Participant:
    """A participant of `project` the user may read: the county's staff, the project's experts and the
    municipality's own users (404 for everyone else, co-participants included)."""
    queryset = Participant.objects.visible_to(user).select_related("municipality", "library", "mentor")
    participant = in_project(queryset, project, pk)
    if edit:
        require(can_edit_project(user, project))
    return participant


def access_goal(user, project: Project, pk, *, edit: bool = False) -> Goal:
    goal = in_project(Goal.objects.all(), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return goal


def access_indicator(user, project: Project, pk, *, edit: bool = False, **lookup) -> Indicator:
    indicator = in_project(Indicator.objects.all(), project, pk, **lookup)
    if edit:
        require(can_edit_project(user, project))
    return indicator


def access_requirement(user, project: Project, pk, *, edit: bool = False) -> Requirement:
    requirement = in_project(Requirement.objects.all(), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return requirement


def access_partner(user, project: Project, pk, *, edit: bool = False) -> ProjectPartner:
    partner = in_project(ProjectPartner.objects.select_related("organisation"), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return partner


def access_expert_assignment(user, project: Project, pk, *, edit: bool = False) -> ExpertAssignment:
    """The county staff read every assignment, an expert their own (404 for everyone else)."""
    queryset = ExpertAssignment.objects.visible_to(user).select_related("user")
    assignment = in_project(queryset, project, pk)
    if edit:
        require(can_edit_project(user, project))
    return assignment
