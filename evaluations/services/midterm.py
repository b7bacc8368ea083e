"""The closing gate: a project closes only after a mid-term evaluation, or with the reason it was skipped."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Project
from projects.services import ensure_open
from shell.history import records_by

from ..models import Kind
from .base import EvaluationError


def has_midterm(project: Project) -> bool:
    return project.evaluation_rounds.filter(kind=Kind.MIDTERM).exists()


@records_by
def midterm_gate(project: Project, *, by, reason: str) -> list[str]:
    """Called by projects.services.change_project_status on active → closing (project locked).

    Passes with a mid-term evaluation or a recorded reason for skipping it; a reason given with the
    status change is recorded (with who and when). Returns the project fields it set."""
    if has_midterm(project) or project.midterm_skip_reason.strip():
        return []
    if not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "The project has had no mid-term evaluation. Open one, or record why it is skipped, before closing."
                )
            }
        )
    project.midterm_skip_reason = reason.strip()
    project.midterm_skip_by, project.midterm_skip_at = by, timezone.now()
    return ["midterm_skip_reason", "midterm_skip_by", "midterm_skip_at"]


@records_by
@transaction.atomic
def skip_midterm(*, project: Project, by, reason: str) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open(project, error=EvaluationError)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for skipping the mid-term evaluation.")})
    if has_midterm(project):
        raise EvaluationError(_("The project already has a mid-term evaluation."))
    project.midterm_skip_reason = reason.strip()
    project.midterm_skip_by, project.midterm_skip_at = by, timezone.now()
    project.save(update_fields=["midterm_skip_reason", "midterm_skip_by", "midterm_skip_at"])
    return project
