"""Fetch-and-check for evaluations: every view gets its round, response, course correction or
questionnaire here. Reads go through the readable sets (404 for missing and forbidden alike);
a change to something readable that the user may not make answers 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from municipalities.access import require
from projects.access import access_project

from . import selectors
from .models import Response
from .permissions import can_answer, can_manage_evaluations, can_read_results


def access_questionnaire(user, pk):
    """Questionnaires are the county staff's: 404 for everyone else."""
    return selectors.get_questionnaire(user, pk)


def access_project_for_evaluations(user, pk):
    """A project whose evaluations the user runs: 404 if unreadable, 403 if read-only to them."""
    project = access_project(user, pk)
    require(can_manage_evaluations(user, project))
    return project


def access_round(user, pk, *, manage: bool = False):
    """A round's results: the county staff's (404 for others who read the project); with `manage`,
    one the user may also close or extend (403)."""
    round_ = selectors.get_round(user, pk)
    if not can_read_results(user, round_.project):
        raise Http404
    if manage:
        require(can_manage_evaluations(user, round_.project))
    return round_


def access_response(user, pk, response_pk, *, answer: bool = False) -> Response:
    """A response the user may read: the county staff, the municipality's library head, the expert
    for their own (404 for everyone else); with `answer`, one they may answer (403)."""
    round_ = selectors.get_round(user, pk)
    response = get_object_or_404(
        Response.objects.visible_to(user).select_related(
            "participant__municipality", "user", "submitted_by", "version"
        ),
        pk=response_pk,
        round=round_,
    )
    response.round = round_
    if answer:
        require(can_answer(user, response))
    return response


def access_correction(user, pk, *, manage: bool = False):
    correction = selectors.get_correction(user, pk)
    if manage:
        require(can_manage_evaluations(user, correction.project))
    return correction
