"""Visits to a participating municipality."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import access_project
from shell.ids import parse_id

from ..access import access_visit
from ..forms import (
    VisitForm,
)
from ..services import visits
from .base import _run

# ------------------------------------------------------------------------ visits


@login_required
def visit_edit(request, pk, visit_pk=None):
    project = access_project(request.user, pk, edit=visit_pk is None)
    visit = access_visit(request.user, project, visit_pk, edit=True) if visit_pk else None
    if visit:
        initial = {
            "participant": visit.participant,
            "planned_on": visit.planned_on,
            "status": visit.status,
            "visitors": list(visit.visitors.all()),
            "purpose": visit.purpose,
            "notes": visit.notes,
            "follow_up_points": visit.follow_up_points,
        }
    else:
        initial = {
            "planned_on": timezone.localdate(),
            "visitors": [request.user],
            "participant": parse_id(request.GET.get("deltaker")),
        }
    form = VisitForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participant = data.pop("participant")
        if _run(
            request,
            form,
            lambda: visits.save_visit(
                participant=participant, by=request.user, visit=visit, visitors=list(data.pop("visitors")), **data
            ),
            _("The visit was saved."),
        ):
            return redirect(f"{participant.get_absolute_url()}#visits")
    heading = _("Visit") if visit else _("Plan a visit")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading})
