"""Helpers the newsletter pages share: calling a service, fetching a project the user may see, a public county,
serving a file."""

from functools import partial

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from municipalities.access import require
from municipalities.languages import speak_for
from municipalities.models import County
from projects.access import access_project
from projects.models import Project
from shell.forms import run_service

from ..images import content_type_for
from ..permissions import can_write_newsletters
from ..services.base import NewsletterError

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(NewsletterError,))


def _project_for_newsletters(request, pk) -> Project:
    """A project the user can read (404 otherwise) and may write newsletters for (403 otherwise)."""
    project = access_project(request.user, pk)
    require(can_write_newsletters(request.user, project))
    return project


def _file(field) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type_for(field.name))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _public_county(number) -> County:
    """The county of a public page, whose page then speaks the county's written standard."""
    county = get_object_or_404(County, number=number)
    speak_for(county)
    return county
