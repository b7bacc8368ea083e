from datetime import date

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import Participant, Project, RequirementStatus
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Project.Status


def test_create_project_makes_the_creator_leader_and_keeps_history(project, county_staff):
    assert list(project.leaders.all()) == [county_staff]
    assert project.status == Status.IDEA
    assert project.history.first().history_user == county_staff


def test_project_must_end_after_it_starts(county, county_staff, theme):
    with pytest.raises(ValidationError) as error:
        services.create_project(
            county=county,
            by=county_staff,
            title="X",
            theme=theme,
            purpose="p",
            start_on=date(2026, 5, 1),
            end_on=date(2026, 4, 30),
        )
    assert "end_on" in error.value.error_dict


@pytest.mark.parametrize(
    "path",
    [
        [Status.PLANNING, Status.ACTIVE, Status.CLOSING, Status.CLOSED],
        [Status.PLANNING, Status.IDEA],
        [Status.PLANNING, Status.ACTIVE, Status.PLANNING],
        [Status.PLANNING, Status.ACTIVE, Status.CLOSING, Status.ACTIVE],
    ],
)
def test_every_allowed_transition(project, county_staff, path):
    for status in path:
        # Closing needs a mid-term evaluation or a reason for skipping it (evaluations).
        reason = "Ingen mellomevaluering i et kort prosjekt." if status == Status.CLOSING else ""
        project = services.change_project_status(project=project, to=status, by=county_staff, reason=reason)
        assert project.status == status


@pytest.mark.parametrize(
    "start, to", [(Status.IDEA, Status.ACTIVE), (Status.IDEA, Status.CLOSED), (Status.ACTIVE, Status.CLOSED)]
)
def test_skipping_a_step_is_refused(project, county_staff, start, to):
    Project.objects.filter(pk=project.pk).update(status=start)
    with pytest.raises(services.ProjectError):
        services.change_project_status(project=project, to=to, by=county_staff)
    project.refresh_from_db()
    assert project.status == start


def test_a_closed_project_refuses_every_change(project, county_staff, municipality):
    goal = services.save_goal(project=project, by=county_staff, text="Mål")
    requirement = services.save_requirement(project=project, by=county_staff, text="Krav")
    Project.objects.filter(pk=project.pk).update(status=Status.CLOSED)
    project.refresh_from_db()
    goal.refresh_from_db()
    refused = [
        lambda: services.update_project(project=project, by=county_staff, title="Nytt"),
        lambda: services.change_project_status(project=project, to=Status.CLOSING, by=county_staff),
        lambda: services.save_goal(project=project, by=county_staff, text="Nytt mål"),
        lambda: services.delete_goal(goal=goal, by=county_staff),
        lambda: services.save_requirement(project=project, by=county_staff, text="Nytt krav"),
        lambda: services.delete_requirement(requirement=requirement, by=county_staff),
        lambda: services.invite_participants(project=project, municipalities=[municipality], by=county_staff),
    ]
    for change in refused:
        with pytest.raises(services.ProjectError):
            change()
    project.refresh_from_db()
    assert project.title == "Bibliotekrommet" and project.goals.count() == 1


def test_a_municipality_takes_part_only_once(project, county_staff, municipality):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    with pytest.raises(ValidationError) as error:
        services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    assert list(error.value.error_dict) == ["municipalities"]
    assert project.participants.count() == 1


def test_a_municipality_of_another_county_is_refused(project, county_staff, foreign_municipality):
    with pytest.raises(ValidationError):
        services.invite_participants(project=project, municipalities=[foreign_municipality], by=county_staff)


def test_invited_participant_gets_the_main_library(project, county_staff, municipality):
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    assert participant.library.is_main and participant.status == Participant.Status.INVITED


def test_participant_lifecycle(project, county_staff, municipality):
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    for status in ["committed", "active", "completed", "active"]:
        participant = services.change_participant_status(participant=participant, to=status, by=county_staff)
    assert participant.status == "active"
    with pytest.raises(services.ProjectError):
        services.change_participant_status(participant=participant, to="invited", by=county_staff)


def test_withdrawal_needs_a_reason(project, county_staff, municipality):
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    with pytest.raises(ValidationError) as error:
        services.change_participant_status(participant=participant, to="withdrawn", by=county_staff, reason="  ")
    assert "reason" in error.value.error_dict
    participant.refresh_from_db()
    assert participant.status == "invited"
    services.change_participant_status(
        participant=participant, to="withdrawn", by=county_staff, reason="Mangler kapasitet", on=date(2026, 3, 1)
    )
    participant.refresh_from_db()
    assert (participant.status, participant.withdrawal_reason, participant.withdrawn_on) == (
        "withdrawn",
        "Mangler kapasitet",
        date(2026, 3, 1),
    )
    services.change_participant_status(participant=participant, to="invited", by=county_staff)
    participant.refresh_from_db()
    assert participant.withdrawal_reason == "" and participant.withdrawn_on is None


def test_commitment_only_by_that_municipalitys_library_head(
    project, county_staff, municipality, library_head, other_library_head, leadership
):
    services.save_requirement(project=project, by=county_staff, text="Delta på alle verksteder")
    services.save_requirement(project=project, by=county_staff, text="Logg fremdrift hver måned")
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    for outsider in (county_staff, other_library_head, leadership):
        with pytest.raises(services.ProjectError):
            services.commit_to_requirements(participant=participant, by=outsider)
    assert services.commit_to_requirements(participant=participant, by=library_head) == 2
    participant.refresh_from_db()
    assert participant.status == Participant.Status.COMMITTED
    statuses = RequirementStatus.objects.filter(participant=participant)
    assert {s.committed_by for s in statuses} == {library_head} and all(s.committed_at for s in statuses)
    assert services.commit_to_requirements(participant=participant, by=library_head) == 0


def test_compliance_is_recorded_with_who(project, county_staff, municipality):
    requirement = services.save_requirement(project=project, by=county_staff, text="Krav")
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    status = services.record_compliance(
        participant=participant,
        requirement=requirement,
        by=county_staff,
        compliance="partly",
        note="Var med på to av tre",
    )
    assert (status.compliance, status.compliance_by, status.compliance_note) == (
        "partly",
        county_staff,
        "Var med på to av tre",
    )


def test_goal_current_value_is_the_latest_measurement(project, county_staff):
    from projects.selectors import get_goals

    goal = services.save_goal(project=project, by=county_staff, text="Flere besøk")
    indicator = services.save_indicator(
        project=project, goal=goal, by=county_staff, name="Besøk", baseline=100, target=150
    )
    assert get_goals(project)[0].indicators.all()[0].latest_value is None
    services.record_measurement(indicator=indicator, by=county_staff, value=110, measured_on=date(2026, 3, 1))
    services.record_measurement(indicator=indicator, by=county_staff, value=125, measured_on=date(2026, 6, 1))
    services.record_measurement(indicator=indicator, by=county_staff, value=90, measured_on=date(2026, 2, 1))
    assert get_goals(project)[0].indicators.all()[0].latest_value == 125


def test_measurement_in_the_future_is_refused(project, county_staff):
    indicator = services.save_indicator(project=project, by=county_staff, name="Utlån")
    with pytest.raises(ValidationError):
        services.record_measurement(indicator=indicator, by=county_staff, value=1, measured_on=date(2999, 1, 1))


def test_bli_ny_followup_is_linked_both_ways_and_invites_again(project, county_staff, municipality, other_municipality):
    (_, withdrawn) = services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    services.change_participant_status(participant=withdrawn, to="withdrawn", by=county_staff, reason="Ute")
    followup = services.create_bli_ny(
        project=project, by=county_staff, title="Bli-ny", start_on=date(2027, 7, 1), end_on=date(2027, 12, 31)
    )
    assert followup.follows == project and list(project.successors.all()) == [followup]
    assert [p.municipality for p in followup.participants.all()] == [municipality]


def test_expert_must_be_an_expert_of_the_county(project, county_staff, expert, county):
    with pytest.raises(ValidationError):
        services.attach_expert(project=project, user=UserFactory(), role="x", by=county_staff)
    assignment = services.attach_expert(project=project, user=expert, role="Arkitekt", by=county_staff)
    assert [i.topic for i in assignment.briefing.all()] == ["goals", "resources", "contacts", "deadlines"]
    item = assignment.briefing.first()
    services.set_briefed(item=item, by=county_staff, done=True)
    item.refresh_from_db()
    assert item.done_on and item.done_by == county_staff
    assert project in Project.objects.visible_to(expert)


def test_visibility(
    project, county_staff, municipality, library_head, other_library_head, leadership, expert, outsider
):
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    assert project in Project.objects.visible_to(county_staff)
    assert project in Project.objects.visible_to(library_head)
    assert project in Project.objects.visible_to(leadership)
    for user in (other_library_head, expert, outsider):
        assert project not in Project.objects.visible_to(user)


def test_municipalities_not_taking_part(project, county, county_staff, municipality, other_municipality):
    from projects.selectors import municipalities_not_taking_part

    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    assert set(municipalities_not_taking_part(county)) == {municipality, other_municipality}  # not active yet
    Project.objects.filter(pk=project.pk).update(status=Status.ACTIVE)
    assert list(municipalities_not_taking_part(county)) == [other_municipality]
    lone = MunicipalityFactory(county=county, number="5599")
    assert lone in municipalities_not_taking_part(county)
