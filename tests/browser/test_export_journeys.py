"""Journey of issue 22: county staff take a project's milestones to Excel from its milestone page, and
open the file; a large export goes through the job page (built in-process here, as without a broker)."""

import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from followup.models import Milestone
from followup.services import milestones
from municipalities.models import Municipality
from projects import services
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(transactional_db):
    county = seed_places()
    users = seed_logins(county)
    staff = users["fylke@demo.fremdrift.no"]
    project = services.create_project(
        county=county,
        by=staff,
        title="Bibliotekrom i Tromsø",
        theme=county.themes.get(code="library_rooms"),
        purpose="Et bedre rom.",
        start_on=timezone.localdate() - timedelta(days=30),
        end_on=timezone.localdate() + timedelta(days=300),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    (participant,) = services.invite_participants(
        project=project, municipalities=[Municipality.objects.get(number="5501")], by=staff
    )
    milestones.save_milestone(
        project=project,
        by=staff,
        name="Romplan med tegninger",
        participant=participant,
        planned_on=timezone.localdate() - timedelta(days=12),
    )
    return project, participant


def _open(download, tmp_path):
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return openpyxl.load_workbook(path)


def test_staff_export_milestones_to_excel(journey, plan, tmp_path, settings):
    project, participant = plan
    page = journey.page
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url() + "milepaeler/")
    journey.scan("milestones")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Eksporter til Excel").click()
    download = download_info.value
    assert re.fullmatch(r"milepaeler-prosjekt-\d+\.xlsx", download.suggested_filename)
    sheet = _open(download, tmp_path)["Milepæler"]
    assert sheet.freeze_panes == "A2"
    row = [cell for cell in sheet[2]]
    assert row[0].value == "Tromsø" and row[1].value == "Romplan med tegninger"
    assert row[3].is_date and row[6].value == 12

    # Past the threshold, the export is a job: its page offers the file when it is made.
    settings.EXPORT_ASYNC_ROWS = 5
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=project,
                participant=participant,
                name=f"Steg {i}",
                planned_on=timezone.localdate() + timedelta(days=i),
                original_planned_on=timezone.localdate(),
            )
            for i in range(20)
        ]
    )
    page.get_by_role("link", name="Eksporter til Excel").click()
    page.wait_for_load_state()
    assert "/eksporter/" in page.url
    page.get_by_text("21 rader").wait_for()
    journey.scan("export-job")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Last ned milepaeler-prosjekt-")).click()
    assert _open(download_info.value, tmp_path)["Milepæler"].max_row == 22
