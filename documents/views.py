"""An export job's page (its progress, polled by htmx while it is being made) and its file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import ExportJob
from .spreadsheet import XLSX_CONTENT_TYPE


def _access_job(user, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(user), pk=pk)


@login_required
@require_GET
def export_job(request, pk):
    job = _access_job(request.user, pk)
    template = "documents/partials/_export_job.html" if request.htmx else "documents/export_job.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_job_download(request, pk):
    job = _access_job(request.user, pk)
    if job.status != ExportJob.Status.READY or not job.file:
        raise Http404
    content_type = "text/csv; charset=utf-8" if job.format == ExportJob.Format.CSV else XLSX_CONTENT_TYPE
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type)
