"""Late means late: one lateness (against the current due date) and one slippage (how far the plan
moved), the same on the milestone page, the plan, the participant page and the dashboard."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup import health
from followup.lateness import is_late, lateness, slippage
from followup.models import Milestone
from followup.services import milestones
from tests.followup.helpers import active_project, late_milestone, participant  # noqa: F401

pytestmark = pytest.mark.django_db
DUE = date(2026, 10, 10)


def _milestone(**fields):
    return Milestone(**{"name": "m", "planned_on": DUE, "original_planned_on": date(2026, 9, 30), **fields})


def test_lateness_is_against_the_current_due_date_and_slippage_against_the_original_plan():
    open_one = _milestone()
    assert lateness(open_one, on=date(2026, 10, 31)) == 21 and is_late(open_one, on=date(2026, 10, 31))
    assert lateness(open_one, on=date(2026, 10, 5)) == 0 and not is_late(open_one, on=date(2026, 10, 5))
    assert slippage(open_one) == 10 == open_one.slippage_days
    done_late = _milestone(status="done", completed_on=date(2026, 10, 14))
    assert lateness(done_late, on=date(2026, 12, 1)) == 4 and not is_late(done_late, on=date(2026, 12, 1))
    assert lateness(done_late, on=date(2026, 10, 31)) == 4
    done_in_time = _milestone(status="done", completed_on=date(2026, 10, 1))
    assert lateness(done_in_time, on=date(2026, 12, 1)) == 0
    assert lateness(_milestone(status="skipped", skip_reason="x"), on=date(2026, 12, 1)) == 0
    assert slippage(_milestone(planned_on=date(2026, 9, 25))) == -5  # moved earlier


def test_a_milestone_done_after_the_day_asked_about_was_open_then():
    done_later = _milestone(status="done", completed_on=date(2026, 11, 20))
    assert lateness(done_later, on=date(2026, 10, 31)) == 21 and is_late(done_later, on=date(2026, 10, 31))
    assert lateness(done_later, on=date(2026, 12, 1)) == 41


def test_an_overdue_milestone_that_was_never_moved_shows_its_real_delay(
    client, active_project, participant, county_staff
):
    milestone = late_milestone(active_project, participant, county_staff, days=37)
    client.force_login(county_staff)
    page = client.get(
        reverse("followup:milestone-detail", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk})
    ).content.decode()
    assert 'Forsinkelse</dt><dd class="col-sm-9">37 dager' in page
    assert 'Flyttet</dt><dd class="col-sm-9">0 dager' in page
    assert "Forsinket 37 dager" in page
    plan = client.get(reverse("followup:milestone-list", kwargs={"pk": active_project.pk})).content.decode()
    assert '<td class="text-end">37</td>' in plan and "Forsinkelse (dager)" in plan and "Flyttet (dager)" in plan
    participant_page = client.get(participant.get_absolute_url()).content.decode()
    assert "Forsinket 37 dager" in participant_page


def test_the_dashboard_says_how_late_in_words(client, county, active_project, participant, county_staff):
    late_milestone(active_project, participant, county_staff, days=37)
    late_milestone(active_project, participant, county_staff, days=3, name="Innkjøp")
    health.recompute(participant)
    client.force_login(county_staff)
    page = client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})).content.decode()
    assert "2 milepæler er forsinket (den eldste med 37 dager)" in page
    assert "{&#x27;" not in page and "overdue" not in page.split("<main", 1)[-1]


def test_moving_a_milestone_is_slippage_finishing_late_is_lateness(active_project, participant, county_staff):
    milestone = milestones.save_milestone(
        project=active_project, by=county_staff, name="Åpning", participant=participant, planned_on=date(2026, 9, 1)
    )
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        milestone=milestone,
        name="Åpning",
        participant=participant,
        planned_on=date(2026, 10, 15),
    )
    milestones.set_milestone_status(
        milestone=milestone, by=county_staff, status="done", completed_on=date(2026, 10, 25)
    )
    milestone.refresh_from_db()
    assert slippage(milestone) == 44 and lateness(milestone, on=timezone.localdate() + timedelta(days=100)) == 10
