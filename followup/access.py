"""Fetch-and-check for the follow-up: milestones, visits, meetings, the escalation log and files.
As in `projects.access`: looked up through the readable set (the same 404 for missing and
forbidden), then, for a change, the rule (403)."""

from django.shortcuts import get_object_or_404

from municipalities.access import require
from projects.access import in_project
from projects.models import Project
from projects.permissions import can_edit_project

from .models import Attachment, EscalationStep, Meeting, Milestone, Visit
from .permissions import can_delete_attachment


def access_milestone(user, project: Project, pk, *, edit: bool = False) -> Milestone:
    """A whole-project milestone, or one of a participant the user may read (404 otherwise)."""
    queryset = Milestone.objects.visible_to(user).select_related("participant__municipality", "responsible_position")
    milestone = in_project(queryset, project, pk)
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
    meeting = in_project(Meeting.objects.visible_to(user), project, pk)
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
