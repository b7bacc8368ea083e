"""Participant health: the documented rules at their edges, stored with reasons, recomputed on change."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from followup import health
from followup.health import HealthFacts, assess, describe_reason
from followup.models import Meeting, Visit
from followup.services import meetings, progress, visits
from municipalities.models import Position
from planning import services as planning_services
from planning import stakeholders
from projects.models import Participant, Project
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, late_milestone, participant  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def _assess(participant, **facts):
    participant.project.refresh_from_db()
    return assess(participant, HealthFacts(last_progress=TODAY, last_visit=TODAY, **facts), today=TODAY)


def _codes(reasons):
    return {reason["code"]: reason["level"] for reason in reasons}


@pytest.mark.parametrize("overdue, expected", [(0, "green"), (1, "yellow"), (2, "yellow"), (3, "red"), (7, "red")])
def test_overdue_milestones_at_the_edges(participant, overdue, expected):
    health, reasons = _assess(participant, overdue=overdue)
    assert health == expected
    if overdue:
        assert reasons[0] == {"code": "overdue", "level": expected, "count": overdue, "days": 0}


@pytest.mark.parametrize("days, expected", [(44, "green"), (45, "yellow"), (89, "yellow"), (90, "red")])
def test_days_since_the_last_progress_entry_at_the_edges(participant, days, expected):
    health, reasons = assess(
        participant, HealthFacts(last_progress=TODAY - timedelta(days=days), last_visit=TODAY), today=TODAY
    )
    assert health == expected
    assert _codes(reasons).get("silence", "green") == expected


@pytest.mark.parametrize("days, expected", [(119, "green"), (120, "yellow"), (239, "yellow"), (240, "red")])
def test_days_since_the_last_visit_at_the_edges(participant, days, expected):
    health, _reasons = assess(
        participant, HealthFacts(last_progress=TODAY, last_visit=TODAY - timedelta(days=days)), today=TODAY
    )
    assert health == expected


@pytest.mark.parametrize("missed, expected", [(0, "green"), (1, "yellow"), (2, "red")])
def test_missed_meetings_at_the_edges(participant, missed, expected):
    assert _assess(participant, missed_meetings=missed)[0] == expected


def test_unsigned_agreement_and_stakeholder_gaps_are_yellow(participant):
    health, reasons = _assess(participant, unsigned_agreement=True, missing_positions=("Ordfører",))
    assert health == "yellow"
    assert _codes(reasons) == {"agreement": "yellow", "stakeholders": "yellow"}
    assert describe_reason(reasons[1]) == "Ingen i stillingen: Ordfører"


def test_worst_input_wins_and_red_reasons_come_first(participant):
    health, reasons = _assess(participant, overdue=1, missed_meetings=2)
    assert health == "red" and [r["code"] for r in reasons] == ["missed_meetings", "overdue"]


def test_a_threshold_of_zero_turns_the_input_off(participant, county):
    county.health_overdue_yellow = county.health_overdue_red = 0
    county.save()
    participant.project.county = county
    assert assess(participant, HealthFacts(overdue=9, last_progress=TODAY, last_visit=TODAY), today=TODAY)[0] == "green"


def test_without_any_entry_or_visit_days_count_from_joining(participant):
    participant.project.start_on = TODAY - timedelta(days=200)
    participant.invited_on = TODAY - timedelta(days=50)
    health, reasons = assess(participant, HealthFacts(), today=TODAY)
    assert health == "yellow"
    silence = next(r for r in reasons if r["code"] == "silence")
    assert silence == {"code": "silence", "level": "yellow", "days": 50, "never": True}
    assert "visit" not in _codes(reasons)  # 50 days is below the visit threshold


def test_participants_not_taking_part_or_projects_not_active_are_green(participant, county_staff):
    assert assess(participant, HealthFacts(overdue=5), today=TODAY)[0] == "red"
    participant.status = Participant.Status.WITHDRAWN
    assert assess(participant, HealthFacts(overdue=5), today=TODAY) == ("green", [])
    participant.status = Participant.Status.ACTIVE
    participant.project.status = Project.Status.CLOSING
    assert assess(participant, HealthFacts(overdue=5), today=TODAY) == ("green", [])


def test_logging_progress_recomputes_and_keeps_the_reasons(participant, active_project, county_staff, library_head):
    milestones = [late_milestone(active_project, participant, county_staff, days=d, name=f"M{d}") for d in (3, 5, 8)]
    participant.refresh_from_db()
    assert participant.health == "red"
    assert {
        "code": "overdue",
        "level": "red",
        "count": 3,
        "days": 8,
    } in participant.health_reasons  # the latest: 8 days
    assert participant.health_computed_at is not None
    for milestone in milestones:
        progress.log_progress(milestone=milestone, by=library_head, status="done", text="Ferdig.")
    participant.refresh_from_db()
    assert participant.health == "green" and participant.health_reasons == []


def test_a_completed_visit_and_attendance_feed_health(participant, active_project, county_staff):
    Project.objects.filter(pk=active_project.pk).update(start_on=timezone.localdate() - timedelta(days=300))
    Participant.objects.filter(pk=participant.pk).update(invited_on=timezone.localdate() - timedelta(days=300))
    health.recompute(participant)
    participant.refresh_from_db()
    assert "visit" in _codes(participant.health_reasons)
    visits.save_visit(
        participant=participant,
        by=county_staff,
        planned_on=timezone.localdate(),
        purpose="Besøk",
        status=Visit.Status.DONE,
    )
    participant.refresh_from_db()
    assert "visit" not in _codes(participant.health_reasons)

    head = ContactFactory(municipality=participant.municipality)
    start = timezone.now() - timedelta(hours=3)
    for n in range(2):
        meeting = meetings.save_meeting(
            project=active_project,
            by=county_staff,
            objectives=["Mål"],
            kind="workshop",
            title=f"Verksted {n}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Tromsø",
        )
        meetings.set_invitees(meeting=meeting, by=county_staff, contacts=[head])
        meetings.schedule_meeting(meeting=meeting, by=county_staff)
        meetings.record_attendance(meeting=meeting, by=county_staff, attended_ids=[])
    participant.refresh_from_db()
    assert participant.health == "red"
    assert {"code": "missed_meetings", "level": "red", "count": 2} in participant.health_reasons
    assert Meeting.objects.filter(status="held").count() == 2


def test_stakeholder_gaps_follow_the_stakeholder_check(participant, active_project, county_staff):
    planning_services.set_required_positions(
        project=active_project, by=county_staff, positions=[position(active_project.county, Position.Code.MAYOR)]
    )
    health.recompute(participant)
    participant.refresh_from_db()
    mayor = position(active_project.county, Position.Code.MAYOR).name
    assert {"code": "stakeholders", "level": "yellow", "positions": [mayor]} in participant.health_reasons
    assert [p.name for p in stakeholders.stakeholder_check(active_project)[0].missing] == [mayor]
    ContactFactory(municipality=participant.municipality, position=position(active_project.county, Position.Code.MAYOR))
    health.recompute_all()
    participant.refresh_from_db()
    assert "stakeholders" not in _codes(participant.health_reasons)


def test_nightly_recomputation_updates_without_history_and_greens_closed_projects(
    participant, active_project, county_staff
):
    late_milestone(active_project, participant, county_staff, days=5)
    Participant.objects.filter(pk=participant.pk).update(health="green", health_reasons=[])
    history_before = participant.history.count()
    assert health.recompute_all() == 1
    participant.refresh_from_db()
    assert participant.health == "yellow" and participant.history.count() == history_before
    assert health.recompute_all() == 0  # nothing changed the second night
    Project.objects.filter(pk=active_project.pk).update(status=Project.Status.CLOSING)
    health.recompute_all()
    participant.refresh_from_db()
    assert participant.health == "green" and participant.health_reasons == []


def test_an_amendment_waiting_names_the_version_in_force():
    reason = {"code": "agreement", "level": "yellow", "in_force": 1, "version": 2}
    assert describe_reason(reason | {"sent": True}) == "Versjon 1 gjelder; versjon 2 venter på signaturer"
    assert describe_reason(reason | {"sent": False}) == "Versjon 1 gjelder; versjon 2 er under arbeid"
    assert describe_reason({"code": "agreement", "level": "yellow"}) == "Avtalen er ikke signert"
