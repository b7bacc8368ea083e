"""Every input of participant health, changed through the service (or page) a user changes it with:
the stored level and its reasons are right as soon as the change is saved, with no recomputation by
hand and no night run in between.

The first four are the cases issue 16 measured as wrong until the night run."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.services import corrections as evaluation_services
from followup.health import describe_reason
from followup.models import Milestone, Visit
from followup.services import meetings, milestones, progress, visits
from municipalities.models import Contact, Position
from planning import services as planning_services
from projects import services as project_services
from projects.models import Participant, Project
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, late_milestone, other_participant, participant  # noqa: F401

pytestmark = pytest.mark.django_db

Health = Participant.Health


def stored(participant) -> tuple[str, dict[str, str]]:
    """The participant's stored level and its reasons ({code: text as the dashboard shows it})."""
    participant.refresh_from_db()
    return participant.health, {reason["code"]: describe_reason(reason) for reason in participant.health_reasons}


def freshly_visited(participant):
    """A progress entry and a visit today, so that silence and visits do not colour the level."""
    visits.save_visit(
        participant=participant, by=None, planned_on=timezone.localdate(), purpose="Oppstart", status=Visit.Status.DONE
    )
    milestone = milestones.save_milestone(
        project=participant.project,
        by=None,
        name="Oppstartsmøte",
        participant=participant,
        planned_on=timezone.localdate() + timedelta(days=30),
    )
    progress.log_progress(milestone=milestone, by=None, status=Milestone.Status.IN_PROGRESS, text="I gang.")


def require_mayor(project, by):
    planning_services.set_required_positions(
        project=project, by=by, positions=[position(project.county, Position.Code.MAYOR)]
    )


# ------------------------------------------------------------------ the four measured cases


def test_a_course_correction_moving_a_late_milestone_into_the_future_clears_the_overdue_reason(
    participant, active_project, county_staff
):
    freshly_visited(participant)
    milestone = late_milestone(active_project, participant, county_staff, days=10)
    assert stored(participant) == (Health.YELLOW, {"overdue": "1 milepæl er forsinket (den eldste med 10 dager)"})
    correction = evaluation_services.record_correction(
        project=active_project,
        by=county_staff,
        decision="Flytter romplanen",
        rationale="Tomten er ikke klar.",
        decided_by="Styringsgruppen",
        decided_on=timezone.localdate(),
    )
    evaluation_services.move_milestone(
        correction=correction,
        milestone=milestone,
        by=county_staff,
        planned_on=timezone.localdate() + timedelta(days=60),
    )
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
    (participant,) = project_services.invite_participants(
        project=project, municipalities=[municipality], by=county_staff
    )
    late_milestone(project, participant, county_staff, days=10)
    assert stored(participant) == (Health.GREEN, {})  # a project in planning is not followed up
    project.refresh_from_db()
    project_services.change_project_status(
        project=project, to=Project.Status.ACTIVE, by=county_staff, reason="Vi starter likevel."
    )
    level, reasons = stored(participant)
    assert level != Health.GREEN
    assert reasons["overdue"] == "1 milepæl er forsinket (den eldste med 10 dager)"


# ------------------------------------------------------------------------ every other input


def test_milestones_created_moved_and_completed(participant, active_project, county_staff):
    freshly_visited(participant)
    milestone = late_milestone(active_project, participant, county_staff, days=3)
    assert stored(participant) == (Health.YELLOW, {"overdue": "1 milepæl er forsinket (den eldste med 3 dager)"})
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        milestone=milestone,
        name=milestone.name,
        participant=participant,
        planned_on=timezone.localdate() + timedelta(days=7),
    )
    assert stored(participant) == (Health.GREEN, {})
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        milestone=milestone,
        name=milestone.name,
        participant=participant,
        planned_on=timezone.localdate() - timedelta(days=1),
    )
    assert stored(participant)[0] == Health.YELLOW
    milestones.set_milestone_status(milestone=milestone, by=county_staff, status=Milestone.Status.DONE)
    assert stored(participant) == (Health.GREEN, {})


def test_a_milestone_given_to_another_participant_moves_its_overdue_reason(
    participant, other_participant, active_project, county_staff
):
    freshly_visited(participant)
    freshly_visited(other_participant)
    milestone = late_milestone(active_project, participant, county_staff, days=3)
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        milestone=milestone,
        name=milestone.name,
        participant=other_participant,
        planned_on=milestone.planned_on,
    )
    assert stored(participant) == (Health.GREEN, {})
    assert stored(other_participant) == (Health.YELLOW, {"overdue": "1 milepæl er forsinket (den eldste med 3 dager)"})


def test_a_progress_entry_ends_the_silence(participant, active_project, county_staff, library_head):
    Project.objects.filter(pk=active_project.pk).update(start_on=timezone.localdate() - timedelta(days=100))
    Participant.objects.filter(pk=participant.pk).update(invited_on=timezone.localdate() - timedelta(days=100))
    visits.save_visit(
        participant=participant,
        by=county_staff,
        planned_on=timezone.localdate(),
        purpose="Besøk",
        status=Visit.Status.DONE,
    )
    assert stored(participant) == (Health.RED, {"silence": "Ingen fremdrift logget på 100 dager"})
    milestone = milestones.save_milestone(
        project=active_project,
        by=county_staff,
        name="Romplan",
        participant=participant,
        planned_on=timezone.localdate() + timedelta(days=10),
    )
    progress.log_progress(
        milestone=milestone, by=library_head, status=Milestone.Status.IN_PROGRESS, text="Skisser klare."
    )
    assert stored(participant) == (Health.GREEN, {})


def test_a_visit_done_ends_the_wait_for_a_visit(participant, active_project, county_staff):
    Project.objects.filter(pk=active_project.pk).update(start_on=timezone.localdate() - timedelta(days=130))
    Participant.objects.filter(pk=participant.pk).update(invited_on=timezone.localdate() - timedelta(days=130))
    milestone = milestones.save_milestone(
        project=active_project,
        by=county_staff,
        name="Romplan",
        participant=participant,
        planned_on=timezone.localdate() + timedelta(days=10),
    )
    progress.log_progress(milestone=milestone, by=county_staff, status=Milestone.Status.IN_PROGRESS, text="I gang.")
    planned = visits.save_visit(
        participant=participant, by=county_staff, planned_on=timezone.localdate(), purpose="Befaring"
    )
    assert stored(participant) == (Health.YELLOW, {"visit": "Ikke besøkt på 130 dager"})
    visits.save_visit(
        participant=participant,
        by=county_staff,
        visit=planned,
        planned_on=timezone.localdate(),
        purpose="Befaring",
        status=Visit.Status.DONE,
    )
    assert stored(participant) == (Health.GREEN, {})


def test_a_meeting_held_without_the_municipality_is_a_missed_meeting(participant, active_project, county_staff):
    freshly_visited(participant)
    head = ContactFactory(municipality=participant.municipality)
    start = timezone.now() - timedelta(hours=3)
    meeting = meetings.save_meeting(
        project=active_project,
        by=county_staff,
        objectives=["Romplan"],
        kind="workshop",
        title="Verksted",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Tromsø",
    )
    (invitee,) = meetings.set_invitees(meeting=meeting, by=county_staff, contacts=[head])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    meetings.record_attendance(meeting=meeting, by=county_staff, attended_ids=[])
    assert stored(participant) == (Health.YELLOW, {"missed_meetings": "Uteble fra 1 møte"})
    meetings.record_attendance(meeting=meeting, by=county_staff, attended_ids=[invitee.pk])  # corrected afterwards
    assert stored(participant) == (Health.GREEN, {})


def test_a_participant_withdrawn_is_green_and_invited_again_is_assessed_again(
    participant, active_project, county_staff
):
    freshly_visited(participant)
    late_milestone(active_project, participant, county_staff)
    assert stored(participant)[0] == Health.YELLOW
    project_services.change_participant_status(
        participant=participant, to=Participant.Status.WITHDRAWN, by=county_staff, reason="Ingen kapasitet."
    )
    assert stored(participant) == (Health.GREEN, {})
    project_services.change_participant_status(participant=participant, to=Participant.Status.INVITED, by=county_staff)
    assert stored(participant) == (Health.YELLOW, {"overdue": "1 milepæl er forsinket (den eldste med 10 dager)"})


def test_a_municipality_invited_to_an_active_project_is_assessed_at_once(active_project, municipality, county_staff):
    require_mayor(active_project, county_staff)
    (participant,) = project_services.invite_participants(
        project=active_project, municipalities=[municipality], by=county_staff
    )
    mayor = position(active_project.county, Position.Code.MAYOR).name
    assert stored(participant)[1]["stakeholders"] == f"Ingen i stillingen: {mayor}"
    assert participant.health_computed_at is not None


def test_a_project_leaving_active_makes_its_participants_green(participant, active_project, county_staff):
    freshly_visited(participant)
    late_milestone(active_project, participant, county_staff)
    assert stored(participant)[0] == Health.YELLOW
    project_services.change_project_status(
        project=active_project, to=Project.Status.CLOSING, by=county_staff, reason="Evalueres i sluttrapporten."
    )
    assert stored(participant) == (Health.GREEN, {})


def test_contacts_added_moved_and_removed_open_and_close_the_stakeholder_gap(
    participant, active_project, county_staff, municipality
):
    from municipalities import services as place_services

    freshly_visited(participant)
    require_mayor(active_project, county_staff)
    county = municipality.county
    mayor, head = position(county, Position.Code.MAYOR), position(county, Position.Code.LIBRARY_HEAD)
    gap = {"stakeholders": f"Ingen i stillingen: {mayor.name}"}
    contact = place_services.create_contact(county=county, municipality=municipality, name="Olsen", position=mayor)
    assert stored(participant) == (Health.GREEN, {})
    place_services.update_contact(contact=contact, position=head)
    assert stored(participant) == (Health.YELLOW, gap)
    place_services.update_contact(contact=contact, position=mayor)
    assert stored(participant) == (Health.GREEN, {})
    place_services.delete_contact(contact=contact)
    assert stored(participant) == (Health.YELLOW, gap)
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_mayor_moved_and_removed_on_the_municipality_page_opens_the_gap(
    client, participant, active_project, county_staff, municipality
):
    freshly_visited(participant)
    require_mayor(active_project, county_staff)
    county = municipality.county
    client.force_login(county_staff)
    client.post(
        reverse("municipalities:contact-create", kwargs={"number": municipality.number}),
        {"name": "Ordfører Olsen", "position": position(county, Position.Code.MAYOR).pk},
    )
    assert stored(participant) == (Health.GREEN, {})
    contact = Contact.objects.get(name="Ordfører Olsen")
    edit = reverse("municipalities:contact-edit", kwargs={"number": municipality.number, "pk": contact.pk})
    client.post(edit, {"name": "Ordfører Olsen", "position": position(county, Position.Code.TECHNICAL).pk})
    assert stored(participant)[0] == Health.YELLOW
    client.post(edit, {"name": "Ordfører Olsen", "position": position(county, Position.Code.MAYOR).pk})
    assert stored(participant)[0] == Health.GREEN
    response = client.post(
        reverse("municipalities:contact-delete", kwargs={"number": municipality.number, "pk": contact.pk}), follow=True
    )
    assert "Kontakten Ordfører Olsen er fjernet." in response.content.decode()
    mayor = position(county, Position.Code.MAYOR).name
    assert stored(participant) == (Health.YELLOW, {"stakeholders": f"Ingen i stillingen: {mayor}"})


def test_county_thresholds_and_position_names_changed_in_the_settings(participant, active_project, county_staff):
    from municipalities import services as place_services

    freshly_visited(participant)
    late_milestone(active_project, participant, county_staff)
    assert stored(participant)[0] == Health.YELLOW
    place_services.update_county_settings(county=active_project.county, settings={"health_overdue_yellow": 2})
    assert stored(participant) == (Health.GREEN, {})
    require_mayor(active_project, county_staff)
    mayor = position(active_project.county, Position.Code.MAYOR)
    place_services.update_county_settings(
        county=active_project.county, settings={}, positions=[(mayor, {"name": "Ordfører (leder)"})]
    )
    assert stored(participant) == (Health.YELLOW, {"stakeholders": "Ingen i stillingen: Ordfører (leder)"})
