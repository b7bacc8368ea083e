"""Milestones: the steps of the plan, project-wide or for one participant. Moving a planned date
keeps the original, so the slippage shows; every change updates the participant's health."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Participant, Project
from projects.services import ensure_open
from shell.history import records_by
from shell.writes import save_changes

from .. import health
from ..models import Milestone


def _check_participant(project: Project, participant) -> None:
    if participant is not None and participant.project_id != project.pk:
        raise ValidationError({"participant": _("Choose one of the project's participants.")})


@records_by
@transaction.atomic
def save_milestone(
    *,
    project: Project,
    by,
    name: str,
    planned_on: date,
    milestone: Milestone | None = None,
    participant=None,
    description: str = "",
    responsible_position=None,
) -> Milestone:
    """Creates a milestone, or changes one. Moving the planned date keeps the original date,
    so the slippage stays visible."""
    ensure_open(project)
    _check_participant(project, participant)
    if responsible_position is not None and responsible_position.county_id != project.county_id:
        raise ValidationError({"responsible_position": _("Choose a position from the county's list.")})
    if milestone is None:
        milestone = Milestone(project=project, original_planned_on=planned_on, order=project.milestones.count() + 1)
    else:
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, project=project)
    old_participant_id = milestone.participant_id
    milestone.name, milestone.description, milestone.planned_on = name, description, planned_on
    milestone.participant, milestone.responsible_position = participant, responsible_position
    save_changes(milestone, ["name", "description", "planned_on", "participant", "responsible_position"])
    for participant_id in {old_participant_id, milestone.participant_id} - {None}:
        health.recompute(Participant.objects.get(pk=participant_id))
    return milestone


def apply_status(
    milestone: Milestone, *, status: str, skip_reason: str = "", completed_on: date | None = None
) -> list[str]:
    today = timezone.localdate()
    if status not in Milestone.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == Milestone.Status.SKIPPED and not skip_reason.strip():
        raise ValidationError({"skip_reason": _("Give a reason for skipping the milestone.")})
    if status == Milestone.Status.DONE:
        completed_on = completed_on or milestone.completed_on or today
        if completed_on > today:
            raise ValidationError({"completed_on": _("A milestone cannot be completed in the future.")})
    else:
        completed_on = None
    milestone.status = status
    milestone.completed_on = completed_on
    milestone.skip_reason = skip_reason.strip() if status == Milestone.Status.SKIPPED else ""
    return ["status", "completed_on", "skip_reason"]


@records_by
@transaction.atomic
def set_milestone_status(
    *, milestone: Milestone, by, status: str, skip_reason: str = "", completed_on: date | None = None
) -> Milestone:
    """Not started / in progress / done (with the completion date) / skipped (with a reason)."""
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("project").get(pk=milestone.pk)
    ensure_open(milestone.project)
    fields = apply_status(milestone, status=status, skip_reason=skip_reason, completed_on=completed_on)
    milestone.save(update_fields=fields)
    if milestone.participant_id:
        health.recompute(milestone.participant)
    return milestone
