"""The timelines loaded after their pages (htmx; without JavaScript, on a page of their own): the
follow-up dashboard's and a municipality's across its projects. The project page's is its section
`tidslinje` (see `followup.views.sections`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from municipalities.selectors import get_county_for_staff, get_municipality

from .. import selectors as fs
from ..forms import DashboardFilterForm
from ..timeline import municipality_timeline, participants_timeline

DASHBOARD_PAGE = 25  # as many participants as the dashboard lists on a page


def _render(request, *, chart, heading, back_url, back_label, key):
    context = {
        "timeline": chart,
        "section": {"key": key, "label": heading},
        "back_url": back_url,
        "back_label": back_label,
    }
    template = "followup/partials/_project_timeline.html" if request.htmx else "followup/timeline.html"
    return render(request, template, context)


@login_required
def dashboard_timeline(request, number):
    """The timeline of the participants the dashboard lists (same filters, same page)."""
    county = get_county_for_staff(request.user, number)
    filters = DashboardFilterForm(request.GET or None, county=county)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = fs.list_dashboard(county, health=data.get("health", ""), project=data.get("project"))
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    participants = rows[(page - 1) * DASHBOARD_PAGE : page * DASHBOARD_PAGE]
    return _render(
        request,
        chart=participants_timeline(participants, user=request.user),
        heading=_("Timeline"),
        back_url=reverse("followup:followup-dashboard", kwargs={"number": county.number}),
        back_label=_("Follow-up"),
        key="tidslinje",
    )


@login_required
def municipality_timeline_view(request, number):
    """A municipality's projects on one timeline (the projects the user reads)."""
    municipality = get_municipality(request.user, number)
    return _render(
        request,
        chart=municipality_timeline(municipality, user=request.user),
        heading=_("Timeline"),
        back_url=municipality.get_absolute_url(),
        back_label=municipality.name,
        key="tidslinje",
    )
