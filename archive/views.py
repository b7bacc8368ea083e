from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities.access import access_county
from municipalities.permissions import is_admin_of
from shell.forms import run_service

from . import selectors, services
from .access import access_export
from .forms import ExportForm
from .models import ArchiveExport


@login_required
def export_list(request, number):
    """The county's archive extracts, and the form that orders a new one (county staff only)."""
    county = access_county(request.user, number)
    form = ExportForm(request.POST or None, county=county, initial=_initial(request, county))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_project = data["scope"] == "project"
        exports = []

        def order():
            exports.append(
                services.order_export(
                    county=county,
                    by=request.user,
                    project=data["project"] if by_project else None,
                    period_from=None if by_project else data["period_from"],
                    period_to=None if by_project else data["period_to"],
                )
            )

        if run_service(request, form, order, _("The extract was ordered.")):
            return redirect(exports[0])
    return render(
        request,
        "archive/export_list.html",
        {
            "county": county,
            "form": form,
            "exports": selectors.list_exports(county),
            "is_admin": is_admin_of(request.user, county),
        },
        status=400 if request.method == "POST" else 200,
    )


def _initial(request, county) -> dict:
    """From a project's page (`?prosjekt=12`): that project chosen (when it is one of the county's)."""
    project = request.GET.get("prosjekt", "")
    if request.method == "GET" and project.isdigit() and len(project) < 19:
        found = county.projects.filter(pk=int(project)).first()
        if found is not None:
            return {"scope": "project", "project": found}
    return {"scope": "project"}


@login_required
@require_GET
def export_detail(request, pk):
    """One extract; while it is being made, its status part polls itself (htmx)."""
    export = access_export(request.user, pk)
    template = "archive/partials/_status.html" if request.htmx else "archive/export_detail.html"
    return render(request, template, {"export": export, "county": export.county})


@login_required
@require_GET
def export_download(request, pk):
    export = access_export(request.user, pk)
    if export.status != ArchiveExport.Status.READY or not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename, content_type="application/x-tar"
    )
