"""Files on a project, a participant, a milestone or a meeting: upload, download, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from municipalities.access import require
from projects.access import access_participant, access_project
from projects.permissions import can_edit_project

from ..access import access_attachment, access_meeting, access_milestone
from ..forms import (
    AttachmentForm,
)
from ..permissions import can_attach_to_participant, can_log_progress
from ..services import files
from .base import _int, _next_url

# ------------------------------------------------------------------------- files


@login_required
@require_POST
def attachment_upload(request, pk):
    """Attaches a file to the project, a participant, a milestone or a meeting (`target`)."""
    user = request.user
    project = access_project(user, pk)
    kind, _sep, target_id = request.POST.get("target", "project").partition(":")
    targets = {}
    if kind == "milestone":
        milestone = access_milestone(user, project, _int(target_id))
        allowed = can_log_progress(user, milestone)
        targets = {"milestone": milestone, "participant": milestone.participant}
        default = reverse("followup:milestone-detail", kwargs={"pk": pk, "milestone_pk": milestone.pk})
    elif kind == "participant":
        participant = access_participant(user, project, _int(target_id))
        allowed = can_attach_to_participant(user, participant)
        targets = {"participant": participant}
        default = participant.get_absolute_url()
    elif kind == "meeting":
        meeting = access_meeting(user, project, _int(target_id))
        allowed, targets, default = can_edit_project(user, project), {"meeting": meeting}, meeting.get_absolute_url()
    elif kind == "project":
        allowed, default = can_edit_project(user, project), project.get_absolute_url()
    else:
        raise Http404
    require(allowed)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            files.attach_file(project=project, uploaded=form.cleaned_data["file"], by=request.user, **targets)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_next_url(request, default))


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """The file, for those who may read what it belongs to (404 otherwise). Images may be shown
    inline; everything else downloads, named as uploaded (safely encoded)."""
    attachment = access_attachment(request.user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = attachment.is_image and request.GET.get("vis") == "1"
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    attachment = access_attachment(request.user, pk, attachment_pk, delete=True)
    files.delete_attachment(attachment=attachment)
    messages.success(request, _("The file was removed."))
    return redirect(_next_url(request, attachment.project.get_absolute_url()))
