"""Milestones and progress: the plan with its slippage, a milestone's page, logging progress (also
from "my milestones", through htmx) and the progress feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.exports import respond
from municipalities.access import require
from municipalities.permissions import is_library_head_anywhere, is_staff_of
from municipalities.selectors import get_municipality
from projects.access import access_project
from projects.permissions import can_edit_project, can_view_staff_parts
from projects.services import ProjectError
from shell.forms import apply_validation_error
from shell.freshness import render_kept

from .. import selectors as fs
from ..access import access_milestone
from ..forms import (
    AttachmentForm,
    MilestoneForm,
    MilestoneStatusForm,
    ProgressForm,
)
from ..models import Milestone
from ..permissions import can_log_progress
from ..services import milestones, progress
from ..services.files import ACCEPT
from .base import MY_MILESTONES_PER_PAGE, _attachments_for, _milestone, _next_url, _run

# -------------------------------------------------------------------- milestones


@login_required
@require_GET
def milestone_export_xlsx(request, pk):
    """The project's milestones the user may read, as .xlsx (see followup.exports)."""
    return respond(request, "milestones", {"project": pk})


@login_required
def milestone_list(request, pk):
    """The milestone plan with planned and original dates, slippage per milestone, participant
    and project."""
    project = access_project(request.user, pk)
    milestones = list(fs.project_milestones(project, user=request.user))
    total, per_participant = fs.slippage(milestones)
    return render(
        request,
        "followup/milestone_list.html",
        {
            "project": project,
            "milestones": milestones,
            "total": total,
            "per_participant": per_participant,
            "today": timezone.localdate(),
            "can_edit": can_edit_project(request.user, project),
        },
    )


@login_required
def milestone_edit(request, pk, milestone_pk=None):
    project = access_project(request.user, pk, edit=milestone_pk is None)
    milestone = access_milestone(request.user, project, milestone_pk, edit=True) if milestone_pk else None
    initial = None
    if milestone:
        initial = {
            name: getattr(milestone, name)
            for name in ("name", "description", "participant", "planned_on", "responsible_position")
        }
    form = MilestoneForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = {}
        fields = {name: value for name, value in form.cleaned_data.items() if name != "outside_period_confirmed"}
        if _run(
            request,
            form,
            lambda: saved.setdefault(
                "m", milestones.save_milestone(project=project, by=request.user, milestone=milestone, **fields)
            ),
            _("The milestone was saved."),
        ):
            return redirect("followup:milestone-detail", pk=project.pk, milestone_pk=saved["m"].pk)
    heading = _("Edit milestone") if milestone else _("New milestone")
    subheading = (
        (
            _("Originally planned for %(date)s; moving the date keeps the original, so the slippage shows.")
            % {"date": date_format(milestone.original_planned_on, "SHORT_DATE_FORMAT")}
        )
        if milestone
        else ""
    )
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": heading, "subheading": subheading},
    )


@login_required
def milestone_detail(request, pk, milestone_pk):
    milestone = _milestone(request, pk, milestone_pk)
    project = milestone.project
    user = request.user
    can_log = can_log_progress(user, milestone)
    return render(
        request,
        "followup/milestone_detail.html",
        {
            "project": project,
            "milestone": milestone,
            "entries": fs.progress_feed(milestone=milestone),
            "attachments": _attachments_for(user, milestone=milestone, progress_entry__isnull=True),
            "can_log": can_log,
            "can_edit": can_edit_project(user, project),
            "progress_form": ProgressForm(initial={"status": milestone.status}) if can_log else None,
            "status_form": MilestoneStatusForm(
                initial={
                    "status": milestone.status,
                    "completed_on": milestone.completed_on,
                    "skip_reason": milestone.skip_reason,
                }
            ),
            "attachment_form": AttachmentForm() if can_log else None,
            "today": timezone.localdate(),
            "escalations": milestone.escalations.all() if can_view_staff_parts(user, project) else [],
            "target": f"milestone:{milestone.pk}",
        },
    )


@login_required
@require_POST
def milestone_status(request, pk, milestone_pk):
    milestone = _milestone(request, pk, milestone_pk, edit=True)
    form = MilestoneStatusForm(request.POST)
    if form.is_valid():
        try:
            milestones.set_milestone_status(milestone=milestone, by=request.user, **form.cleaned_data)
        except (ValidationError, ProjectError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The milestone's status was saved."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("followup:milestone-detail", pk=milestone.project_id, milestone_pk=milestone.pk)


@login_required
@require_POST
def progress_create(request, pk, milestone_pk):
    """Logs progress. From "my milestones" through htmx: answers with the milestone's card."""
    milestone = _milestone(request, pk, milestone_pk)
    require(can_log_progress(request.user, milestone))
    form = ProgressForm(request.POST, request.FILES, prefix_id=milestone.pk if request.htmx else None)
    logged = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            progress.log_progress(
                milestone=milestone,
                by=request.user,
                status=data["status"],
                text=data["text"],
                files=data["files"],
                completed_on=data["completed_on"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except ProjectError as exc:
            form.add_error(None, str(exc))
        else:
            logged = True
    if request.htmx:
        milestone = fs.my_milestones(request.user, ahead_days=None).filter(
            pk=milestone.pk
        ).first() or Milestone.objects.select_related(
            "project", "participant__municipality", "responsible_position"
        ).get(pk=milestone.pk)
        if logged:
            form = ProgressForm(initial={"status": milestone.status}, prefix_id=milestone.pk)
        return render(
            request,
            "followup/partials/_my_milestone.html",
            {
                "milestone": milestone,
                "form": form,
                "logged": logged,
                "today": timezone.localdate(),
                "accept": ACCEPT,
            },
        )  # 200 with the errors in the card too: htmx 2 swaps no 4xx answer
    if logged:
        messages.success(request, _("Your progress was logged."))
        return redirect(
            _next_url(request, reverse("followup:milestone-detail", kwargs={"pk": pk, "milestone_pk": milestone.pk}))
        )
    project = milestone.project
    return render(
        request,
        "followup/milestone_detail.html",
        {
            "project": project,
            "milestone": milestone,
            "entries": fs.progress_feed(milestone=milestone),
            "attachments": _attachments_for(request.user, milestone=milestone, progress_entry__isnull=True),
            "can_log": True,
            "can_edit": can_edit_project(request.user, project),
            "progress_form": form,
            "status_form": MilestoneStatusForm(initial={"status": milestone.status}),
            "attachment_form": AttachmentForm(),
            "today": timezone.localdate(),
            "escalations": [],
            "target": f"milestone:{milestone.pk}",
        },
        status=400,
    )


@login_required
def project_progress(request, pk):
    """The progress feed of a project (county staff)."""
    project = access_project(request.user, pk)
    if not can_view_staff_parts(request.user, project):
        raise Http404
    page = Paginator(fs.progress_feed(project=project), 30).get_page(request.GET.get("page"))
    return render(
        request, "followup/progress_feed.html", {"project": project, "page_obj": page, "heading": _("Progress log")}
    )


@login_required
def municipality_progress(request, number):
    """The progress feed of one municipality across the county's projects (county staff)."""
    municipality = get_municipality(request.user, number)
    if not is_staff_of(request.user, municipality.county_id):
        raise Http404
    page = Paginator(fs.progress_feed(participant__municipality=municipality), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/progress_feed.html",
        {"municipality": municipality, "page_obj": page, "heading": _("Progress log")},
    )


@login_required
def my_milestones(request):
    """A library head's milestones that are late or due soon, with a progress form on each."""

    def content() -> dict:
        show_all = request.GET.get("vis") == "alle"
        milestones = fs.my_milestones(request.user, ahead_days=None if show_all else 30)
        page = Paginator(milestones, MY_MILESTONES_PER_PAGE).get_page(request.GET.get("page"))
        return {
            "page_obj": page,
            "show_all": show_all,
            "forms": {m.pk: ProgressForm(initial={"status": m.status}, prefix_id=m.pk) for m in page},
            "today": timezone.localdate(),
            "is_head": is_library_head_anywhere(request.user),
            "accept": ACCEPT,
        }

    return render_kept(request, "followup/my_milestones.html", {}, content)
