"""Journey of issue 11: the chief executive of Tromsø opens the archive and downloads the month's report."""

import pytest
from pypdf import PdfReader

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from demo.projects import seed_projects
from demo.reports import seed_reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    county = seed_places()
    seed_logins(county)
    seed_projects(county)
    seed_reports(county)
    return county


def test_chief_executive_downloads_the_months_report(journey, demo, tmp_path):
    page = journey.page
    journey.login("radmann.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    page.get_by_role("link", name="Rapporter", exact=True).click()
    page.wait_for_load_state()
    journey.scan("archive")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "Tromsø" in rows.first.inner_text() and "Kommunerapport" in rows.first.inner_text()
    rows.first.get_by_role("link", name="Kommunerapport", exact=True).click()
    page.wait_for_load_state()
    journey.scan("report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned PDF").click()
    path = tmp_path / "rapport.pdf"
    download_info.value.save_as(path)
    reader = PdfReader(path)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Månedsrapport for Tromsø" in text
    assert download_info.value.suggested_filename.startswith("manedsrapport-tromso-")
