"""Journey of issue 24: county staff hand a project's sealed agreements and reports to the archive. From the
project page they open Arkivuttrekk, make the extract of the project, see it finish (tasks run in-process
here, as without a broker), download the .tar and it holds an arkivstruktur.xml the National Archives'
schema accepts. The pages also work on a 320 px wide phone: nothing wider than the screen but the table,
which scrolls inside a labelled region that a keyboard can reach."""

import io
import os
import re
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from archive.extract import N5, SCHEMA_DIR
from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.agreements import seed_agreements
from demo.municipalities import seed_places
from demo.projects import ROOM_PROJECT, seed_projects
from demo.reports import seed_reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots of the pages at both widths, to look at (the journey also keeps them with the others).
SHOTS = Path(os.environ.get("FREMDRIFT_SHOTS", "var/screenshots/archive"))
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def demo(transactional_db):
    county = seed_places()
    seed_logins(county)
    seed_projects(county)
    seed_agreements(county)
    seed_reports(county)
    return county


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits_320(journey, name):
    """At 320 px the page itself does not scroll sideways, and axe finds nothing serious there either."""
    page = journey.page
    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    journey.settle()
    assert page.evaluate(PAGE_OVERFLOW) <= 0, f"{name}: the page is wider than 320 px"
    _shot(page, f"{name}-320")
    journey.scan(f"{name}-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    journey.settle()


def test_county_staff_make_and_download_a_projects_archive_extract(journey, demo, tmp_path):
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 900})
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)

    # The county page offers it among the county's tools.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Troms", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Avlever avtaler og rapporter til arkivet (Noark 5)").is_visible()

    # From the project's page: the extract of that project.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Prosjekter", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=ROOM_PROJECT, exact=True).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Arkivuttrekk av prosjektet (Noark 5)").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Arkivuttrekk", exact=True).is_visible()
    assert page.get_by_text("Arkivskaper: Troms fylkeskommune (817920632).").is_visible()
    assert page.get_by_label("Ett prosjekt: alle forseglede avtaler og alle månedsrapporter").is_checked()
    assert page.get_by_label("Prosjekt", exact=True).locator("option:checked").inner_text() == ROOM_PROJECT
    _shot(page, "list-empty-1280")
    journey.scan("list-empty")
    _fits_320(journey, "list-empty")

    page.get_by_role("button", name="Lag uttrekket").click()
    page.wait_for_load_state()
    assert page.get_by_text("Uttrekket er bestilt.").is_visible()
    status = page.locator("#export-status")
    status.get_by_role("link", name="Last ned uttrekket (.tar)").wait_for()
    text = re.sub(r"\s+", " ", status.inner_text())
    assert re.search(r"Laget \d{1,2}\.\d{1,2}\.\d{4} \d\d:\d\d\.", text), text
    # Tromsø's and Harstad's sealed versions and the project's reports, each counted in good Norwegian.
    assert re.fullmatch(r"1 mappe, \d+ registreringer, \d+ dokumenter", status.locator("[data-counts]").inner_text())
    assert re.search(r"\(\d+(,\d)? (KB|MB)\)", text), text  # the size in units a person reads
    sha256 = status.locator("[data-sha256]").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", sha256)
    _shot(page, "detail-1280")
    journey.scan("detail")
    _fits_320(journey, "detail")

    with page.expect_download() as download_info:
        status.get_by_role("link", name="Last ned uttrekket (.tar)").click()
    download = download_info.value
    assert re.fullmatch(r"noark5-prosjekt-\d+-\d+\.tar", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256  # the file is the one the page vouches for
    with tarfile.open(path) as tar:
        [member] = [m for m in tar.getmembers() if m.name.endswith("/arkivstruktur.xml")]
        structure = etree.parse(io.BytesIO(tar.extractfile(member).read()))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "arkivstruktur.xsd")))
    assert schema.validate(structure), [str(error) for error in schema.error_log][:5]
    assert structure.findtext(f"{{{N5}}}arkivdel/{{{N5}}}mappe/{{{N5}}}tittel") == ROOM_PROJECT

    # The list: the extract with its date, status and size; the table scrolls inside a labelled region.
    page.get_by_role("navigation", name="Brødsmulesti").get_by_role("link", name="Arkivuttrekk").click()
    page.wait_for_load_state()
    region = page.get_by_role("region", name="Uttrekk som er laget")
    assert region.get_attribute("tabindex") == "0"
    row = region.locator("tbody tr").first
    cells = [re.sub(r"\s+", " ", c) for c in row.locator("td").all_inner_texts()]
    assert re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4} \d\d:\d\d", cells[0]), cells
    assert cells[1:3] == [ROOM_PROJECT, "Klar"], cells
    assert re.fullmatch(r"\d+(,\d)? (KB|MB)", cells[3]), cells
    _shot(page, "list-1280")
    journey.scan("list")
    _fits_320(journey, "list")
