"""Progress entries: what happened to a milestone, written by the library head (or county staff),
with files; project leaders hear about entries written by someone else."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.services import ensure_open
from shell.history import records_by

from .. import health
from ..models import Milestone, ProgressEntry
from .files import check_upload, store_checked
from .milestones import apply_status
from .notices import absolute, notice


@records_by
@transaction.atomic
def log_progress(
    *, milestone: Milestone, by, status: str, text: str, files=(), completed_on: date | None = None
) -> ProgressEntry:
    """A progress entry on a milestone: its new status, what happened, and any files.

    Every file is checked before anything is stored; a refused file refuses the whole entry.
    Project leaders hear about entries written by someone else (kind "progress").
    """
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project", "participant__municipality")
        .get(pk=milestone.pk)
    )
    project = milestone.project
    ensure_open(project)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what has happened.")})
    checked = [check_upload(upload) for upload in files]
    fields = apply_status(
        milestone,
        status=status,
        skip_reason=text[:500] if status == Milestone.Status.SKIPPED else "",
        completed_on=completed_on,
    )
    milestone.save(update_fields=fields)
    entry = ProgressEntry.objects.create(
        project=project, participant=milestone.participant, milestone=milestone, status=status, text=text, written_by=by
    )
    for item in checked:
        store_checked(
            item, project=project, by=by, participant=milestone.participant, milestone=milestone, progress_entry=entry
        )
    if milestone.participant_id:
        health.recompute(milestone.participant)
    _notify_leaders_of_progress(entry, by)
    return entry


def _notify_leaders_of_progress(entry: ProgressEntry, by) -> None:
    project = entry.project
    where = entry.participant.municipality.name if entry.participant_id else project.title
    link = absolute(reverse("followup:milestone-detail", kwargs={"pk": project.pk, "milestone_pk": entry.milestone_id}))
    writer = by.get_full_name() if by else ""
    for leader in project.leaders.filter(is_active=True).exclude(pk=getattr(by, "pk", None)):
        notice(
            to=leader,
            message="progress",
            context={"entry": entry, "where": where, "writer": writer},
            link=link,
            kind="progress",
            county=project.county,
            about=entry,
            key=f"progress:u{leader.pk}:entry{entry.pk}",
        )
