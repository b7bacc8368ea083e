"""Course corrections and their changes: moving a milestone, changing a goal or an indicator's target."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import health
from followup.models import Milestone
from projects.models import Goal, Indicator, Project
from projects.services import ensure_open
from shell.history import records_by
from shell.writes import save_changes

from ..models import (
    CorrectionChange,
    CourseCorrection,
    Round,
)
from .base import EvaluationError


def _reason(correction: CourseCorrection) -> str:
    return _("Course correction: %(decision)s") % {"decision": correction.decision[:80]}


@records_by
@transaction.atomic
def record_correction(
    *,
    project: Project,
    by,
    decision: str,
    rationale: str,
    decided_by: str,
    decided_on: date,
    round: Round | None = None,
) -> CourseCorrection:
    ensure_open(project, error=EvaluationError)
    if round is not None and round.project_id != project.pk:
        raise ValidationError({"round": _("The evaluation belongs to another project.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision cannot be taken in the future.")})
    return CourseCorrection.objects.create(
        project=project,
        round=round,
        decision=decision.strip(),
        rationale=rationale.strip(),
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        recorded_by=by,
    )


@records_by
@transaction.atomic
def move_milestone(*, correction: CourseCorrection, milestone: Milestone, planned_on: date, by) -> CorrectionChange:
    """Moves the milestone's planned date; the original date stays for slippage."""
    ensure_open(correction.project, error=EvaluationError)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.project_id != correction.project_id:
        raise ValidationError({"milestone": _("Choose one of the project's milestones.")})
    if milestone.status in (Milestone.Status.DONE, Milestone.Status.SKIPPED):
        raise ValidationError({"milestone": _("A finished or skipped milestone cannot be moved.")})
    if planned_on == milestone.planned_on:
        raise ValidationError({"planned_on": _("Choose a date other than the planned one.")})
    old = milestone.planned_on
    milestone.planned_on = planned_on
    milestone._change_reason = _reason(correction)
    milestone.save(update_fields=["planned_on"])
    change = CorrectionChange.objects.create(
        correction=correction,
        type=CorrectionChange.Type.MILESTONE_DATE,
        milestone=milestone,
        label=milestone.name,
        old_value=old.isoformat(),
        new_value=planned_on.isoformat(),
        changed_by=by,
    )
    if milestone.participant_id:  # a moved date may make the milestone overdue, or no longer
        health.input_changed(participants=[milestone.participant])
    return change


@records_by
@transaction.atomic
def change_goal(*, correction: CourseCorrection, by, text: str, goal: Goal | None = None) -> CorrectionChange:
    """Rewords a goal, or adds a new one (goal=None)."""
    ensure_open(correction.project, error=EvaluationError)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the goal.")})
    if goal is None:
        goal = Goal(project=correction.project, order=correction.project.goals.count() + 1)
        old, kind = "", CorrectionChange.Type.GOAL_ADDED
    else:
        if goal.project_id != correction.project_id:
            raise ValidationError({"goal": _("Choose one of the project's goals.")})
        if goal.text == text:
            raise ValidationError({"text": _("The goal already reads like this.")})
        old, kind = goal.text, CorrectionChange.Type.GOAL_TEXT
    goal.text = text
    goal._change_reason = _reason(correction)
    save_changes(goal, ["text"])
    return CorrectionChange.objects.create(
        correction=correction, type=kind, goal=goal, label=text[:300], old_value=old, new_value=text, changed_by=by
    )


@records_by
@transaction.atomic
def change_target(*, correction: CourseCorrection, indicator: Indicator, target: Decimal, by) -> CorrectionChange:
    ensure_open(correction.project, error=EvaluationError)
    if indicator.project_id != correction.project_id:
        raise ValidationError({"indicator": _("Choose one of the project's indicators.")})
    if indicator.target == target:
        raise ValidationError({"target": _("The target is already this value.")})
    if indicator.baseline is not None and indicator.baseline == target:
        raise ValidationError({"target": _("The target must differ from the baseline.")})
    old = indicator.target
    indicator.target = target
    indicator._change_reason = _reason(correction)
    indicator.save(update_fields=["target"])
    return CorrectionChange.objects.create(
        correction=correction,
        type=CorrectionChange.Type.TARGET,
        indicator=indicator,
        label=indicator.name,
        old_value="" if old is None else str(old),
        new_value=str(target),
        changed_by=by,
    )
