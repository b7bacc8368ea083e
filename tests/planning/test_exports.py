"""The project list and the budgets as .xlsx, read back with openpyxl: every column a county reports on,
money as kroner numbers, shares as percentages; a municipality's users get their own projects, and
money and health of their own participation only; the CSV has the same columns; query counts are flat."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup.services import milestones
from planning import services as planning_services
from projects import services
from projects.models import Participant
from tests.conftest import make_active

pytestmark = pytest.mark.django_db
D = Decimal
LIST_URL = reverse("projects:project-export-xlsx")


def _workbook(response):
    assert response.status_code == 200, response
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _budget(participant, staff, grant, cash, hours=0, rate=500, share=40):
    return planning_services.save_budget(
        participant=participant,
        by=staff,
        county_grant=D(grant),
        required_local_share=D(share),
        local_cash=D(cash),
        local_inkind_hours=D(hours),
        hourly_rate=D(rate),
    )


@pytest.fixture
def money(project, county_staff, municipality, other_municipality):
    tromso, gaivuotna = services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    make_active(project)
    _budget(tromso, county_staff, "60000", "30000", hours=20, rate=500)  # local 40 000: 40 %
    planning_services.release_grant(participant=tromso, amount=D("25000"), by=county_staff)
    _budget(gaivuotna, county_staff, "100000", "80000")
    milestones.save_milestone(
        project=project,
        by=county_staff,
        name="Sen",
        participant=gaivuotna,
        planned_on=timezone.localdate() - timedelta(days=4),
    )
    milestones.save_milestone(
        project=project, by=county_staff, name="Felles sen", planned_on=timezone.localdate() - timedelta(days=2)
    )
    Participant.objects.filter(pk=gaivuotna.pk).update(health=Participant.Health.RED)
    Participant.objects.filter(pk=tromso.pk).update(health=Participant.Health.YELLOW)
    return tromso, gaivuotna


def _row(sheet, title):
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == title:
            return {name: cell for name, cell in zip(header, row, strict=True)}
    raise AssertionError(f"{title} not in the sheet")


def test_staff_project_list_has_money_leverage_late_milestones_and_health(client, county_staff, project, money):
    client.force_login(county_staff)
    workbook = _workbook(client.get(LIST_URL))
    assert workbook.sheetnames == ["Prosjekter"]
    sheet = workbook["Prosjekter"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P2"
    row = _row(sheet, "Bibliotekrommet")
    assert row["Status"].value == "Aktiv" and row["Start"].is_date and row["Start"].number_format == "dd.mm.yyyy"
    assert row["Deltakere"].value == 2
    assert row["Deltakende kommuner"].value == "Gáivuotna - Kåfjord - Kaivuono, Tromsø"
    assert row["Tilskudd fra fylket"].value == 160000 and row["Tilskudd fra fylket"].number_format == '#,##0 "kr"'
    assert row["Utbetalt"].value == 25000 and row["Lokale midler"].value == 120000
    assert row["Lokale kroner per fylkeskrone"].value == 0.75
    assert row["Forsinkede milepæler"].value == 2
    assert row["Helse"].value == "Rød"
    assert row["Andel av perioden som har gått"].number_format == "0.0 %"
    assert 0 <= row["Andel av perioden som har gått"].value <= 1


def test_a_library_heads_project_list_has_only_their_money_and_health(client, library_head, project, money):
    client.force_login(library_head)
    sheet = _workbook(client.get(LIST_URL))["Prosjekter"]
    assert sheet.max_row == 2
    row = _row(sheet, "Bibliotekrommet")
    assert row["Tilskudd fra fylket"].value == 60000 and row["Utbetalt"].value == 25000
    assert row["Lokale midler"].value == 40000 and row["Lokale kroner per fylkeskrone"].value == 0.67
    assert row["Helse"].value == "Gul"  # Tromsø's, not the other municipality's red
    assert row["Forsinkede milepæler"].value == 1  # the whole project's; not Gáivuotna's own


def test_the_csv_has_the_same_columns(client, county_staff, project, money):
    client.force_login(county_staff)
    text = client.get(reverse("projects:project-export")).content.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(";") == [cell.value for cell in _workbook(client.get(LIST_URL))["Prosjekter"][1]]
    cells = row.split(";")
    assert cells[0] == "Bibliotekrommet" and cells[4] == "01.01.2026" and cells[8].endswith(" %")
    assert [D(cell.replace(",", ".")) for cell in cells[10:14]] == [D("160000"), D("25000"), D("120000"), D("0.75")]
    assert cells[14:] == ["2", "Rød"]


def test_the_project_list_links_both_exports(client, county_staff):
    client.force_login(county_staff)
    page = client.get(reverse("projects:project-list"), {"status": "active"}).content.decode()
    assert f"{LIST_URL}?status=active" in page and "Eksporter til Excel" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get(url).streaming_content)
    return len(queries)


def _more_projects(county, staff, theme, municipality, n, start):
    for i in range(start, start + n):
        project = services.create_project(
            county=county,
            by=staff,
            title=f"Prosjekt {i}",
            theme=theme,
            purpose="p",
            start_on=timezone.localdate() - timedelta(days=30),
            end_on=timezone.localdate() + timedelta(days=300),
        )
        (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=staff)
        _budget(participant, staff, "1000", "500")


def test_project_list_query_count_is_flat(client, county, county_staff, theme, municipality):
    client.force_login(county_staff)
    _more_projects(county, county_staff, theme, municipality, 2, 0)
    small = _queries(client, LIST_URL)
    _more_projects(county, county_staff, theme, municipality, 12, 2)
    assert _queries(client, LIST_URL) == small


def test_budget_export_per_participant(client, county_staff, project, money):
    client.force_login(county_staff)
    url = reverse("planning:budget-export-xlsx", kwargs={"pk": project.pk})
    sheet = _workbook(client.get(url))["Budsjetter"]
    tromso = _row(sheet, "Tromsø")
    assert tromso["Tilskudd fra fylket"].value == 60000 and tromso["Gjenstår å utbetale"].value == 35000
    assert tromso["Verdi av lokal egeninnsats"].value == 10000
    assert tromso["Lokal andel"].value == 0.4 and tromso["Lokal andel"].number_format == "0.0 %"
    assert _row(sheet, "Gáivuotna - Kåfjord - Kaivuono")["Tilskudd fra fylket"].value == 100000


def test_a_library_heads_budget_export_is_their_own(client, library_head, other_library_head, project, money):
    url = reverse("planning:budget-export-xlsx", kwargs={"pk": project.pk})
    client.force_login(library_head)
    sheet = _workbook(client.get(url))["Budsjetter"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Tromsø"]
    client.force_login(other_library_head)
    sheet = _workbook(client.get(url))["Budsjetter"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Gáivuotna - Kåfjord - Kaivuono"]


def test_budget_export_query_count_is_flat(client, county, county_staff, project):
    from tests.factories import MunicipalityFactory

    client.force_login(county_staff)
    url = reverse("planning:budget-export-xlsx", kwargs={"pk": project.pk})

    def add(n, start):
        places = [MunicipalityFactory(county=county, number=f"55{i + 10}") for i in range(start, start + n)]
        for participant in services.invite_participants(project=project, municipalities=places, by=county_staff):
            _budget(participant, county_staff, "1000", "700")

    add(2, 0)
    small = _queries(client, url)
    add(10, 2)
    assert _queries(client, url) == small


def test_a_library_head_finds_the_budget_export_on_their_participant_page(client, library_head, project, money):
    tromso, _gaivuotna = money
    client.force_login(library_head)
    page = client.get(tromso.get_absolute_url()).content.decode()
    assert reverse("planning:budget-export-xlsx", kwargs={"pk": project.pk}) in page
