"""Course corrections and their changes, and skipping the mid-term evaluation."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shell.ids import parse_id

from .. import selectors
from ..access import access_correction
from ..forms import (
    CorrectionForm,
    GoalChangeForm,
    MoveMilestoneForm,
    SkipMidtermForm,
    TargetChangeForm,
)
from ..permissions import (
    can_manage_evaluations,
    can_read_results,
)
from ..services import corrections, midterm
from .base import _form_page, _project_for_evaluations, _run


@login_required
def correction_create(request, pk):
    project = _project_for_evaluations(request, pk)
    round_ = None
    if (round_pk := parse_id(request.GET.get("runde"))) is not None:
        round_ = project.evaluation_rounds.filter(pk=round_pk).first()
    form = CorrectionForm(
        request.POST or None, initial={"decided_on": timezone.localdate(), "decided_by": request.user.get_full_name()}
    )
    if request.method == "POST" and form.is_valid():
        created = None

        def action():
            nonlocal created
            created = corrections.record_correction(project=project, by=request.user, round=round_, **form.cleaned_data)

        if _run(request, form, action, _("The decision was recorded. Now make the changes it decides.")):
            return redirect(created)
    return _form_page(
        request,
        form,
        project=project,
        heading=_("New course correction"),
        subheading=round_.title if round_ else "",
        back=round_.get_absolute_url() if round_ else project.get_absolute_url(),
    )


@login_required
def correction_detail(request, pk):
    correction = access_correction(request.user, pk)
    project = correction.project
    can_manage = can_manage_evaluations(request.user, project)
    return render(
        request,
        "evaluations/correction_detail.html",
        {
            "correction": correction,
            "project": project,
            "changes": selectors.visible_changes(request.user, correction.changes.all()).select_related(
                "milestone__participant__municipality", "goal", "indicator", "changed_by"
            ),
            "can_manage": can_manage,
            "show_round": correction.round_id and can_read_results(request.user, project),
        },
    )


def _correction_for_change(request, pk):
    return access_correction(request.user, pk, manage=True)


def _correction_change(request, pk, form_class, change, *, success, heading):
    """One change a course correction makes (milestone, goal or target), through its form."""
    correction = _correction_for_change(request, pk)
    form = form_class(request.POST or None, project=correction.project)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: change(correction=correction, by=request.user, **form.cleaned_data), success):
            return redirect(correction)
    return _form_page(
        request,
        form,
        project=correction.project,
        heading=heading,
        subheading=correction.decision,
        back=correction.get_absolute_url(),
    )


@login_required
def correction_milestone(request, pk):
    return _correction_change(
        request,
        pk,
        MoveMilestoneForm,
        corrections.move_milestone,
        success=_("The milestone was moved."),
        heading=_("Move a milestone"),
    )


@login_required
def correction_goal(request, pk):
    return _correction_change(
        request,
        pk,
        GoalChangeForm,
        corrections.change_goal,
        success=_("The goal was changed."),
        heading=_("Change or add a goal"),
    )


@login_required
def correction_target(request, pk):
    return _correction_change(
        request,
        pk,
        TargetChangeForm,
        corrections.change_target,
        success=_("The target was changed."),
        heading=_("Change a target"),
    )


@login_required
def midterm_skip(request, pk):
    project = _project_for_evaluations(request, pk)
    form = SkipMidtermForm(request.POST or None, initial={"reason": project.midterm_skip_reason})
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: midterm.skip_midterm(project=project, by=request.user, **form.cleaned_data),
            _("The reason for skipping the mid-term evaluation was recorded."),
        ):
            return redirect(f"{project.get_absolute_url()}#evaluations")
    return _form_page(
        request,
        form,
        project=project,
        heading=_("Skip the mid-term evaluation"),
        subheading=_(
            "A project can only move to closing after a mid-term evaluation, or with a recorded reason for skipping it."
        ),
        back=project.get_absolute_url(),
    )
