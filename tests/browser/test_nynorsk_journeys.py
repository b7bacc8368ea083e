"""Journeys in nynorsk: Vestland's library head logs progress and its county staff read the project, in the
language of their county, scanned by axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from demo.accounts import DEMO_PASSWORD
from demo.vestland import PROJECT, seed_vestland
from followup.models import ProgressEntry
from followup.services import milestones
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vestland_project(transactional_db):
    seed_vestland()
    project = Project.objects.get(title=PROJECT)
    sogndal = project.participants.get(municipality__number="4640")
    late = milestones.save_milestone(
        project=project,
        by=User.objects.get(email="fylke.vestland@demo.fremdrift.no"),
        name="Lesestund i veka",
        participant=sogndal,
        planned_on=timezone.localdate() - timedelta(days=5),
    )
    return project, late


def test_the_vestland_library_head_logs_progress_in_nynorsk(journey, vestland_project):
    project, late = vestland_project
    page = journey.page
    journey.login("biblioteksjef.sogndal@demo.fremdrift.no", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "nn"
    journey.scan("nn-head-start")
    page.get_by_role("link", name="Milepælane mine").first.click()
    page.wait_for_load_state()
    card = page.locator(f"#milestone-{late.pk}")
    assert card.get_by_text(re.compile(r"Forseinka \d+ dag(ar)?: frist")).is_visible()
    journey.scan("nn-my-milestones")
    card.get_by_label("Status").select_option(label="Ferdig")
    card.get_by_label("Kva har skjedd?").fill("Lesestunda er i gang på hovudbiblioteket.")
    card.get_by_role("button", name=re.compile("Logg framdrift")).click()
    page.locator(f"#milestone-{late.pk}").get_by_text("Framdrifta di er logga.").wait_for()
    assert ProgressEntry.objects.filter(milestone=late).exists()
    journey.scan("nn-my-milestones-logged")
    journey.logout()

    journey.login("fylke.vestland@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "nn"
    assert page.get_by_role("heading", name="Deltakarar").is_visible()
    journey.scan("nn-project")


def test_the_vestland_library_head_orders_a_report_and_reads_it_in_nynorsk(journey, vestland_project, tmp_path):
    """An on-demand report follows its reader's language: the Sogndal head (nynorsk by the county's standard)
    orders the month's report for Sogndal from the archive, downloads it and reads nynorsk in the PDF."""
    page = journey.page
    journey.login("biblioteksjef.sogndal@demo.fremdrift.no", DEMO_PASSWORD)
    page.get_by_role("link", name="Rapportar", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Lag ein rapport no").click()
    page.wait_for_load_state()
    journey.scan("nn-report-request")
    page.get_by_role("combobox", name=re.compile(r"^Rapport")).select_option(label="Kommunerapport")
    page.get_by_label("Månad").fill(timezone.localdate().strftime("%Y-%m"))
    page.get_by_role("button", name="Lag rapporten").click()
    page.wait_for_load_state()
    journey.scan("nn-report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned PDF").click()
    path = tmp_path / "rapport.pdf"
    download_info.value.save_as(path)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))
    assert "Månadsrapport for Sogndal" in text
    assert "Forseinka milepælar" in text and "Lesestund i veka Sogndal" in text  # the late milestone
    assert "1 milepæl er forseinka (den eldste med 5 dagar)" in text  # the participant's health, in words
    for bokmal in (" ikke ", "Månedsrapport", " hvordan ", "Milepæler"):
        assert bokmal not in text
