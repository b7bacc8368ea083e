"""The escalation review and the follow-up dashboard of a county."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from municipalities.selectors import get_county_for_staff
from projects.access import access_project
from projects.services import ProjectError
from shell.freshness import kept

from .. import selectors as fs
from ..access import access_escalation
from ..forms import (
    DashboardFilterForm,
    LeadershipMessageForm,
)
from ..services import escalation
from .base import _run

# -------------------------------------------------------------------- escalation


@login_required
def escalation_review(request, pk, step_pk):
    """County staff review the proposed message to the chief executive, then send or dismiss it."""
    project = access_project(request.user, pk)
    step = access_escalation(request.user, project, step_pk, edit=True)
    form = LeadershipMessageForm(
        request.POST or None, initial={"to": step.recipients, "subject": step.subject, "body": step.body}
    )
    if request.method == "POST":
        if request.POST.get("action") == "dismiss":
            try:
                escalation.dismiss_leadership_message(step=step, by=request.user)
            except ProjectError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The proposed message was dismissed."))
            return redirect(step.participant)
        if form.is_valid() and _run(
            request,
            form,
            lambda: escalation.send_leadership_message(step=step, by=request.user, **form.cleaned_data),
            _("The message was put in the outbox."),
        ):
            return redirect(step.participant)
    return render(request, "followup/escalation_review.html", {"project": project, "step": step, "form": form})


# --------------------------------------------------------------------- dashboard


@login_required
def followup_dashboard(request, number):
    """Every participant of the county's active projects, at risk first, with the reasons. What is below
    the menu is kept (`shell.freshness.kept`): county staff come back to it all day, and it changes only
    when the data does."""
    county = get_county_for_staff(request.user, number)
    content = kept(
        request,
        "followup-dashboard",
        lambda: render_to_string("followup/partials/_dashboard.html", _dashboard_context(request, county), request),
    )
    return render(request, "followup/dashboard.html", {"county": county, "content": content})


def _dashboard_context(request, county) -> dict:
    filters = DashboardFilterForm(request.GET or None, county=county)
    data = filters.cleaned_data if filters.is_valid() else {}
    health, project = data.get("health", ""), data.get("project")
    rows = fs.list_dashboard(county, health=health, project=project)
    counts = fs.health_counts(county)
    paginator = Paginator(rows, 25)
    if project is None:
        # The counts above already say how many rows there are: no second COUNT over the county.
        paginator.count = counts[health] if health else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    return {
        "county": county,
        "page_obj": page,
        "rows": fs.dashboard_rows(page.object_list),
        "filters": filters,
        "filter_fields": [(filters["health"], 4), (filters["project"], 6)],
        "counts": counts,
        "proposals": fs.pending_proposals(county)[:20],
        "gaps": fs.reminder_gaps(county),
        # The timeline of the same rows loads after the page (`followup.views.timeline`).
        "timeline_section": {
            "key": "tidslinje",
            "label": _("Timeline"),
            "url": reverse("followup:dashboard-timeline", kwargs={"number": county.number})
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
        },
    }
