"""Before/after measurements (TTT): the overview, indicators, periods and recording a library's figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from municipalities.access import require
from projects.access import access_project
from projects.models import Indicator
from projects.permissions import can_view_staff_parts

from .. import selectors
from ..forms import (
    MeasurementEntryForm,
    PeriodsForm,
    TTTIndicatorForm,
)
from ..permissions import (
    can_manage_evaluations,
    can_record_measurement,
)
from ..services import measurements
from .base import _form_page, _project_for_evaluations, _run


@login_required
def ttt(request, pk):
    """The before/after measurements: what is counted, the periods, a chart per indicator and library."""
    user = request.user
    project = access_project(user, pk)
    libraries = list(selectors.readable_libraries(user, project))
    return render(
        request,
        "evaluations/ttt.html",
        {
            "project": project,
            "periods": selectors.periods_of(project),
            "overview": selectors.ttt_overview(project, libraries),
            "can_define": can_manage_evaluations(user, project),
            "can_record": can_record_measurement(user, project, libraries),
            "recent": selectors.recent_measurements(project, libraries=libraries),
            "all_libraries": can_view_staff_parts(user, project),
        },
    )


@login_required
def ttt_indicator(request, pk):
    project = _project_for_evaluations(request, pk)
    form = TTTIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: measurements.save_ttt_indicator(project=project, by=request.user, **form.cleaned_data),
            _("The measurement was added."),
        ):
            return redirect("evaluations:ttt", pk=project.pk)
    return _form_page(
        request,
        form,
        project=project,
        heading=_("What is measured before and after"),
        back=reverse("evaluations:ttt", kwargs={"pk": project.pk}),
    )


@login_required
def ttt_periods(request, pk):
    project = _project_for_evaluations(request, pk)
    periods = selectors.periods_of(project)
    initial = {}
    for name, period in periods.items():
        initial |= {f"{name}_starts_on": period.starts_on, f"{name}_ends_on": period.ends_on}
    form = PeriodsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: measurements.set_measurement_periods(project=project, by=request.user, **form.cleaned_data),
            _("The periods were saved."),
        ):
            return redirect("evaluations:ttt", pk=project.pk)
    return _form_page(
        request,
        form,
        project=project,
        heading=_("Before and after periods"),
        back=reverse("evaluations:ttt", kwargs={"pk": project.pk}),
    )


@login_required
def ttt_record(request, pk):
    """Library heads enter values for their municipality's libraries; county staff for any taking part."""
    user = request.user
    project = access_project(user, pk)
    libraries = selectors.readable_libraries(user, project)
    require(can_record_measurement(user, project, list(libraries)))
    indicators = Indicator.objects.filter(project=project, goal__isnull=True).order_by("name")
    form = MeasurementEntryForm(request.POST or None, indicators=indicators, libraries=libraries)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: measurements.record_library_measurement(by=user, **form.cleaned_data),
            _("The value was saved."),
        ):
            return redirect("evaluations:ttt", pk=project.pk)
    return _form_page(
        request,
        form,
        project=project,
        heading=_("Enter a counted value"),
        subheading=_("Count in the before period and again in the after period, the same way both times."),
        back=reverse("evaluations:ttt", kwargs={"pk": project.pk}),
    )
