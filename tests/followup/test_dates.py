"""Dates that make sense: the milestone and visit forms refuse what cannot be right, with the reason
on the date field, in Norwegian; a milestone outside the project's period is saved once the user
confirms that it really is so."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Milestone, Visit
from tests.followup.helpers import active_project, participant  # noqa: F401

pytestmark = pytest.mark.django_db


def _errors(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def test_a_milestone_after_the_project_ends_is_refused_until_confirmed(client, active_project, county_staff):
    client.force_login(county_staff)
    url = reverse("followup:milestone-create", kwargs={"pk": active_project.pk})
    after_end = active_project.end_on + timedelta(days=30)
    data = {"name": "Sluttrapport levert", "planned_on": after_end.isoformat()}
    refused = client.post(url, data)
    assert refused.status_code == 200 and not Milestone.objects.exists()
    [error] = _errors(refused, "planned_on")
    assert "Prosjektet varer fra 1.1.2026 til 30.6.2027" in error
    page = refused.content.decode()
    assert 'type="checkbox" name="outside_period_confirmed"' in page and "Ja, dette er riktig" in page
    assert 'value="Sluttrapport levert"' in page  # nothing typed is lost
    saved = client.post(url, data | {"outside_period_confirmed": "on"})
    assert saved.status_code == 302
    assert Milestone.objects.get().planned_on == after_end


def test_a_milestone_before_the_project_starts_is_refused(client, active_project, county_staff):
    client.force_login(county_staff)
    url = reverse("followup:milestone-create", kwargs={"pk": active_project.pk})
    refused = client.post(url, {"name": "Oppstart", "planned_on": "2025-12-01"})
    assert refused.status_code == 200 and "Prosjektet varer fra" in " ".join(_errors(refused, "planned_on"))
    assert not Milestone.objects.exists()
    inside = client.post(url, {"name": "Oppstart", "planned_on": "2026-02-01"})
    assert inside.status_code == 302  # a date in the period needs no confirmation
    first_page = client.get(url).content.decode()
    assert 'type="checkbox" name="outside_period_confirmed"' not in first_page


def _visit(client, project, participant, day, status):
    return client.post(
        reverse("followup:visit-create", kwargs={"pk": project.pk}),
        {
            "participant": participant.pk,
            "planned_on": day.isoformat(),
            "status": status,
            "purpose": "Oppstartsbesøk",
        },
    )


def test_a_done_visit_cannot_be_in_the_future_or_before_the_project(client, active_project, participant, county_staff):
    client.force_login(county_staff)
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = _visit(client, active_project, participant, tomorrow, Visit.Status.DONE)
    assert future.status_code == 200
    assert "kan ikke ha en dato fram i tid" in " ".join(_errors(future, "planned_on"))
    before = _visit(client, active_project, participant, active_project.start_on - timedelta(days=1), Visit.Status.DONE)
    assert "Prosjektet startet 1.1.2026" in " ".join(_errors(before, "planned_on"))
    assert not Visit.objects.exists()
    planned = _visit(client, active_project, participant, tomorrow, Visit.Status.PLANNED)
    assert planned.status_code == 302 and Visit.objects.get().planned_on == tomorrow
