"""The milestone timeline (issue 22): the SVG read back as XML, its table, municipal scope, queries."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from documents.charts import TimelineMark, TimelineRow, timeline_chart
from followup.models import Milestone
from followup.timeline import project_timeline
from projects import services
from tests.followup.helpers import active_project, other_participant, participant  # noqa: F401

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _svg(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def _row_labels(svg) -> list[str]:
    """The row names in order (a shortened name carries the whole one in its <title>)."""
    names = []
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "fd-timeline-row":
            text = g.find(f"{SVG}text")
            whole = text.find(f"{SVG}title")
            names.append(whole.text if whole is not None else text.text)
    return names


def _marks(svg) -> dict:
    """Each mark's title → the class of its status mark and whether it shows an original date."""
    found = {}
    for g in svg.iter(f"{SVG}g"):
        if "fd-timeline-mark" not in (g.get("class") or ""):
            continue
        shapes = {child.get("class") for child in g if child.get("class")}
        found[g.find(f"{SVG}title").text] = shapes
    return found


def _milestone(project, participant, name, *, planned, original=None, status="not_started", completed=None):
    return Milestone.objects.create(
        project=project,
        participant=participant,
        name=name,
        planned_on=planned,
        original_planned_on=original or planned,
        status=status,
        completed_on=completed,
    )


def test_the_chart_draws_rows_shapes_moves_and_today():
    today = date(2026, 3, 15)
    rows = [
        TimelineRow("Hele prosjektet", [TimelineMark("Oppstart", date(2026, 1, 10), "done", "Ferdig")]),
        TimelineRow(
            "Tromsø",
            [
                TimelineMark(
                    "Romplan", date(2026, 3, 1), "late", "Pågår, forsinket", original_on=date(2026, 2, 1), delay_days=14
                ),
                TimelineMark("Åpning", date(2026, 6, 1), "coming", "Ikke startet", url="/m/3/"),
            ],
        ),
    ]
    with translation.override("nb"):
        chart = timeline_chart(title="Tidslinje", rows=rows, today=today, row_heading="Deltaker", chart_id="t")
    svg = _svg(chart)
    assert svg.get("aria-label") == "Tidslinje"
    assert svg.find(f"{SVG}title").text == "Tidslinje"
    assert _row_labels(svg) == ["Hele prosjektet", "Tromsø"]
    marks = _marks(svg)
    oppstart = next(shapes for title, shapes in marks.items() if "Oppstart" in title)
    romplan = next(shapes for title, shapes in marks.items() if "Romplan" in title)
    apning = next(shapes for title, shapes in marks.items() if "Åpning" in title)
    assert "fd-mark-done" in oppstart and "fd-mark-original" not in oppstart
    assert {"fd-mark-late", "fd-mark-original", "fd-timeline-moved"} <= romplan
    assert "fd-mark-coming" in apning
    # Done is a circle, late a diamond (polygon), coming a hollow circle.
    tags = {
        g.get("class").split()[-1]: [c.tag for c in g]
        for g in svg.iter(f"{SVG}g")
        if "fd-timeline-mark" in (g.get("class") or "")
    }
    assert f"{SVG}polygon" in tags["fd-timeline-late"]
    link = next(svg.iter(f"{SVG}a"))
    assert link.get("href") == "/m/3/" and "Åpning" in link.get("aria-label")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "I dag" in texts and "jan" in texts and "2026" in texts
    assert any(line.get("class") == "fd-timeline-today" for line in svg.iter(f"{SVG}line"))
    table = str(chart.table)
    assert "Romplan" in table and "1.3.2026" in table and "1.2.2026" in table and "14 dager" in table
    assert "Pågår, forsinket" in table


def test_project_timeline_rows_and_data_table(client, county_staff, active_project, participant, other_participant):
    today = timezone.localdate()
    _milestone(
        active_project,
        None,
        "Oppstartsmøte",
        planned=today - timedelta(days=40),
        status="done",
        completed=today - timedelta(days=40),
    )
    _milestone(
        active_project, participant, "Romplan", planned=today - timedelta(days=5), original=today - timedelta(days=35)
    )
    _milestone(active_project, other_participant, "Luking", planned=today + timedelta(days=20))
    client.force_login(county_staff)
    url = reverse("projects:project-section", kwargs={"pk": active_project.pk, "section": "tidslinje"})
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))
    assert _row_labels(svg) == ["Hele prosjektet", "Gáivuotna - Kåfjord - Kaivuono", "Tromsø"]
    assert 'tabindex="0" role="region"' in html and "<details" in html
    assert "Forsinket" in html or "forsinket" in html
    assert (
        reverse(
            "followup:milestone-detail",
            kwargs={"pk": active_project.pk, "milestone_pk": Milestone.objects.get(name="Romplan").pk},
        )
        in html
    )


def test_a_municipal_user_sees_their_own_row_and_the_whole_project(
    client, library_head, active_project, participant, other_participant
):
    today = timezone.localdate()
    _milestone(active_project, None, "Oppstartsmøte", planned=today)
    _milestone(active_project, participant, "Romplan", planned=today)
    _milestone(active_project, other_participant, "Hemmelig luking", planned=today)
    client.force_login(library_head)
    url = reverse("projects:project-section", kwargs={"pk": active_project.pk, "section": "tidslinje"})
    response = client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Oppstartsmøte" in html and "Romplan" in html and "Tromsø" in html
    assert "Gáivuotna" not in html and "Hemmelig luking" not in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [("county_staff", 200), ("library_head", 200), ("other_library_head", 404), ("outsider", 404), ("expert", 404)],
)
# The section goes through the project page's access helpers: those who read the project (here not the
# other municipality, which takes no part, nor an expert not attached to it, nor another county's staff).
def test_who_may_fetch_the_timeline_section(client, request, role, expected, active_project, participant):
    client.force_login(request.getfixturevalue(role))
    url = reverse("projects:project-section", kwargs={"pk": active_project.pk, "section": "tidslinje"})
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == expected


def test_the_section_reads_a_flat_number_of_queries(client, county_staff, active_project, county, participant):
    from tests.factories import MunicipalityFactory

    client.force_login(county_staff)
    url = reverse("projects:project-section", kwargs={"pk": active_project.pk, "section": "tidslinje"})

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
        return len(queries)

    _milestone(active_project, participant, "En", planned=timezone.localdate())
    small = count()
    more = [MunicipalityFactory(county=county, number=f"55{n:02}", name=f"Kommune {n}") for n in range(60, 66)]
    for one in services.invite_participants(project=active_project, municipalities=more, by=county_staff):
        for n in range(4):
            _milestone(active_project, one, f"M{n}", planned=timezone.localdate() + timedelta(days=30 * n))
    assert count() == small


def test_the_timeline_helper_scopes_without_a_request(library_head, active_project, participant, other_participant):
    _milestone(active_project, other_participant, "Andres", planned=timezone.localdate())
    chart = project_timeline(active_project, user=library_head)
    assert "Andres" not in str(chart.svg) and "Andres" not in str(chart.table)


def test_the_municipality_page_loads_a_timeline_of_its_projects(
    client, library_head, active_project, participant, other_participant
):
    today = timezone.localdate()
    _milestone(active_project, None, "Oppstartsmøte", planned=today)
    _milestone(active_project, participant, "Romplan", planned=today + timedelta(days=10))
    _milestone(active_project, other_participant, "Hemmelig luking", planned=today)
    client.force_login(library_head)
    page = client.get(participant.municipality.get_absolute_url()).content.decode()
    url = reverse("followup:municipality-timeline", kwargs={"number": participant.municipality.number})
    assert f'hx-get="{url}"' in page
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))
    assert _row_labels(svg) == ["Bibliotekrommet"]
    assert "Oppstartsmøte" in html and "Romplan" in html and "Hemmelig luking" not in html
    # Without JavaScript the same timeline is a page of its own.
    assert "Tidslinje: Tromsø" in client.get(url).content.decode()


def test_the_dashboard_loads_a_timeline_of_the_participants_it_lists(
    client, county_staff, county, active_project, participant, other_participant
):
    _milestone(active_project, participant, "Romplan", planned=timezone.localdate() - timedelta(days=3))
    client.force_login(county_staff)
    page = client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})).content.decode()
    url = reverse("followup:dashboard-timeline", kwargs={"number": county.number})
    assert f'hx-get="{url}"' in page
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))
    assert sorted(_row_labels(svg)) == sorted(
        ["Tromsø · Bibliotekrommet", "Gáivuotna - Kåfjord - Kaivuono · Bibliotekrommet"]
    )
    assert "fd-mark-late" in html and "Romplan" in html


def test_a_figure_without_links_is_an_image_and_one_with_links_a_group_of_them():
    today = date(2026, 3, 15)
    plain = [TimelineRow("Tromsø", [TimelineMark("Romplan", date(2026, 3, 1), "coming", "Ikke startet")])]
    linked = [TimelineRow("Tromsø", [TimelineMark("Romplan", date(2026, 3, 1), "coming", "Ikke startet", url="/m/")])]
    image = _svg(timeline_chart(title="A", rows=plain, today=today, row_heading="Deltaker"))
    group = _svg(timeline_chart(title="B", rows=linked, today=today, row_heading="Deltaker"))
    # The PDF's figure (no links) is one image; on a page its marks are links, which an image would hide.
    assert image.get("role") == "img" and image.get("aria-label") == "A"
    assert group.get("role") == "group" and group.get("aria-label") == "B"
    assert image.find(f"{SVG}desc") is None or image.get("aria-describedby")


def test_the_report_timeline_shows_a_milestone_done_after_the_month_as_still_open(
    active_project, participant, county_staff
):
    from followup.timeline import report_timeline

    _milestone(
        active_project,
        participant,
        "Romplan",
        planned=date(2026, 10, 10),
        status="done",
        completed=date(2026, 11, 5),
    )
    with translation.override("nb"):
        chart = report_timeline(active_project, on=date(2026, 10, 31))
    marks = _marks(_svg(chart))
    (shapes,) = [s for title, s in marks.items() if "Romplan" in title]
    assert "fd-mark-late" in shapes
    assert "<a " not in str(chart.svg) and "21 dager" in str(chart.table)


def test_the_municipality_timeline_reads_a_flat_number_of_queries(client, library_head, county, county_staff, theme):
    from datetime import date as day

    from tests.conftest import make_active
    from tests.factories import MunicipalityFactory

    tromso = library_head.memberships.first().municipality
    client.force_login(library_head)
    url = reverse("followup:municipality-timeline", kwargs={"number": tromso.number})

    def add_project(n):
        project = make_active(
            services.create_project(
                county=county,
                by=county_staff,
                title=f"Prosjekt {n}",
                theme=theme,
                purpose="p",
                start_on=day(2026, 1, 1),
                end_on=day(2027, 1, 1),
            )
        )
        other = MunicipalityFactory(county=county, number=f"57{n:02}", name=f"Kommune {n}")
        own, theirs = services.invite_participants(project=project, municipalities=[tromso, other], by=county_staff)
        for k in range(3):
            _milestone(project, own, f"Egen {n}-{k}", planned=day(2026, 2 + k, 1))
            _milestone(project, theirs, f"Andres {n}-{k}", planned=day(2026, 2 + k, 1))
            _milestone(project, None, f"Felles {n}-{k}", planned=day(2026, 3 + k, 1))

    def count():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "Andres" not in html and "Felles" in html and "Egen" in html
        return len(queries)

    add_project(1)
    small = count()
    for n in range(2, 6):
        add_project(n)
    assert count() == small
