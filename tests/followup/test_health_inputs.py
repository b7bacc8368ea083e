"""Every input of participant health, changed through the service (or page) a user changes it with:
the stored level and its reasons are right as soon as the change is saved, with no recomputation by
hand and no night run in between.

The first four are the cases issue 16 measured as wrong until the night run."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from evaluations import services as evaluation_services
from followup.health import describe_reason
from followup.models import Milestone, Visit
from followup.services import meetings, milestones, progress, visits
from municipalities.models import Contact, Position
from planning import services as planning_services
from projects import services as project_services
from projects.models import Participant, Project
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, late_milestone, participant  # noqa: F401

pytestmark = pytest.mark.django_db

Health = Participant.Health


def stored(participant) -> tuple[str, dict[str, str]]:
    """The participant's stored level and its reasons ({code: text as the dashboard shows it})."""
    participant.refresh_from_db()
    return participant.health, {reason["code"]: describe_reason(reason) for reason in participant.health_reasons}


def freshly_visited(participant):
    """A progress entry and a visit today, so that silence and visits do not colour the level."""
    visits.save_visit(participant=participant, by=None, planned_on=timezone.localdate(), purpose="Oppstart",
                      status=Visit.Status.DONE)
    milestone = milestones.save_milestone(project=participant.project, by=None, name="Oppstartsmøte",
                                          participant=participant, planned_on=timezone.localdate() + timedelta(days=30))
    progress.log_progress(milestone=milestone, by=None, status=Milestone.Status.IN_PROGRESS, text="I gang.")


def require_mayor(project, by):
    planning_services.set_required_positions(project=project, by=by, positions=[position(project.county, Position.Code.MAYOR)])


# ------------------------------------------------------------------ the four measured cases


def test_a_course_correction_moving_a_late_milestone_into_the_future_clears_the_overdue_reason(
    participant, active_project, county_staff
):
    freshly_visited(participant)
    milestone = late_milestone(active_project, participant, county_staff, days=10)
    assert stored(participant) == (Health.YELLOW, {"overdue": "1 forsinket milepæl"})
    correction = evaluation_services.record_correction(
        project=active_project, by=county_staff, decision="Flytter romplanen", rationale="Tomten er ikke klar.",
        decided_by="Styringsgruppen", decided_on=timezone.localdate(),
    )
    evaluation_services.move_milestone(correction=correction, milestone=milestone, by=county_staff,
                                       planned_on=timezone.localdate() + timedelta(days=60))
    assert stored(participant) == (Health.GREEN, {})


def test_requiring_a_position_nobody_fills_makes_the_participant_yellow(participant, active_project, county_staff):
    freshly_visited(participant)
    assert stored(participant) == (Health.GREEN, {})
    require_mayor(active_project, county_staff)
    mayor = position(active_project.county, Position.Code.MAYOR).name
    assert stored(participant) == (Health.YELLOW, {"stakeholders": f"Ingen i stillingen: {mayor}"})


def test_a_mayor_added_on_the_municipality_page_closes_the_stakeholder_gap(
    client, participant, active_project, county_staff, municipality
):
    freshly_visited(participant)
    require_mayor(active_project, county_staff)
    assert stored(participant)[0] == Health.YELLOW
    client.force_login(county_staff)
    response = client.post(
        reverse("municipalities:contact-create", kwargs={"number": municipality.number}),
        {"name": "Ordfører Olsen", "position": position(municipality.county, Position.Code.MAYOR).pk},
    )
    assert response.status_code == 302
    assert stored(participant) == (Health.GREEN, {})


def test_a_project_started_with_an_overdue_milestone_is_not_green(project, municipality, county_staff):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    (participant,) = project_services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    late_milestone(project, participant, county_staff, days=10)
    assert stored(participant) == (Health.GREEN, {})  # a project in planning is not followed up
    project.refresh_from_db()
    project_services.change_project_status(project=project, to=Project.Status.ACTIVE, by=county_staff,
                                           reason="Vi starter likevel.")
    level, reasons = stored(participant)
    assert level != Health.GREEN
    assert reasons["overdue"] == "1 forsinket milepæl"
