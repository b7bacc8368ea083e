"""What the follow-up views share: fetching a milestone or meeting through `followup.access`, the
safe `next` address, and calling a service."""

from functools import partial

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from projects.access import access_project
from projects.services import ProjectError
from shell.forms import run_service
from shell.ids import parse_id

from ..access import access_meeting, access_milestone
from ..models import Attachment, Meeting, Milestone

# Each milestone on "my milestones" carries its own progress form: a short page stays quick.
MY_MILESTONES_PER_PAGE = 10

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(ProjectError,))


def _milestone(request, pk, milestone_pk, *, edit: bool = False) -> Milestone:
    return access_milestone(request.user, access_project(request.user, pk), milestone_pk, edit=edit)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _attachments_for(user, **filters):
    return Attachment.objects.visible_to(user).filter(**filters).select_related("uploaded_by")


def _int(value) -> int:
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def _meeting(request, pk, meeting_pk, *, edit: bool = False) -> Meeting:
    return access_meeting(request.user, access_project(request.user, pk), meeting_pk, edit=edit)


def _meeting_for_edit(request, pk, meeting_pk) -> Meeting:
    return _meeting(request, pk, meeting_pk, edit=True)
