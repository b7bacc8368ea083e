"""Evaluation results, TTT measurements and the lessons log as .xlsx, read back with openpyxl."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Lesson
from evaluations.services import answers as answers_services
from evaluations.services import lessons as lesson_services
from evaluations.services import measurements, rounds
from municipalities.models import Library
from projects.models import Measurement
from tests.evaluations.conftest import response_of, values

pytestmark = pytest.mark.django_db


def _workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _cells(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def answered(midterm, municipality, other_municipality, library_head, other_library_head):
    for place, head, given in [
        (municipality, library_head, (5, "Ja", ["Verksteder", "Besøk"], Decimal("10"), "yes", "=1+1 flere verksteder")),
        (other_municipality, other_library_head, (4, "Nei", ["Besøk"], Decimal("12.5"), "no", "Mer tid i Gáivuotna")),
    ]:
        response = response_of(midterm, place)
        answers_services.save_response(response=response, by=head, values=values(response, *given), submit=True)
    return midterm


def test_round_results_have_a_sheet_per_type_of_answer_and_a_summary(client, county_staff, answered):
    client.force_login(county_staff)
    workbook = _workbook(client.get(reverse("evaluations:round-export-xlsx", kwargs={"pk": answered.pk})))
    assert workbook.sheetnames == [
        "Svar – Fritekst",
        "Svar – Skala 1–5",
        "Svar – Enkeltvalg",
        "Svar – Flervalg",
        "Svar – Et tall",
        "Svar – Ja eller nei",
        "Oppsummering",
    ]
    scale = workbook["Svar – Skala 1–5"]
    assert [cell.value for cell in scale[1]] == ["Svarer", "Nr.", "Spørsmål", "Svar", "Sendt inn"]
    assert sorted((row[0], row[3]) for row in _cells(scale)[1:]) == [
        ("Gáivuotna - Kåfjord - Kaivuono", 4),
        ("Tromsø", 5),
    ]
    assert scale["D2"].data_type == "n" and scale["E2"].is_date and scale.freeze_panes == "A2"
    text = workbook["Svar – Fritekst"]
    assert text["D2"].data_type == "s" and "=1+1 flere verksteder" in [row[3] for row in _cells(text)]
    assert sorted(row[3] for row in _cells(workbook["Svar – Ja eller nei"])[1:]) == ["Ja", "Nei"]
    assert "Verksteder, Besøk" in [row[3] for row in _cells(workbook["Svar – Flervalg"])]
    summary = {row[1]: row for row in _cells(workbook["Oppsummering"])[1:]}
    assert summary["Hvor fornøyd er dere?"][3] == 2 and summary["Hvor fornøyd er dere?"][4] == 4.5
    assert summary["Timer brukt siste måned"][5:7] == [10, 12.5]
    assert "Ja: 1 (50,0 %)" in summary["Har dere kapasitet?"][7]


def test_round_results_are_the_county_staffs(client, library_head, answered):
    client.force_login(library_head)
    assert client.get(reverse("evaluations:round-export-xlsx", kwargs={"pk": answered.pk})).status_code == 404


def test_round_export_query_count_is_flat(client, county, county_staff, midterm, municipality, library_head):
    from accounts.models import Membership
    from projects import services as project_services
    from tests.factories import MunicipalityFactory, make_user

    client.force_login(county_staff)
    url = reverse("evaluations:round-export-xlsx", kwargs={"pk": midterm.pk})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(url).streaming_content)
        return len(captured)

    response = response_of(midterm, municipality)
    answers_services.save_response(
        response=response, by=library_head, values=values(response, 3, "Ja", [], None, "yes", "x"), submit=True
    )
    small = queries()
    for i in range(4):
        place = MunicipalityFactory(county=county, number=f"55{i + 60}")
        head = make_user(Membership.Role.LIBRARY_HEAD, municipality=place)
        project_services.invite_participants(project=midterm.project, municipalities=[place], by=county_staff)
        rounds.ask_new_participants(round=midterm, by=county_staff)
        found = response_of(midterm, place)
        answers_services.save_response(
            response=found, by=head, values=values(found, 4, "Nei", ["Besøk"], 5, "no", "y"), submit=True
        )
    assert queries() == small


@pytest.fixture
def ttt(active_project, county_staff, municipality, other_municipality):
    today = timezone.localdate()
    indicator = measurements.save_ttt_indicator(project=active_project, by=county_staff, name="Besøk", unit="per uke")
    Library.objects.create(municipality=other_municipality, name="Gáivuotna girjerádju", is_main=True)
    for library, value in [(municipality.libraries.get(), "120.5"), (other_municipality.libraries.get(), "40")]:
        Measurement.objects.create(
            indicator=indicator,
            library=library,
            period="before",
            measured_on=today - timedelta(days=10),
            value=Decimal(value),
            note="=SUM(A1)",
        )
    return indicator


def test_ttt_export_holds_the_values_the_reader_may_read(client, county_staff, library_head, active_project, ttt):
    url = reverse("evaluations:ttt-export-xlsx", kwargs={"pk": active_project.pk})
    client.force_login(county_staff)
    sheet = _workbook(client.get(url))["Før og etter"]
    rows = _cells(sheet)
    assert rows[0][:4] == ["Indikator", "Enhet", "Kommune", "Bibliotek"]
    assert {row[3] for row in rows[1:]} == {"Tromsø bibliotek og byarkiv", "Gáivuotna girjerádju"}
    tromso = next(row for row in sheet.iter_rows(min_row=2) if row[2].value == "Tromsø")
    assert tromso[6].value == 120.5 and tromso[5].is_date and tromso[7].data_type == "s"
    client.force_login(library_head)
    rows = _cells(_workbook(client.get(url))["Før og etter"])
    assert [row[2] for row in rows[1:]] == ["Tromsø"]
    assert "Gáivuotna" not in str(rows)


def test_lessons_export_is_the_logs_selection(client, county, county_staff, active_project):
    first = lesson_services.save_lesson(
        project=active_project,
        by=county_staff,
        section=Lesson.Section.choices[0][0],
        text="@Start tidlig",
        kind="other",
    )
    lesson_services.save_lesson(
        project=active_project, by=county_staff, section=Lesson.Section.choices[1][0], text="Ikke med", kind="other"
    )
    client.force_login(county_staff)
    url = reverse("evaluations:lessons-export-xlsx", kwargs={"number": county.number})
    sheet = _workbook(client.get(url, {"id": [first.pk]}))["Erfaringer"]
    rows = _cells(sheet)
    assert len(rows) == 2 and rows[1][1] == "@Start tidlig" and sheet["B2"].data_type == "s"
    assert rows[1][2] == active_project.title and sheet["F2"].is_date
    assert len(_cells(_workbook(client.get(url))["Erfaringer"])) == 3
    page = client.get(reverse("evaluations:lessons-log", kwargs={"number": county.number})).content.decode()
    assert url in page
