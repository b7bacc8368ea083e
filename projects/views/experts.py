"""Partners and external experts of a project, with the briefing and the notes of each expert."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shell.forms import run_service

from .. import services
from ..access import (
    access_expert_assignment,
    access_partner,
    access_project,
)
from ..forms import (
    ExpertForm,
    ExpertNoteForm,
    PartnerForm,
)
from ..models import BriefingItem
from ..permissions import (
    can_edit_project,
)

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(services.ProjectError,))


# ----------------------------------------------------------- partners and experts


@login_required
def partner_add(request, pk):
    project = access_project(request.user, pk, edit=True)
    form = PartnerForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.attach_partner(project=project, by=request.user, **form.cleaned_data),
            _("The partner was added."),
        ):
            return redirect(f"{project.get_absolute_url()}#partners")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Add partner")})


@login_required
@require_POST
def partner_remove(request, pk, partner_pk):
    project = access_project(request.user, pk)
    partner = access_partner(request.user, project, partner_pk, edit=True)
    services.detach_partner(partner=partner, by=request.user)
    messages.success(request, _("The partner was removed from the project."))
    return redirect(f"{project.get_absolute_url()}#partners")


@login_required
def expert_add(request, pk):
    project = access_project(request.user, pk, edit=True)
    form = ExpertForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.attach_expert(project=project, by=request.user, **form.cleaned_data),
            _("The expert was attached. Work through the briefing checklist."),
        ):
            return redirect(f"{project.get_absolute_url()}#experts")
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": _("Attach an external expert")},
    )


@login_required
def expert_detail(request, pk, expert_pk):
    project = access_project(request.user, pk)
    assignment = access_expert_assignment(request.user, project, expert_pk, edit=request.method == "POST")
    can_edit = can_edit_project(request.user, project)
    form = ExpertNoteForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid() and _run(
            request,
            form,
            lambda: services.add_expert_note(assignment=assignment, by=request.user, **form.cleaned_data),
            _("The note was saved."),
        ):
            return redirect(assignment)
    return render(
        request,
        "projects/expert_detail.html",
        {
            "project": project,
            "assignment": assignment,
            "briefing": assignment.briefing.select_related("done_by"),
            "notes": assignment.notes.select_related("written_by"),
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
@require_POST
def expert_briefing(request, pk, expert_pk, item_pk):
    project = access_project(request.user, pk)
    assignment = access_expert_assignment(request.user, project, expert_pk, edit=True)
    item = get_object_or_404(BriefingItem, pk=item_pk, assignment=assignment)
    services.set_briefed(item=item, by=request.user, done=request.POST.get("done") == "1")
    return redirect(assignment)


@login_required
@require_POST
def expert_remove(request, pk, expert_pk):
    project = access_project(request.user, pk)
    assignment = access_expert_assignment(request.user, project, expert_pk, edit=True)
    services.detach_expert(assignment=assignment, by=request.user)
    messages.success(request, _("The expert no longer has access to the project."))
    return redirect(f"{assignment.project.get_absolute_url()}#experts")
