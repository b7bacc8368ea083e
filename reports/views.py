from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import services
from .forms import ArchiveFilterForm, CaseNumberForm, ReportRequestForm
from .models import Report


@login_required
def archive(request):
    """Reports the user may see, by month and kind, newest first."""
    filters = ArchiveFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    reports = Report.objects.visible_to(request.user).select_related("county", "project", "municipality")
    reports = reports.filter(status=Report.Status.READY)
    if data.get("month"):
        reports = reports.filter(month=data["month"].replace(day=1))
    if data.get("kind"):
        reports = reports.filter(kind=data["kind"])
    page = Paginator(reports.order_by("-month", "kind", "subject_key", "-version"), 30).get_page(request.GET.get("page"))
    mine = Report.objects.filter(requested_for=request.user).exclude(status=Report.Status.READY).select_related(
        "county", "project", "municipality"
    )[:10]
    return render(request, "reports/archive.html", {"page_obj": page, "filters": filters, "pending": mine,
                                                    "is_filtered": any(data.values())})


def _report(request, pk) -> Report:
    return get_object_or_404(Report.objects.visible_to(request.user).select_related("county", "project", "municipality"), pk=pk)


@login_required
def report_detail(request, pk):
    """The report's page; while it is being made, the status part polls itself (htmx)."""
    report = _report(request, pk)
    can_edit = report.county_id in request.user.access.staff_county_ids and report.requested_for_id is None
    form = CaseNumberForm(request.POST if request.method == "POST" else None,
                          initial={"archive_case_number": report.archive_case_number})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.set_case_number(report=report, case_number=form.cleaned_data["archive_case_number"])
            messages.success(request, _("The archive case number was saved."))
            return redirect(report)
    template = "reports/partials/_status.html" if request.htmx else "reports/report_detail.html"
    return render(request, template, {"report": report, "form": form, "can_edit": can_edit})


@login_required
@require_GET
def report_download(request, pk):
    report = _report(request, pk)
    if report.status != Report.Status.READY or not report.pdf:
        raise Http404
    return FileResponse(report.pdf.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf")


@login_required
def report_request(request):
    form = ReportRequestForm(request.POST or None, user=request.user,
                             initial={"kind": request.GET.get("kind", Report.Kind.PROJECT)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = services.request_report(user=request.user, kind=data["kind"], subject=data["subject"], month=data["month"])
        messages.success(request, _("The report is being made. This page shows when it is ready."))
        return redirect(report)
    return render(request, "reports/report_request.html", {"form": form})
