"""Fetch-and-check: the one way views get a project, a participant or what belongs to them.

Each helper looks the object up through the user's readable set (`visible_to`), so a missing
object and one the user may not read give the same 404 (Zulip's `access_stream_by_id`). Only then,
when the view is to change it, the rule in `permissions.py` decides: 403 for what the user may read
but not change. A view never decides access by itself.
"""

from django.shortcuts import get_object_or_404

from documents.models import Attachment
from municipalities.access import require

from .models import (
    EscalationStep,
    ExpertAssignment,
    Goal,
    Indicator,
    Meeting,
    Milestone,
    Participant,
    Project,
    ProjectPartner,
    Requirement,
    Visit,
)
from .permissions import can_delete_attachment, can_edit_project


def access_project(user, pk, *, edit: bool = False) -> Project:
    """A project the user may read (404 otherwise); with `edit`, one they may also change (403)."""
    project = get_object_or_404(
        Project.objects.visible_to(user).select_related("county", "theme", "follows", "kit").prefetch_related("leaders"),
        pk=pk,
    )
    if edit:
        require(can_edit_project(user, project))
    return project


def _in_project(queryset, project: Project, pk, **lookup):
    """The object `pk` of `project` from `queryset` (404 when missing, elsewhere or unreadable)."""
    obj = get_object_or_404(queryset, pk=pk, project=project, **lookup)
    obj.project = project  # the caller's copy, with what it already loaded
    return obj


def access_participant(user, project: Project, pk, *, edit: bool = False) -> Participant:
    """A participant of `project` the user may read: the county's staff, the project's experts and the
    municipality's own users (404 for everyone else, co-participants included)."""
    queryset = Participant.objects.visible_to(user).select_related("municipality", "library", "mentor")
    participant = _in_project(queryset, project, pk)
    if edit:
        require(can_edit_project(user, project))
    return participant


def access_goal(user, project: Project, pk, *, edit: bool = False) -> Goal:
    goal = _in_project(Goal.objects.all(), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return goal


def access_indicator(user, project: Project, pk, *, edit: bool = False, **lookup) -> Indicator:
    indicator = _in_project(Indicator.objects.all(), project, pk, **lookup)
    if edit:
        require(can_edit_project(user, project))
    return indicator


def access_requirement(user, project: Project, pk, *, edit: bool = False) -> Requirement:
    requirement = _in_project(Requirement.objects.all(), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return requirement


def access_partner(user, project: Project, pk, *, edit: bool = False) -> ProjectPartner:
    partner = _in_project(ProjectPartner.objects.select_related("organisation"), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return partner


def access_expert_assignment(user, project: Project, pk, *, edit: bool = False) -> ExpertAssignment:
    """The county staff read every assignment, an expert their own (404 for everyone else)."""
    queryset = ExpertAssignment.objects.visible_to(user).select_related("user")
    assignment = _in_project(queryset, project, pk)
    if edit:
        require(can_edit_project(user, project))
    return assignment


def access_milestone(user, project: Project, pk, *, edit: bool = False) -> Milestone:
    """A whole-project milestone, or one of a participant the user may read (404 otherwise)."""
    queryset = Milestone.objects.visible_to(user).select_related(
        "participant__municipality", "responsible_position", "kit_milestone"
    )
    milestone = _in_project(queryset, project, pk)
    if milestone.participant is not None:
        milestone.participant.project = project
    if edit:
        require(can_edit_project(user, project))
    return milestone


def access_visit(user, project: Project, pk, *, edit: bool = False) -> Visit:
    queryset = Visit.objects.visible_to(user).select_related("participant__municipality")
    visit = get_object_or_404(queryset, pk=pk, participant__project=project)
    visit.participant.project = project
    if edit:
        require(can_edit_project(user, project))
    return visit


def access_meeting(user, project: Project, pk, *, edit: bool = False) -> Meeting:
    meeting = _in_project(Meeting.objects.visible_to(user), project, pk)
    if edit:
        require(can_edit_project(user, project))
    return meeting


def access_escalation(user, project: Project, pk, *, edit: bool = False) -> EscalationStep:
    """The escalation log is the county staff's: 404 for everyone else."""
    queryset = EscalationStep.objects.visible_to(user).select_related("milestone", "participant__municipality")
    step = get_object_or_404(queryset, pk=pk, milestone__project=project)
    if edit:
        require(can_edit_project(user, project))
    return step


def access_attachment(user, project_pk, pk, *, delete: bool = False) -> Attachment:
    """A file of something the user may read (404 otherwise); with `delete`, one they may remove (403)."""
    attachment = get_object_or_404(
        Attachment.objects.visible_to(user).select_related("project"), pk=pk, project_id=project_pk
    )
    if delete:
        require(can_delete_attachment(user, attachment))
    return attachment
