"""The follow-up dashboard below the menu is kept in the shared cache (shell.freshness.kept): each
reader's own, per county, language, filter and page, and anew as soon as the data changes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Participant, Project
from tests.factories import MunicipalityFactory, make_user
from tests.followup.test_views import _bulk_participants

pytestmark = pytest.mark.django_db


def _main(client, url, **kwargs) -> tuple[int, str, int]:
    """(status, the text of <main>, queries)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")] if "<main" in html else ""
    return response.status_code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)), len(queries)


def test_each_county_and_language_gets_its_own_dashboard_and_a_change_shows_at_once(
    client, county, other_county, county_staff, theme, municipality, library_head
):
    ours = _bulk_participants(county, county_staff, theme, municipality, 3, with_milestones=False)
    other_staff = make_user("county_staff", county=other_county, email="nabo@example.no", name="Nils Nabofylke")
    theirs = _bulk_participants(
        other_county, other_staff, theme, MunicipalityFactory(county=other_county, number="5699"), 1
    )
    Project.objects.filter(pk=theirs[0].project_id).update(title="Nabofylkets prosjekt")
    theirs[0].project.refresh_from_db()
    url = reverse("followup:followup-dashboard", kwargs={"number": county.number})
    client.force_login(county_staff)
    status, first, made = _main(client, url)
    again = _main(client, url)
    assert status == 200 and again[1] == first and again[2] < made  # kept: fewer queries, the same page
    assert ours[0].project.title in first and theirs[0].project.title not in first
    english = _main(client, url, HTTP_ACCEPT_LANGUAGE="en")[1]
    assert "Participants in active projects" in english and "Deltakere i aktive prosjekter" in first
    red = _main(client, url, data={"health": "red"})[1]
    assert red != first and "Rød" in red

    # Another county's staff, with that county's address, gets theirs; with ours, nothing of ours.
    client.force_login(other_staff)
    theirs_url = reverse("followup:followup-dashboard", kwargs={"number": other_county.number})
    assert theirs[0].project.title in _main(client, theirs_url)[1]
    assert _main(client, url)[0] == 404
    client.force_login(library_head)
    assert _main(client, url)[0] == 404  # the library head, after staff's page was kept

    client.force_login(county_staff)
    counts = re.search(r"Rød: \d+ · Gul: \d+ · Grønn: \d+", first)[0]
    Participant.objects.filter(project__county=county).update(health=Participant.Health.GREEN)  # as a recompute
    now = _main(client, url)[1]
    assert counts not in now and f"Rød: 0 · Gul: 0 · Grønn: {len(ours)}" in now
