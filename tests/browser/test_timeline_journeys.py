"""Journey of issue 22: county staff open the project page's timeline, which passes axe, scrolls inside its
own region at 320 px (the page does not), and opens a milestone when one is clicked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from followup.services import milestones
from municipalities.models import Municipality
from planning.standard_kits import install_standard_kits
from projects import services
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def timeline_project(transactional_db):
    county = seed_places()
    users = seed_logins(county)
    install_standard_kits(county)
    staff = users["fylke@demo.fremdrift.no"]
    today = timezone.localdate()
    project = services.create_project(
        county=county,
        by=staff,
        title="Bibliotekrom i Troms",
        theme=county.themes.get(code="library_rooms"),
        purpose="Et bedre rom.",
        start_on=today - timedelta(days=60),
        end_on=today + timedelta(days=300),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    tromso, harstad = services.invite_participants(
        project=project, municipalities=list(Municipality.objects.filter(number__in=["5501", "5503"])), by=staff
    )
    milestones.save_milestone(project=project, by=staff, name="Oppstartsmøte", planned_on=today + timedelta(days=5))
    late = milestones.save_milestone(
        project=project, by=staff, name="Romplan", participant=tromso, planned_on=today - timedelta(days=40)
    )
    milestones.save_milestone(
        project=project,
        by=staff,
        milestone=late,
        name="Romplan",
        participant=tromso,
        planned_on=today - timedelta(days=10),
    )
    milestones.save_milestone(
        project=project, by=staff, name="Luking", participant=harstad, planned_on=today + timedelta(days=90)
    )
    return project, late


def test_staff_read_the_timeline_on_a_phone_and_open_a_milestone(journey, timeline_project):
    project, late = timeline_project
    page = journey.page
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())
    figure = page.locator("#section-tidslinje figure")
    figure.wait_for()
    assert page.locator("#section-tidslinje svg .fd-timeline-row .fd-mark-late").count() == 1
    assert page.locator("#section-tidslinje svg .fd-timeline-row .fd-mark-original").count() >= 1
    journey.scan("timeline")

    page.set_viewport_size({"width": 320, "height": 640})
    journey.settle()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    region = page.locator("#section-tidslinje .fd-timeline-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert page.evaluate(
        "() => { const r = document.querySelector('#section-tidslinje .fd-timeline-scroll');"
        " return r.scrollWidth > r.clientWidth; }"
    ), "the wide figure scrolls inside its region"
    journey.scan("timeline-320")

    page.locator("#section-tidslinje details summary").click()
    assert page.locator("#section-tidslinje details table").get_by_text("Romplan").is_visible()

    link = page.locator("#section-tidslinje svg a", has=page.locator(".fd-mark-late"))
    link.scroll_into_view_if_needed()
    link.click()
    journey.settle()
    assert f"/milepaeler/{late.pk}/" in page.url
    assert page.get_by_role("heading", name="Romplan").count() >= 1


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_legend_of_a_short_project_s_timeline_is_not_cut_off(browser, language):
    """A project of one or two months draws a narrow plot; its legend ("Opphavleg planlagd" last) was cut off
    at the figure's edge. Drawn by Chromium: every legend text ends inside the figure."""
    from django.utils import translation

    from documents.charts import TimelineMark, TimelineRow, timeline_chart

    today = timezone.localdate()
    with translation.override(language):
        chart = timeline_chart(
            title="Kort prosjekt",
            description="Ein månad",
            rows=[TimelineRow("Sogndal", [TimelineMark("Opning", today, "coming", "Kommande")])],
            today=today,
            row_heading="Deltakar",
            chart_id="short",
        )
    page = browser.new_page()
    try:
        page.set_content(f"<!DOCTYPE html><html><body style='margin:0'>{chart.svg}</body></html>")
        cut = page.evaluate(
            """() => { const svg = document.querySelector('svg'); const width = svg.viewBox.baseVal.width;
              return [...svg.querySelectorAll('.fd-chart-legend text')]
                .filter(t => { const box = t.getBBox(); return box.x + box.width > width; })
                .map(t => t.textContent); }"""
        )
    finally:
        page.close()
    assert cut == []
