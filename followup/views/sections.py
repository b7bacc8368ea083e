"""What the project page and the participant page show of the follow-up (registered as their
sections in `FollowupConfig.ready`)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.permissions import can_edit_project, can_read_participant, can_see_escalations, can_view_staff_parts

from .. import selectors as fs
from ..forms import (
    AttachmentForm,
)
from ..models import Meeting
from ..permissions import can_attach_to_participant
from ..timeline import project_timeline
from .base import _attachments_for


def project_section(request, project) -> dict:
    """What the project page shows of the follow-up (links, the next meetings, the project's files)."""
    user = request.user
    return {
        "upcoming_meetings": Meeting.objects.filter(
            project=project, status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now()
        ).order_by("starts_at")[:5],
        "can_see_progress": can_view_staff_parts(user, project),
        "project_files": _attachments_for(
            user,
            project=project,
            participant__isnull=True,
            milestone__isnull=True,
            meeting__isnull=True,
            progress_entry__isnull=True,
        ),
        "project_file_form": AttachmentForm() if can_edit_project(user, project) else None,
    }


def project_timeline_section(request, project) -> dict:
    """The project's milestone timeline, scoped to what the user may read (see `followup.timeline`)."""
    return {"timeline": project_timeline(project, user=request.user)}


def municipality_timeline_link(request, municipality) -> dict:
    """The municipality page's timeline, loaded after the page (`followup:municipality-timeline`)."""
    return {
        "section": {
            "key": "tidslinje",
            "label": _("Timeline"),
            "url": reverse("followup:municipality-timeline", kwargs={"number": municipality.number}),
        }
    }


def participant_section(request, participant) -> dict:
    """The participant's milestones, visits, files and (for county staff) the escalation log."""
    user, project = request.user, participant.project
    if not can_read_participant(user, participant):
        return {"followup": None}
    data = fs.participant_followup(participant)
    if not can_see_escalations(user, participant):
        data["escalations"] = []
    data["attachments"] = _attachments_for(
        user, participant=participant, milestone__isnull=True, progress_entry__isnull=True
    )
    data["attachment_form"] = AttachmentForm() if can_attach_to_participant(user, participant) else None
    data["can_edit"] = can_edit_project(user, project)
    data["target"] = f"participant:{participant.pk}"
    return {"followup": data}
