from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership
from evaluations.models import Answer, CorrectionChange, Kind, Question, Response, Round
from evaluations.services import answers as answers_services
from evaluations.services import corrections, measurements, questionnaires, rounds
from evaluations.services import midterm as midterm_services
from evaluations.services.base import EvaluationError
from followup.models import Milestone
from notifications.models import OutboxMessage
from projects import services as project_services
from projects.models import Project
from tests.evaluations.conftest import response_of, values
from tests.factories import LibraryFactory, MunicipalityFactory, make_user

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- versioning


def test_editing_an_unanswered_questionnaire_changes_it_in_place(questionnaire, county_staff):
    question = questionnaire.versions.get().questions.first()
    questionnaires.save_question(
        questionnaire=questionnaire,
        by=county_staff,
        question=question,
        type=Question.Type.SCALE,
        text="Hvor fornøyd er dere nå?",
    )
    assert questionnaire.versions.count() == 1
    assert questionnaire.versions.get().questions.get(key=question.key).text == "Hvor fornøyd er dere nå?"


def test_editing_an_answered_questionnaire_makes_a_new_version_and_answers_keep_theirs(
    midterm, questionnaire, county_staff, library_head, municipality
):
    response = response_of(midterm, municipality)
    answers_services.save_response(
        response=response, by=library_head, values=values(response, 4), submit=False
    )  # a draft counts
    old_version = midterm.version
    question = old_version.questions.first()

    questionnaires.save_question(
        questionnaire=questionnaire,
        by=county_staff,
        question=question,
        type=Question.Type.SCALE,
        text="Hvor fornøyd er dere med fremdriften?",
    )
    questionnaires.delete_question(questionnaire=questionnaire, question=old_version.questions.last(), by=county_staff)

    versions = list(questionnaire.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert old_version.questions.get(key=question.key).text == "Hvor fornøyd er dere?"
    assert versions[1].questions.get(key=question.key).text == "Hvor fornøyd er dere med fremdriften?"
    assert versions[1].questions.count() == old_version.questions.count() - 1
    response.refresh_from_db()
    assert response.version == old_version
    assert Answer.objects.get(response=response).question.version == old_version
    midterm.refresh_from_db()
    assert midterm.version == old_version
    # The next round gets the new version.
    final = rounds.open_round(
        project=midterm.project,
        by=county_staff,
        kind=Kind.FINAL,
        questionnaire=questionnaire,
        deadline=timezone.localdate(),
    )
    assert final.version == versions[1]


def test_choice_question_needs_two_distinct_options(questionnaire, county_staff):
    with pytest.raises(ValidationError) as error:
        questionnaires.save_question(
            questionnaire=questionnaire, by=county_staff, type=Question.Type.SINGLE, text="Hva?", options=["Ja"]
        )
    assert "options" in error.value.message_dict


# -------------------------------------------------------------------- rounds


def test_open_round_asks_each_participant_and_the_experts_and_mails_them(
    active_project,
    questionnaire,
    county_staff,
    library_head,
    other_library_head,
    expert,
    django_capture_on_commit_callbacks,
):
    project_services.attach_expert(project=active_project, user=expert, role="Arkitekt", by=county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        round_ = rounds.open_round(
            project=active_project,
            by=county_staff,
            kind=Kind.MIDTERM,
            questionnaire=questionnaire,
            deadline=timezone.localdate() + timedelta(days=7),
            include_experts=True,
        )
    assert round_.responses.count() == 3
    assert {m.to[0] for m in mail.outbox} == {library_head.email, other_library_head.email, expert.email}
    assert all(m.subject == f"Vennligst svar: {round_.title}" for m in mail.outbox)
    assert OutboxMessage.objects.filter(kind="evaluation").count() == 3


def test_open_round_refuses_a_past_deadline_and_a_second_open_round_of_the_kind(midterm, questionnaire, county_staff):
    with pytest.raises(ValidationError) as error:
        rounds.open_round(
            project=midterm.project,
            by=county_staff,
            kind=Kind.FINAL,
            questionnaire=questionnaire,
            deadline=timezone.localdate() - timedelta(days=1),
        )
    assert "deadline" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rounds.open_round(
            project=midterm.project,
            by=county_staff,
            kind=Kind.MIDTERM,
            questionnaire=questionnaire,
            deadline=timezone.localdate(),
        )
    assert "kind" in error.value.message_dict
    assert Round.objects.count() == 1


def test_foreign_questionnaire_is_refused(active_project, county_staff, other_county, outsider):
    from tests.evaluations.conftest import make_questionnaire

    foreign = make_questionnaire(other_county, outsider)
    with pytest.raises(ValidationError):
        rounds.open_round(
            project=active_project,
            by=county_staff,
            kind=Kind.MIDTERM,
            questionnaire=foreign,
            deadline=timezone.localdate(),
        )


# ------------------------------------------------------------------ answering


def test_draft_then_submit_once(midterm, library_head, municipality):
    response = response_of(midterm, municipality)
    answers_services.save_response(response=response, by=library_head, values=values(response, 3, "Ja"), submit=False)
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT and response.answers.count() == 2
    answers_services.save_response(
        response=response,
        by=library_head,
        submit=True,
        values=values(response, 5, "Nei", ["Besøk", "Verksteder"], Decimal("12.5"), "yes", "Mer tid"),
    )
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED and response.submitted_by == library_head
    answers = {a.question.type: a for a in response.answers.select_related("question")}
    assert answers["scale"].number == 5 and answers["single"].choices == ["Nei"]
    assert answers["multiple"].choices == ["Verksteder", "Besøk"]  # the questionnaire's order
    assert answers["number"].number == Decimal("12.50") and answers["yes_no"].boolean is True
    assert answers["text"].text == "Mer tid"


def test_submitting_twice_is_refused(midterm, library_head, municipality):
    response = response_of(midterm, municipality)
    answers_services.save_response(response=response, by=library_head, values=values(response, 4), submit=True)
    with pytest.raises(EvaluationError, match="allerede sendt inn"):
        answers_services.save_response(response=response, by=library_head, values=values(response, 1), submit=True)
    assert Answer.objects.get(response=response).number == 4


def test_answer_after_the_deadline_is_refused(midterm, library_head, municipality):
    Round.objects.filter(pk=midterm.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    response = response_of(midterm, municipality)
    with pytest.raises(EvaluationError, match="Fristen er ute"):
        answers_services.save_response(response=response, by=library_head, values=values(response, 4), submit=True)
    assert not Answer.objects.exists()


def test_answer_on_the_deadline_day_is_taken(midterm, library_head, municipality):
    Round.objects.filter(pk=midterm.pk).update(deadline=timezone.localdate())
    response = response_of(midterm, municipality)
    answers_services.save_response(response=response, by=library_head, values=values(response, 4), submit=True)
    assert Response.objects.get(pk=response.pk).is_submitted


def test_answer_in_a_closed_round_is_refused(midterm, library_head, municipality, county_staff):
    rounds.close_round(round=midterm, by=county_staff)
    response = response_of(midterm, municipality)
    with pytest.raises(EvaluationError):
        answers_services.save_response(response=response, by=library_head, values=values(response, 4), submit=True)


def test_answer_by_a_non_participant_is_refused(midterm, municipality, county, county_staff, leadership):
    outsider_head = make_user(
        Membership.Role.LIBRARY_HEAD, municipality=MunicipalityFactory(county=county, number="5503")
    )
    response = response_of(midterm, municipality)
    for user in (outsider_head, county_staff, leadership):
        with pytest.raises(EvaluationError, match="ikke bedt om å svare"):
            answers_services.save_response(response=response, by=user, values=values(response, 4), submit=True)
    assert not Answer.objects.exists()


def test_other_participants_head_cannot_answer_for_tromso(midterm, municipality, other_library_head):
    response = response_of(midterm, municipality)
    with pytest.raises(EvaluationError):
        answers_services.save_response(
            response=response, by=other_library_head, values=values(response, 4), submit=True
        )


def test_required_question_and_bad_values_land_on_the_fields(midterm, library_head, municipality):
    response = response_of(midterm, municipality)
    with pytest.raises(ValidationError) as error:
        answers_services.save_response(
            response=response, by=library_head, values=values(response, None, "Kanskje"), submit=True
        )
    questions = list(response.version.questions.all())
    assert set(error.value.message_dict) == {f"q{questions[0].pk}", f"q{questions[1].pk}"}
    with pytest.raises(ValidationError):
        answers_services.save_response(response=response, by=library_head, values=values(response, 7), submit=False)
    response.refresh_from_db()
    assert response.status == Response.Status.PENDING and not response.answers.exists()


# ------------------------------------------------------------------ reminders


def test_reminders_go_once_to_those_who_have_not_submitted(
    midterm, county, library_head, other_library_head, municipality, django_capture_on_commit_callbacks
):
    county.evaluation_reminder_days = 5
    county.save()
    response = response_of(midterm, municipality)
    answers_services.save_response(response=response, by=library_head, values=values(response, 4), submit=True)
    deadline = midterm.deadline
    assert rounds.send_reminders(today=deadline - timedelta(days=6)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert rounds.send_reminders(today=deadline - timedelta(days=5)) == 1
        rounds.send_reminders(today=deadline - timedelta(days=4))
    reminders = OutboxMessage.objects.filter(kind="evaluation", subject__startswith="Påminnelse")
    assert [m.recipient for m in reminders] == [other_library_head.email]
    assert len([m for m in mail.outbox if m.subject.startswith("Påminnelse")]) == 1
    assert rounds.send_reminders(today=deadline + timedelta(days=1)) == 0


def test_reminder_task_runs_the_service(midterm, county):
    from evaluations.tasks import send_evaluation_reminders_task

    Round.objects.filter(pk=midterm.pk).update(deadline=timezone.localdate() + timedelta(days=1))
    assert send_evaluation_reminders_task() == 2
    send_evaluation_reminders_task()
    assert OutboxMessage.objects.filter(subject__startswith="Påminnelse").count() == 2


# ------------------------------------------------------------ course corrections


def _milestone(project, name="Romplan ferdig", days=30):
    planned = timezone.localdate() + timedelta(days=days)
    return Milestone.objects.create(project=project, name=name, planned_on=planned, original_planned_on=planned)


def test_course_correction_moves_a_milestone_and_links_both_ways(midterm, county_staff):
    milestone = _milestone(midterm.project)
    original = milestone.planned_on
    correction = corrections.record_correction(
        project=midterm.project,
        by=county_staff,
        round=midterm,
        decision="Tromsø får to måneder ekstra.",
        rationale="Mellomevalueringen viste at ombyggingen tar tid.",
        decided_by="Styringsgruppen",
        decided_on=timezone.localdate(),
    )
    change = corrections.move_milestone(
        correction=correction, milestone=milestone, planned_on=original + timedelta(days=60), by=county_staff
    )
    milestone.refresh_from_db()
    assert milestone.planned_on == original + timedelta(days=60)
    assert milestone.original_planned_on == original and milestone.slippage_days == 60
    assert list(correction.changes.all()) == [change]
    assert list(milestone.course_changes.all()) == [change] and change.correction == correction
    assert (change.old_value, change.new_value) == (original.isoformat(), (original + timedelta(days=60)).isoformat())
    record = milestone.history.first()
    assert record.history_user == county_staff and "Tromsø får to måneder ekstra." in record.history_change_reason


def test_course_correction_changes_goals_and_targets(active_project, county_staff):
    goal = project_services.save_goal(project=active_project, by=county_staff, text="Flere besøk")
    indicator = project_services.save_indicator(
        project=active_project, goal=goal, by=county_staff, name="Besøk", baseline=100, target=150
    )
    correction = corrections.record_correction(
        project=active_project,
        by=county_staff,
        decision="Nytt mål",
        rationale="r",
        decided_by="Prosjektleder",
        decided_on=timezone.localdate(),
    )
    corrections.change_goal(correction=correction, by=county_staff, goal=goal, text="Flere besøk av unge")
    corrections.change_goal(correction=correction, by=county_staff, text="Rommet brukes av lag og foreninger")
    corrections.change_target(correction=correction, indicator=indicator, target=Decimal("130"), by=county_staff)
    assert [c.type for c in correction.changes.all()] == [
        CorrectionChange.Type.GOAL_TEXT,
        CorrectionChange.Type.GOAL_ADDED,
        CorrectionChange.Type.TARGET,
    ]
    goal.refresh_from_db()
    indicator.refresh_from_db()
    assert goal.text == "Flere besøk av unge" and indicator.target == 130
    assert active_project.goals.count() == 2
    assert goal.history.first().history_change_reason.startswith("Kursjustering")


def test_moving_another_projects_or_a_finished_milestone_is_refused(midterm, county_staff, county, theme):
    other = project_services.create_project(
        county=county,
        by=county_staff,
        title="Annet",
        theme=theme,
        purpose="p",
        start_on=timezone.localdate(),
        end_on=timezone.localdate() + timedelta(days=90),
    )
    correction = corrections.record_correction(
        project=midterm.project,
        by=county_staff,
        decision="d",
        rationale="r",
        decided_by="x",
        decided_on=timezone.localdate(),
    )
    foreign = _milestone(other)
    done = _milestone(midterm.project, name="Ferdig")
    Milestone.objects.filter(pk=done.pk).update(status=Milestone.Status.DONE)
    for milestone in (foreign, done):
        with pytest.raises(ValidationError):
            corrections.move_milestone(
                correction=correction, milestone=milestone, planned_on=timezone.localdate(), by=county_staff
            )
    assert not CorrectionChange.objects.exists()


# ------------------------------------------------------------------ closing gate


def test_project_cannot_close_without_midterm_or_reason(active_project, county_staff):
    with pytest.raises(ValidationError) as error:
        project_services.change_project_status(project=active_project, to=Project.Status.CLOSING, by=county_staff)
    assert "reason" in error.value.message_dict
    assert Project.objects.get(pk=active_project.pk).status == Project.Status.ACTIVE


def test_project_closes_after_a_midterm(midterm, county_staff):
    project = project_services.change_project_status(
        project=midterm.project, to=Project.Status.CLOSING, by=county_staff
    )
    assert project.status == Project.Status.CLOSING and project.midterm_skip_reason == ""


def test_project_closes_with_a_recorded_skip_reason(active_project, county_staff):
    midterm_services.skip_midterm(project=active_project, by=county_staff, reason="For kort prosjekt.")
    project = project_services.change_project_status(project=active_project, to=Project.Status.CLOSING, by=county_staff)
    assert project.status == Project.Status.CLOSING
    project.refresh_from_db()
    assert (project.midterm_skip_reason, project.midterm_skip_by) == ("For kort prosjekt.", county_staff)


def test_reason_given_with_the_status_change_is_recorded(active_project, county_staff):
    project_services.change_project_status(
        project=active_project, to=Project.Status.CLOSING, by=county_staff, reason="Bare tre måneder lang."
    )
    project = Project.objects.get(pk=active_project.pk)
    assert project.status == Project.Status.CLOSING and project.midterm_skip_reason == "Bare tre måneder lang."
    assert project.midterm_skip_at is not None


def test_skip_needs_a_reason(active_project, county_staff):
    with pytest.raises(ValidationError):
        midterm_services.skip_midterm(project=active_project, by=county_staff, reason="  ")


# ---------------------------------------------------------- measurements (TTT)


def test_library_measurements_stay_inside_the_periods_and_the_participants(
    active_project, county_staff, library_head, municipality, county
):
    today = timezone.localdate()
    indicator = measurements.save_ttt_indicator(
        project=active_project, by=county_staff, name="Besøk per uke", unit="besøk"
    )
    library = municipality.libraries.get()
    with pytest.raises(ValidationError) as error:
        measurements.record_library_measurement(
            indicator=indicator, library=library, period="before", measured_on=today, value=Decimal(10), by=library_head
        )
    assert "period" in error.value.message_dict
    measurements.set_measurement_periods(
        project=active_project,
        by=county_staff,
        before_starts_on=today - timedelta(days=30),
        before_ends_on=today - timedelta(days=20),
        after_starts_on=today - timedelta(days=5),
        after_ends_on=today + timedelta(days=5),
    )
    with pytest.raises(ValidationError) as error:
        measurements.record_library_measurement(
            indicator=indicator, library=library, period="before", measured_on=today, value=Decimal(10), by=library_head
        )
    assert "measured_on" in error.value.message_dict
    elsewhere = LibraryFactory(municipality=MunicipalityFactory(county=county, number="5503"))
    with pytest.raises(ValidationError) as error:
        measurements.record_library_measurement(
            indicator=indicator,
            library=elsewhere,
            period="after",
            measured_on=today,
            value=Decimal(10),
            by=county_staff,
        )
    assert "library" in error.value.message_dict
    measurement = measurements.record_library_measurement(
        indicator=indicator, library=library, period="after", measured_on=today, value=Decimal(12), by=library_head
    )
    assert (measurement.library, measurement.period, measurement.recorded_by) == (library, "after", library_head)


def test_periods_must_not_overlap(active_project, county_staff):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        measurements.set_measurement_periods(
            project=active_project,
            by=county_staff,
            before_starts_on=today,
            before_ends_on=today + timedelta(days=10),
            after_starts_on=today + timedelta(days=5),
            after_ends_on=today + timedelta(days=20),
        )
    assert "after_starts_on" in error.value.message_dict


def test_participants_who_join_later_are_asked_on_request(midterm, county, county_staff):
    harstad = MunicipalityFactory(county=county, number="5503", name="Harstad")
    head = make_user(Membership.Role.LIBRARY_HEAD, municipality=harstad, email="harstad@example.no")
    project_services.invite_participants(project=midterm.project, municipalities=[harstad], by=county_staff)
    assert [p.municipality for p in rounds.participants_not_asked(midterm)] == [harstad]
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert rounds.ask_new_participants(round=midterm, by=county_staff) == 1
    assert list(OutboxMessage.objects.exclude(pk__in=before).values_list("recipient", flat=True)) == [head.email]
    assert rounds.ask_new_participants(round=midterm, by=county_staff) == 0
    response = response_of(midterm, harstad)
    answers_services.save_response(response=response, by=head, values=values(response, 3), submit=True)
    assert response_of(midterm, harstad).is_submitted
