from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities.access import require
from shell.freshness import render_kept

from . import content, selectors, services
from .forms import ArchiveFilterForm, CaseNumberForm, ReportRequestForm
from .models import Report
from .permissions import can_order_report, can_set_case_number, orderable_kinds


@login_required
def archive(request):
    """Reports the user may see, by month and kind, newest first."""

    def listing() -> dict:
        filters = ArchiveFilterForm(request.GET or None)
        data = filters.cleaned_data if filters.is_valid() else {}
        reports = selectors.list_archive(request.user, month=data.get("month"), kind=data.get("kind", ""))
        return {
            "page_obj": Paginator(reports, 30).get_page(request.GET.get("page")),
            "filters": filters,
            "pending": selectors.list_pending_for(request.user),
            "is_filtered": any(data.values()),
            "can_order": bool(orderable_kinds(request.user)),
        }

    return render_kept(request, "reports/archive.html", {}, listing)


def _report(request, pk) -> Report:
    return selectors.get_report(request.user, pk)


@login_required
def report_detail(request, pk):
    """The report's page; while it is being made, the status part polls itself (htmx)."""
    report = _report(request, pk)
    can_edit = can_set_case_number(request.user, report)
    form = CaseNumberForm(
        request.POST if request.method == "POST" else None, initial={"archive_case_number": report.archive_case_number}
    )
    if request.method == "POST":
        require(can_edit)
        if form.is_valid():
            services.set_case_number(report=report, case_number=form.cleaned_data["archive_case_number"])
            messages.success(request, _("The archive case number was saved."))
            return redirect(report)
    template = "reports/partials/_status.html" if request.htmx else "reports/report_detail.html"
    return render(
        request,
        template,
        {"report": report, "form": form, "can_edit": can_edit, "summary_lines": content.summary_lines(report.summary)},
    )


@login_required
@require_GET
def report_download(request, pk):
    report = _report(request, pk)
    if report.status != Report.Status.READY or not report.pdf:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf"
    )


@login_required
def report_request(request):
    """An on-demand report of what the user may order (see `reports.permissions`)."""
    kinds = orderable_kinds(request.user)
    form = ReportRequestForm(
        request.POST or None,
        user=request.user,
        kinds=kinds,
        initial={"kind": request.GET.get("kind", kinds[0] if kinds else "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(can_order_report(request.user, data["kind"], data["subject"]))
        report = services.request_report(
            user=request.user, kind=data["kind"], subject=data["subject"], month=data["month"]
        )
        messages.success(request, _("The report is being made. This page shows when it is ready."))
        return redirect(report)
    return render(request, "reports/report_request.html", {"form": form, "can_order": bool(kinds)})
