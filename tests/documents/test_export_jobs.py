"""Export jobs: past EXPORT_ASYNC_ROWS an export is built by the task, its page shows the progress (htmx
polls it) and then offers the file; the writer's memory stays flat however many rows stream through."""

import io
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse

from documents.exports import EXPORT_KINDS, Export, build_export_job, register_export_kind, respond
from documents.models import ExportJob
from documents.spreadsheet import Column, Kind, Table, write_xlsx

pytestmark = pytest.mark.django_db
COLUMNS = [Column("Navn"), Column("Dato", Kind.DATE), Column("Beløp", Kind.MONEY), Column("Andel", Kind.PERCENT)]


def _rows(n):
    start = date(2026, 1, 1)
    for i in range(n):
        yield [f"Gáivuotna – Kåfjord – Kaivuono {i}", start + timedelta(days=i % 365), Decimal(i), Decimal("0.5")]


def _numbers(user, params):
    n = params["n"]
    return Export(filename="tall", title="Tall", tables=[Table("Tall", COLUMNS, _rows(n))], count=n, back_url="/")


@pytest.fixture(autouse=True)
def numbers_kind():
    register_export_kind("test-numbers", _numbers)
    yield
    EXPORT_KINDS.pop("test-numbers", None)


def _get(user, n, fmt="xlsx"):
    request = RequestFactory().get("/")
    request.user = user
    return respond(request, "test-numbers", {"n": n}, fmt=fmt)


def test_a_small_export_is_answered_at_once(county_staff, settings):
    settings.EXPORT_ASYNC_ROWS = 10
    response = _get(county_staff, 10)
    assert response.status_code == 200 and not ExportJob.objects.exists()
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Tall"]
    assert sheet.max_row == 11


def test_a_large_export_becomes_a_job_with_a_progress_page_then_a_file(
    client, county_staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_ROWS = 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _get(county_staff, 2500)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    client.force_login(county_staff)
    # Before the task has run: the page says it is being made, and its status part polls itself.
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Eksporten lages" in page and 'hx-trigger="every 2s"' in page and "2500 rader" in page
    assert client.get(reverse("documents:export-job-download", kwargs={"pk": job.pk})).status_code == 404
    for callback in callbacks:
        callback()  # the task, in-process
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.progress == 100 and job.rows_done == 2500
    part = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in part and "Last ned tall.xlsx" in part
    download = client.get(reverse("documents:export-job-download", kwargs={"pk": job.pk}))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Tall"]
    assert sheet.max_row == 2501 and sheet["B2"].is_date and sheet["C2"].number_format == '#,##0 "kr"'


def test_a_large_csv_export_is_a_job_too(client, county_staff, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_ASYNC_ROWS = 10
    with django_capture_on_commit_callbacks(execute=True):
        _get(county_staff, 20, fmt="csv")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.READY and job.filename == "tall.csv"
    client.force_login(county_staff)
    text = b"".join(client.get(reverse("documents:export-job-download", kwargs={"pk": job.pk})).streaming_content)
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0] == "Navn;Dato;Beløp;Andel" and lines[1] == "Gáivuotna – Kåfjord – Kaivuono 0;01.01.2026;0;50,0 %"
    assert len(lines) == 21


def test_a_job_is_built_once(county_staff):
    job = ExportJob.objects.create(
        kind="test-numbers", params={"n": 3}, title="Tall", filename="tall.xlsx", requested_by=county_staff
    )
    build_export_job(job_id=job.pk)
    job.refresh_from_db()
    name = job.file.name
    build_export_job(job_id=job.pk)  # a repeated message
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.file.name == name


def test_a_failing_job_says_so_on_its_page(client, county_staff):
    job = ExportJob.objects.create(
        kind="test-numbers", params={}, title="Tall", filename="tall.xlsx", requested_by=county_staff
    )
    build_export_job(job_id=job.pk)  # KeyError: "n"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    client.force_login(county_staff)
    assert "Eksporten kunne ikke lages." in client.get(job.get_absolute_url()).content.decode()


def _peak(n) -> int:
    tracemalloc.start()
    try:
        write_xlsx(io.BytesIO(), [Table("Tall", COLUMNS, _rows(n))])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_writers_memory_is_flat_however_many_rows():
    """Write-only mode keeps no rows: the peak with ten times the rows is about the same (the
    output stream here is in memory; the task writes to a temporary file)."""
    small, large = _peak(400), _peak(4_000)
    assert large < small * 1.5 + 1_000_000, (small, large)


def test_the_sweep_fails_stuck_jobs_and_deletes_old_ones(county_staff, settings):
    from datetime import timedelta as td

    from django.utils import timezone

    from documents.exports import sweep_export_jobs

    now = timezone.now()
    stuck = ExportJob.objects.create(
        kind="test-numbers",
        title="Tall",
        filename="a.xlsx",
        requested_by=county_staff,
        status=ExportJob.Status.RUNNING,
        progress_at=now - td(seconds=settings.EXPORT_JOB_STUCK_AFTER_SECONDS + 60),
    )
    busy = ExportJob.objects.create(
        kind="test-numbers",
        title="Tall",
        filename="b.xlsx",
        requested_by=county_staff,
        status=ExportJob.Status.RUNNING,
        progress_at=now,
    )
    old = ExportJob.objects.create(
        kind="test-numbers",
        params={"n": 2},
        title="Tall",
        filename="c.xlsx",
        requested_by=county_staff,
        created_at=now - td(days=settings.EXPORT_JOB_KEEP_DAYS + 1),
    )
    build_export_job(job_id=old.pk)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    assert sweep_export_jobs() == (1, 1)
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == ExportJob.Status.FAILED and "stoppet" in stuck.error
    assert busy.status == ExportJob.Status.RUNNING
    assert not ExportJob.objects.filter(pk=old.pk).exists() and not storage.exists(name)
