"""Helpers the evaluation pages share: calling a service, and the plain form page.

Reads go through the project the user may see (404 otherwise); results, conclusions and lessons
are the county staff's (404 for the rest); changes to readable things answer 403.
"""

from functools import partial

from django.shortcuts import render

from projects.models import Project
from projects.services import ProjectError
from shell.forms import run_service

from ..access import (
    access_project_for_evaluations,
    access_round,
)
from ..services.base import EvaluationError

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(EvaluationError, ProjectError))


def _form_page(request, form, *, project=None, heading, subheading="", back=None, status=200):
    return render(
        request,
        "evaluations/form.html",
        {"form": form, "project": project, "heading": heading, "subheading": subheading, "back": back},
        status=status,
    )


def _project_for_evaluations(request, pk) -> Project:
    return access_project_for_evaluations(request.user, pk)


def _round_for_staff(request, pk, *, manage: bool = False):
    return access_round(request.user, pk, manage=manage)
