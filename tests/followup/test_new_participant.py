"""A participant is assessed when it is created: the county's staff invite a municipality on the project's
page and the dashboard and the participant's page show its health with reasons, not green and "Beregnet –"."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Position
from planning import services as planning_services
from projects.models import Participant
from tests.factories import position
from tests.followup.helpers import active_project  # noqa: F401

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_municipality_invited_through_the_page_shows_its_computed_health(
    client, county, county_staff, active_project, municipality
):
    # The project needs a technical department that nobody in Tromsø fills: a reason from the first day.
    planning_services.set_required_positions(
        project=active_project, positions=[position(county, Position.Code.TECHNICAL)], by=county_staff
    )
    client.force_login(county_staff)
    response = client.post(
        reverse("projects:participant-invite", kwargs={"pk": active_project.pk}),
        {"municipalities": [municipality.pk]},
    )
    assert response.status_code == 302
    participant = Participant.objects.get(project=active_project, municipality=municipality)
    dashboard = _text(client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})))
    row = dashboard.split("Beregnet", 1)[1].split("Tilgjengelighetserklæring", 1)[0]
    assert row.startswith(" ▲ Gul Tromsø") and "Ingen i stillingen: Teknisk avdeling" in row
    assert timezone.localtime().strftime("%-d.%-m.%Y") in row and not row.strip().endswith("–")
    page = _text(client.get(participant.get_absolute_url()))
    assert "Ingen i stillingen: Teknisk avdeling" in page and "Beregnet –" not in page
