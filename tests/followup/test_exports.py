"""The milestones of a project as .xlsx, read back with openpyxl: per participant and the whole project's,
with real dates and the delay from `lateness`; a municipality's users get their own and the whole
project's only; the query count does not grow with the milestones; past EXPORT_ASYNC_ROWS the file is
built by the task and offered on the job's page."""

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import ExportJob
from followup.models import Milestone
from followup.services import milestones
from tests.followup.helpers import active_project, other_participant, participant  # noqa: F401

pytestmark = pytest.mark.django_db


def _url(project):
    return reverse("followup:milestone-export-xlsx", kwargs={"pk": project.pk})


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook["Milepæler"]


def _bulk(project, participants, n):
    """n milestones per participant and n for the whole project, straight into the table."""
    today = timezone.localdate()
    rows = []
    for participant_ in [None, *participants]:
        for i in range(n):
            planned = today - timedelta(days=5) + timedelta(days=i)
            rows.append(
                Milestone(
                    project=project,
                    participant=participant_,
                    name=f"Steg {i}",
                    planned_on=planned,
                    original_planned_on=planned - timedelta(days=2),
                )
            )
    Milestone.objects.bulk_create(rows)


@pytest.fixture
def plan(active_project, participant, other_participant, county_staff):  # noqa: F811
    today = timezone.localdate()
    late = milestones.save_milestone(
        project=active_project,
        by=county_staff,
        name='=HYPERLINK("http://x")',
        participant=participant,
        planned_on=today - timedelta(days=10),
    )
    moved = milestones.save_milestone(
        project=active_project, by=county_staff, name="Åpning", planned_on=today - timedelta(days=20)
    )
    milestones.save_milestone(
        project=active_project, by=county_staff, milestone=moved, name="Åpning", planned_on=today - timedelta(days=3)
    )
    milestones.set_milestone_status(milestone=moved, by=county_staff, status="done", completed_on=today)
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        name="Kartlegging i Gáivuotna",
        participant=other_participant,
        planned_on=today + timedelta(days=30),
    )
    return late, moved


def test_staff_export_every_milestone_with_dates_delay_and_status(client, county_staff, active_project, plan):  # noqa: F811
    client.force_login(county_staff)
    sheet = _sheet(client.get(_url(active_project)))
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "Deltaker",
        "Milepæl",
        "Status",
        "Planlagt dato",
        "Opprinnelig planlagt",
        "Fullført",
        "Forsinkelse (dager)",
        "Flyttet (dager)",
        "Ansvarlig",
    ]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:I4"
    assert sheet["A2"].value == "Hele prosjektet"  # the whole project's first, then per participant
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    today = timezone.localdate()
    late = rows['=HYPERLINK("http://x")']
    assert late[1].data_type == "s"  # the hostile name is text, not a formula
    assert late[0].value == "Tromsø" and late[2].value == "Ikke startet"
    assert late[3].value == datetime.combine(today - timedelta(days=10), datetime.min.time())
    assert late[3].number_format == "dd.mm.yyyy" and late[3].is_date
    assert late[6].value == 10 and late[7].value == 0
    opening = rows["Åpning"]
    assert opening[0].value == "Hele prosjektet" and opening[2].value == "Ferdig"
    assert opening[4].value.date() == today - timedelta(days=20) and opening[5].value.date() == today
    assert opening[6].value == 3 and opening[7].value == 17  # done 3 days late; moved 17 days on
    assert rows["Kartlegging i Gáivuotna"][0].value == "Gáivuotna - Kåfjord - Kaivuono"


def test_a_library_heads_export_holds_their_own_and_the_whole_projects(client, library_head, active_project, plan):  # noqa: F811
    client.force_login(library_head)
    sheet = _sheet(client.get(_url(active_project)))
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    participants = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert sorted(names) == sorted(['=HYPERLINK("http://x")', "Åpning"])
    assert participants == {"Tromsø", "Hele prosjektet"}
    assert "Gáivuotna" not in str([[cell.value for cell in row] for row in sheet.iter_rows()])


def test_an_outsider_gets_404(client, outsider, active_project, plan):  # noqa: F811
    client.force_login(outsider)
    assert client.get(_url(active_project)).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(queries)


def test_the_query_count_is_flat(client, county_staff, active_project, participant, other_participant):  # noqa: F811
    client.force_login(county_staff)
    _bulk(active_project, [participant, other_participant], 3)
    small = _queries(client, _url(active_project))
    _bulk(active_project, [participant, other_participant], 60)
    assert _queries(client, _url(active_project)) == small


def test_a_large_export_is_built_by_the_task_and_offered_on_its_page(
    client,
    settings,
    django_capture_on_commit_callbacks,
    county_staff,
    library_head,
    active_project,  # noqa: F811
    participant,  # noqa: F811
    other_participant,  # noqa: F811
):
    settings.EXPORT_ASYNC_ROWS = 50
    _bulk(active_project, [participant, other_participant], 30)  # 90 milestones
    client.force_login(county_staff)
    # Tasks run in-process here: the job is built once the transaction that ordered it commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url(active_project))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == ExportJob.Status.READY and job.rows_done == 90 and job.total_rows == 90
    page = client.get(job.get_absolute_url()).content.decode()
    download = reverse("documents:export-job-download", kwargs={"pk": job.pk})
    assert download in page and "milepaeler-prosjekt-" in page
    sheet = _sheet(client.get(download))
    assert sheet.max_row == 91 and sheet.auto_filter.ref == "A1:I91"
    assert isinstance(sheet["D2"].value, datetime) and sheet["D2"].number_format == "dd.mm.yyyy"
    # The job and its file are its requester's alone.
    client.force_login(library_head)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(download).status_code == 404


def test_the_milestone_page_links_the_export(client, county_staff, active_project):  # noqa: F811
    client.force_login(county_staff)
    page = client.get(reverse("followup:milestone-list", kwargs={"pk": active_project.pk})).content.decode()
    assert _url(active_project) in page and "Eksporter til Excel" in page


def test_a_job_whose_requester_lost_access_fails_with_a_message(county_staff, library_head, active_project):  # noqa: F811
    from documents.exports import build_export_job

    job = ExportJob.objects.create(
        kind="milestones",
        params={"project": active_project.pk},
        title="x",
        filename="x.xlsx",
        requested_by=library_head,  # Tromsø does not take part: the project is not theirs to read
    )
    build_export_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file
    assert job.error == "Du kan ikke lenger lese det den skulle inneholde."
