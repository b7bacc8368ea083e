"""The daily job: reminders and the escalation ladder, idempotent, on the Oslo date."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from followup.models import EscalationStep, Milestone
from followup.services import escalation, milestones
from municipalities.models import Position
from notifications.models import NotificationPreference, OutboxMessage
from projects import services
from projects.models import Participant, Project
from tests.conftest import make_active, skip_or_fail
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, on, participant  # noqa: F401

OSLO = ZoneInfo("Europe/Oslo")
DUE = date(2026, 5, 4)


@pytest.fixture(autouse=True)
def _participant_said_yes(request):
    """Only municipalities that said yes climb the ladder: the participant here has."""
    if "participant" in request.fixturenames:
        participant = request.getfixturevalue("participant")
        Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.ACTIVE)
        participant.status = Participant.Status.ACTIVE


@pytest.fixture
def chief(participant):
    return ContactFactory(
        municipality=participant.municipality,
        name="Per Rådmann",
        email="radmann@tromso.example",
        position=position(participant.project.county, Position.Code.CHIEF_EXECUTIVE),
    )


def _milestone(project, participant, by, planned_on=DUE, name="Romplan ferdig"):
    return milestones.save_milestone(project=project, by=by, name=name, participant=participant, planned_on=planned_on)


def _steps(milestone):
    return sorted(EscalationStep.objects.filter(milestone=milestone).values_list("step", flat=True))


def _run(day, hour=7, minute=0):
    return escalation.run_reminders(now=on(day, hour, minute))


@pytest.mark.django_db
def test_ladder_steps_at_their_edges(active_project, participant, county_staff, library_head, chief):
    milestone = _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=6))
    assert _steps(milestone) == []
    _run(DUE + timedelta(days=7))  # the county's reminder day
    assert _steps(milestone) == ["reminder"]
    reminder = OutboxMessage.objects.get(recipient=library_head.email, kind="reminder")
    assert "7" in reminder.subject and reminder.user == library_head
    _run(DUE + timedelta(days=20))
    assert _steps(milestone) == ["reminder"]
    _run(DUE + timedelta(days=21))  # the project leader is alerted
    assert _steps(milestone) == ["alert", "reminder"]
    alert = OutboxMessage.objects.get(kind="escalation", recipient=county_staff.email)
    assert participant.municipality.name in alert.body_text
    _run(DUE + timedelta(days=41))
    assert _steps(milestone) == ["alert", "reminder"]
    _run(DUE + timedelta(days=42))  # a message to the chief executive is proposed, not sent
    assert _steps(milestone) == ["alert", "leadership", "reminder"]
    proposal = EscalationStep.objects.get(milestone=milestone, step="leadership")
    assert proposal.status == EscalationStep.Status.PROPOSED and proposal.recipients == chief.email
    assert proposal.participant == participant and proposal.overdue_days == 42
    assert not OutboxMessage.objects.filter(recipient=chief.email).exists()
    # Every step is in the participant's log.
    assert participant.escalations.count() == 3


@pytest.mark.django_db
def test_project_override_and_zero_turns_a_step_off(active_project, participant, county_staff, library_head):
    Project.objects.filter(pk=active_project.pk).update(escalation_reminder_days=2, escalation_alert_days=0)
    milestone = _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=1))
    assert _steps(milestone) == []
    _run(DUE + timedelta(days=30))
    assert _steps(milestone) == ["reminder"]  # the alert is off for this project


@pytest.mark.django_db
def test_staff_review_and_send_the_proposed_message(active_project, participant, county_staff, chief):
    milestone = _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=50))
    proposal = EscalationStep.objects.get(milestone=milestone, step="leadership")
    escalation.send_leadership_message(
        step=proposal,
        by=county_staff,
        to=[chief.email, "ordforer@tromso.example"],
        subject="Bibliotekprosjektet",
        body="Vi ber om et møte.",
    )
    proposal.refresh_from_db()
    assert proposal.status == "sent" and proposal.reviewed_by == county_staff
    sent = OutboxMessage.objects.filter(kind="escalation", recipient__in=[chief.email, "ordforer@tromso.example"])
    assert sent.count() == 2 and {m.body_text for m in sent} == {"Vi ber om et møte."}
    with pytest.raises(services.ProjectError):
        escalation.dismiss_leadership_message(step=proposal, by=county_staff)


@pytest.mark.django_db
def test_a_moved_milestone_climbs_the_ladder_again(active_project, participant, county_staff, library_head):
    milestone = _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=8))
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        milestone=milestone,
        name=milestone.name,
        participant=participant,
        planned_on=DUE + timedelta(days=20),
    )
    _run(DUE + timedelta(days=28))
    assert EscalationStep.objects.filter(milestone=milestone, step="reminder").count() == 2
    milestone.refresh_from_db()
    assert milestone.original_planned_on == DUE and milestone.slippage_days == 20


@pytest.mark.django_db
def test_upcoming_reminders_and_done_milestones(active_project, participant, county_staff, library_head):
    milestone = _milestone(active_project, participant, county_staff)
    project_wide = milestones.save_milestone(
        project=active_project, by=county_staff, name="Sluttrapport", planned_on=DUE
    )
    _run(DUE - timedelta(days=8))
    assert not OutboxMessage.objects.exists()
    run = _run(DUE - timedelta(days=7))
    assert run.upcoming == 2 and run.messages == 2
    assert OutboxMessage.objects.get(recipient=library_head.email).kind == "reminder"
    assert OutboxMessage.objects.get(recipient=county_staff.email).about == project_wide
    milestones.set_milestone_status(
        milestone=milestone, by=library_head, status="done", completed_on=DUE - timedelta(days=7)
    )
    _run(DUE + timedelta(days=30))
    assert not EscalationStep.objects.exists()


@pytest.mark.django_db
def test_running_twice_adds_nothing(active_project, participant, county_staff, library_head, chief):
    _milestone(active_project, participant, county_staff)
    _milestone(active_project, participant, county_staff, planned_on=DUE + timedelta(days=49), name="Åpning")
    first = _run(DUE + timedelta(days=45))
    rows, steps = OutboxMessage.objects.count(), EscalationStep.objects.count()
    assert first.messages == rows > 0 and steps == 3
    second = _run(DUE + timedelta(days=45, hours=3))
    assert second.messages == 0 and second.steps == 0
    assert OutboxMessage.objects.count() == rows and EscalationStep.objects.count() == steps
    call_command("send_reminders")  # by hand, on the real today: same job, and still no duplicate keys
    keys = list(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_a_day_with_no_new_work_costs_the_same_queries_for_3_or_30_handled_milestones(
    active_project, participant, county_staff, library_head, chief
):
    from django.test.utils import CaptureQueriesContext

    def handled(n, start):
        for i in range(start, start + n):
            _milestone(active_project, participant, county_staff, name=f"Milepæl {i}")  # overdue
            _milestone(
                active_project, participant, county_staff, planned_on=DUE + timedelta(days=47), name=f"Snart {i}"
            )
        _run(DUE + timedelta(days=45))  # the day the ladder and the reminders were sent

    def next_run_queries():
        with CaptureQueriesContext(connection) as queries:
            run = _run(DUE + timedelta(days=45, hours=3))
        assert run.messages == 0 and run.steps == 0 and run.overdue > 0 and run.upcoming > 0
        return len(queries)

    handled(3, 0)
    few = next_run_queries()
    handled(27, 3)
    assert next_run_queries() == few
    assert few <= 10


@pytest.mark.django_db
def test_digest_preferences_hold_reminders(active_project, participant, county_staff, library_head):
    NotificationPreference.objects.create(user=library_head, kind="reminder", delivery="digest")
    _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=7))
    assert OutboxMessage.objects.get(recipient=library_head.email).status == OutboxMessage.Status.HELD
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_in_parallel_give_one_row_per_key(
    county, county_staff, library_head, municipality, theme, chief_free_world
):
    if connection.vendor != "postgresql":
        skip_or_fail("Parallel runs need PostgreSQL (SQLite serialises every writer)")
    project, participant = chief_free_world
    for n in range(12):
        _milestone(project, participant, county_staff, planned_on=DUE - timedelta(days=n * 4), name=f"Milepæl {n}")
    barrier, errors = threading.Barrier(2), []

    def beat():
        try:
            barrier.wait(10)
            escalation.run_reminders(now=on(DUE + timedelta(days=1)))
        except Exception as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    keys = list(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) and keys
    steps = list(EscalationStep.objects.values_list("milestone_id", "step", "due_on"))
    assert len(steps) == len(set(steps))
    # The same as one run alone would give: ladder steps by how late each milestone is.
    expected = sum(len(escalation.due_steps(project, 1 + n * 4)) for n in range(12))
    assert len(steps) == expected


@pytest.fixture
def chief_free_world(county, county_staff, municipality, theme, library_head):
    project = make_active(
        services.create_project(
            county=county,
            by=county_staff,
            title="Parallelt",
            theme=theme,
            purpose="p",
            start_on=date(2026, 1, 1),
            end_on=date(2027, 1, 1),
        )
    )
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.ACTIVE)  # it said yes
    participant.status = Participant.Status.ACTIVE
    return project, participant


# ---------------------------------------------------------------- daylight saving


@pytest.mark.django_db
def test_spring_forward_night_uses_the_oslo_date(active_project, participant, county_staff, library_head):
    """2026-03-29: clocks go from 02:00 to 03:00. 07:00 CEST is 05:00 UTC."""
    Project.objects.filter(pk=active_project.pk).update(escalation_reminder_days=1)
    milestone = _milestone(active_project, participant, county_staff, planned_on=date(2026, 3, 29))
    escalation.run_reminders(now=datetime(2026, 3, 28, 5, 59, tzinfo=ZoneInfo("UTC")))  # 06:59 CET on the 28th
    assert OutboxMessage.objects.count() == 1  # coming up
    escalation.run_reminders(now=datetime(2026, 3, 29, 5, 0, tzinfo=ZoneInfo("UTC")))  # 07:00 CEST: due today
    assert OutboxMessage.objects.count() == 1 and _steps(milestone) == []
    escalation.run_reminders(now=datetime(2026, 3, 29, 22, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 on the 30th in Oslo
    step = EscalationStep.objects.get(milestone=milestone)
    assert step.step == "reminder" and step.overdue_days == 1


@pytest.mark.django_db
def test_fall_back_night_uses_the_oslo_date(active_project, participant, county_staff, library_head):
    """2026-10-25: clocks go from 03:00 back to 02:00. 00:30 CEST on the 25th is still the 24th in UTC."""
    Project.objects.filter(pk=active_project.pk).update(escalation_reminder_days=1)
    milestone = _milestone(active_project, participant, county_staff, planned_on=date(2026, 10, 24))
    escalation.run_reminders(now=datetime(2026, 10, 24, 21, 59, tzinfo=ZoneInfo("UTC")))  # 23:59 on the 24th
    assert _steps(milestone) == []
    escalation.run_reminders(now=datetime(2026, 10, 24, 22, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 on the 25th
    assert _steps(milestone) == ["reminder"]
    # 07:00 CET (06:00 UTC) the same Oslo day, and 02:30 twice in the repeated hour: nothing new.
    for now in [
        datetime(2026, 10, 25, 6, 0, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")),
    ]:
        assert escalation.run_reminders(now=now).messages == 0
    assert EscalationStep.objects.get(milestone=milestone).due_on == date(2026, 10, 24)


def _next_run(schedule: crontab, last_run: datetime) -> datetime:
    """When beat fires next after `last_run` (Celery's own arithmetic, in the app's time zone)."""
    from config.celery import app

    bound = crontab(minute=schedule._orig_minute, hour=schedule._orig_hour, app=app, nowfun=lambda: last_run)
    # Celery measures the wait in real time; add it in UTC, not on the Oslo wall clock.
    return last_run.astimezone(ZoneInfo("UTC")) + bound.remaining_estimate(last_run)


@pytest.mark.parametrize(
    "last_run, expected_utc",
    [
        (datetime(2026, 3, 28, 7, 0, tzinfo=OSLO), datetime(2026, 3, 29, 5, 0, tzinfo=ZoneInfo("UTC"))),
        (datetime(2026, 10, 24, 7, 0, tzinfo=OSLO), datetime(2026, 10, 25, 6, 0, tzinfo=ZoneInfo("UTC"))),
    ],
)
def test_beat_runs_the_reminders_at_seven_oslo_time_across_the_change(last_run, expected_utc):
    entry = settings.CELERY_BEAT_SCHEDULE["follow-up-reminders"]
    assert entry["task"] == "followup.tasks.send_reminders_task" and settings.CELERY_TIMEZONE == "Europe/Oslo"
    schedule = entry["schedule"]
    assert schedule.hour == {7} and schedule.minute == {0}
    assert _next_run(schedule, last_run) == expected_utc
    assert "followup.tasks.recompute_health_task" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


# ------------------------------------------- one message per person per run, to someone real


def _messages_to(address):
    return list(OutboxMessage.objects.filter(recipient=address).order_by("pk"))


@pytest.mark.django_db
def test_one_run_sends_each_person_one_message_listing_all_their_milestones(
    active_project, participant, county_staff, library_head, chief, mailoutbox
):
    """26 late milestones used to be 26 e-mails to the library head and as many proposed letters."""
    for i in range(26):
        _milestone(
            active_project, participant, county_staff, planned_on=DUE - timedelta(days=i), name=f"Milepæl {i:02d}"
        )
    run = _run(DUE + timedelta(days=50))
    [to_head] = _messages_to(library_head.email)
    assert to_head.subject == "Fremdrift: 26 milepæler trenger oppmerksomhet"
    text = to_head.body_text
    assert f"{active_project.title} – {participant.municipality.name}" in text
    assert text.count("dager forsinket") == 26
    assert text.index("«Milepæl 25»") < text.index("«Milepæl 00»")  # the latest first
    [to_leader] = _messages_to(county_staff.email)  # alerts and the review, in one
    assert to_leader.kind == "escalation" and "Biblioteksjefen har fått en påminnelse." in to_leader.body_text
    proposed = EscalationStep.objects.filter(step="leadership", status=EscalationStep.Status.PROPOSED)
    assert proposed.count() == 1  # one letter for Tromsø in this project
    letter = proposed.get()
    assert "26 milepæler er forsinket:" in letter.body and letter.body.count("dager forsinket") == 26
    assert EscalationStep.objects.filter(step="leadership", status=EscalationStep.Status.IN_LETTER).count() == 25
    assert run.messages == 2
    again = _run(DUE + timedelta(days=50, hours=2))
    assert again.messages == 0 and OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_a_step_with_nobody_to_send_to_is_recorded_as_such_and_shown_as_a_gap(
    client, county, active_project, participant, county_staff
):
    """Tromsø has no library head with a login: the reminder step is 'no recipient', not 'sent', and
    the project leader and the dashboard are told what to fix."""
    milestone = _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=8))
    step = EscalationStep.objects.get(milestone=milestone, step="reminder")
    assert step.status == EscalationStep.Status.NO_RECIPIENT and step.recipients == ""
    [to_leader] = _messages_to(county_staff.email)
    assert (
        f"{participant.municipality.name} har ingen biblioteksjef med innlogging — legg til en kontakt eller inviter"
        in to_leader.body_text
    )
    _run(DUE + timedelta(days=21))
    alert_mail = _messages_to(county_staff.email)[-1].body_text
    assert "Ingen kunne få påminnelse" in alert_mail and "har fått en påminnelse" not in alert_mail
    client.force_login(county_staff)
    page = client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})).content.decode()
    assert f"{participant.municipality.name} har ingen biblioteksjef med innlogging" in page


@pytest.mark.django_db
def test_invited_municipalities_that_never_said_yes_do_not_climb_the_ladder(
    active_project, participant, county_staff, library_head
):
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.INVITED)
    _milestone(active_project, participant, county_staff)
    _run(DUE + timedelta(days=286))
    assert not EscalationStep.objects.exists() and not _messages_to(library_head.email)


@pytest.mark.django_db
def test_at_scale_nobody_gets_more_than_one_message_per_run(county, county_staff, theme):
    """Eight projects, each with six municipalities and five late milestones per municipality."""
    from accounts.models import Membership
    from tests.factories import MunicipalityFactory, make_user

    projects = []
    for p in range(8):
        project = services.create_project(
            county=county,
            by=county_staff,
            title=f"Prosjekt {p}",
            theme=theme,
            purpose="p",
            start_on=date(2026, 1, 1),
            end_on=date(2027, 12, 31),
        )
        projects.append(make_active(project))
    municipalities = [MunicipalityFactory(county=county, number=f"57{i:02d}") for i in range(6)]
    for municipality in municipalities:
        make_user(
            Membership.Role.LIBRARY_HEAD, municipality=municipality, email=f"sjef{municipality.number}@example.no"
        )
    for project in projects:
        for invited in services.invite_participants(project=project, municipalities=municipalities, by=county_staff):
            Participant.objects.filter(pk=invited.pk).update(status=Participant.Status.ACTIVE)
            for i in range(5):
                Milestone.objects.create(
                    project=project,
                    participant=invited,
                    name=f"M{i}",
                    planned_on=DUE - timedelta(days=i),
                    original_planned_on=DUE - timedelta(days=i),
                )
    _run(DUE + timedelta(days=45))
    per_recipient = {}
    for address in OutboxMessage.objects.values_list("recipient", flat=True):
        per_recipient[address] = per_recipient.get(address, 0) + 1
    assert len(per_recipient) == 7 and set(per_recipient.values()) == {1}  # six library heads and the leader
    assert EscalationStep.objects.filter(status=EscalationStep.Status.PROPOSED).count() == 8 * 6
    one_head = OutboxMessage.objects.get(recipient="sjef5700@example.no")
    assert one_head.body_text.count("dager forsinket") == 8 * 5
