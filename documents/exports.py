"""Spreadsheet exports of every app, small ones at once and large ones by a task.

The apps own their exports: each registers a kind (`register_export_kind`, in its AppConfig.ready())
with a builder `build(user, params) -> Export` that fetches only what the user may read. The documents
app knows nothing of them beyond the key (it sits below every app). `respond` is what a view returns:
the file at once when it has at most EXPORT_ASYNC_ROWS rows, else an `ExportJob` built by
`build_export_job_task` (openpyxl's write-only mode, querysets read in chunks: memory stays flat) and
a page that shows its progress and then offers the file.
"""

import io
import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import ExportJob
from .spreadsheet import Table, table_csv_response, write_csv, write_xlsx, xlsx_response

logger = logging.getLogger(__name__)

PROGRESS_EVERY_ROWS = 1000


@dataclass
class Export:
    """What a builder returns: the file's name (without extension), its sheets and how many rows they
    will have (a count query, made before any row is read: it decides between now and a task)."""

    filename: str
    title: str
    tables: list[Table]
    count: int
    back_url: str = ""


@dataclass(frozen=True)
class ExportKind:
    key: str
    build: Callable  # (user, params: dict) -> Export; raises Http404 for what the user may not read
    formats: tuple = field(default=("xlsx", "csv"))


EXPORT_KINDS: dict[str, ExportKind] = {}


def register_export_kind(key: str, build: Callable, *, formats: Iterable[str] = ("xlsx", "csv")) -> None:
    EXPORT_KINDS[key] = ExportKind(key=key, build=build, formats=tuple(formats))


def _file_response(export: Export, fmt: str):
    if fmt == "csv":
        return table_csv_response(filename=f"{export.filename}.csv", table=export.tables[0])
    return xlsx_response(filename=f"{export.filename}.xlsx", tables=export.tables)


def respond(request, key: str, params: dict, *, fmt: str = "xlsx"):
    """The export of kind `key` for the user: the file, or (past EXPORT_ASYNC_ROWS rows) a job's page."""
    kind = EXPORT_KINDS[key]
    export = kind.build(request.user, params)
    if export.count <= settings.EXPORT_ASYNC_ROWS:
        return _file_response(export, fmt)
    job = order_export_job(kind=key, params=params, fmt=fmt, by=request.user, export=export)
    return redirect(job)


@transaction.atomic
def order_export_job(*, kind: str, params: dict, fmt: str, by, export: Export) -> ExportJob:
    job = ExportJob.objects.create(
        kind=kind,
        params=params,
        format=fmt,
        title=export.title[:200],
        back_url=export.back_url[:500],
        requested_by=by,
        total_rows=export.count,
        filename=f"{export.filename}.{fmt}"[:200],
    )
    from .tasks import build_export_job_task

    transaction.on_commit(lambda: build_export_job_task.delay(job.pk))
    return job


class _Counter:
    """Counts rows and writes progress every PROGRESS_EVERY_ROWS (one UPDATE, not one per row)."""

    def __init__(self, job_id: int):
        self.job_id, self.count = job_id, 0

    def __call__(self) -> None:
        self.count += 1
        if self.count % PROGRESS_EVERY_ROWS == 0:
            ExportJob.objects.filter(pk=self.job_id).update(rows_done=self.count, progress_at=timezone.now())


def build_export_job(*, job_id: int) -> None:
    """Builds the job's file with its requester's rights, as they were asked for. A job already
    built (or failed) is left alone, so a repeated message does nothing."""
    updated = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, progress_at=timezone.now()
    )
    if not updated:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            export = EXPORT_KINDS[job.kind].build(job.requested_by, job.params)
            counter = _Counter(job.pk)
            with tempfile.TemporaryFile() as stream:
                if job.format == ExportJob.Format.CSV:
                    first = export.tables[0]
                    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
                    rows = write_csv(text, Table(first.name, first.columns, _counted(first.rows, counter)))
                    text.flush()
                    text.detach()
                else:
                    rows = write_xlsx(stream, export.tables, on_row=counter)
                stream.seek(0)
                job.file.save(job.filename, File(stream), save=False)
    except Exception as exc:  # noqa: BLE001 - any failure is the job's, shown on its page (the details logged)
        logger.exception("export job %s failed", job_id)
        reason = ""
        if isinstance(exc, Http404):
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("You can no longer read what it was to hold.")
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=reason, finished_at=timezone.now()
        )
        return
    # Only a job still running is finished: one the sweep gave up on stays failed (its file is dropped).
    updated = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
        file=job.file.name, status=ExportJob.Status.READY, rows_done=rows, finished_at=timezone.now()
    )
    if not updated:
        job.file.delete(save=False)


def sweep_export_jobs() -> tuple[int, int]:
    """Periodic: a job silent for EXPORT_JOB_STUCK_AFTER_SECONDS (its worker died) is failed, and jobs older
    than EXPORT_JOB_KEEP_DAYS are deleted with their files. Returns (failed, deleted)."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.EXPORT_JOB_STUCK_AFTER_SECONDS)
    running = ExportJob.objects.filter(status__in=(ExportJob.Status.PENDING, ExportJob.Status.RUNNING))
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("It stopped without finishing. Export again from the page you came from.")
    failed = running.filter(
        Q(progress_at__lt=stuck_before) | Q(progress_at__isnull=True, created_at__lt=stuck_before)
    ).update(status=ExportJob.Status.FAILED, error=reason, finished_at=now)
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=now - timedelta(days=settings.EXPORT_JOB_KEEP_DAYS)).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return failed, deleted


def _counted(rows, counter):
    for row in rows:
        yield row
        counter()
