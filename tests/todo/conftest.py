"""A world in which every role has something to do: projects from the room kit with Tromsø (library head,
chief executive, mayor) and Gáivuotna (nobody can be reached there), agreements out for signature, an open
evaluation round with the expert asked, TTT periods without values, meetings, a red participant, a letter
to review, a failed e-mail, a pending invitation, a sealed agreement and a monthly report."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Invitation, Membership
from agreements.models import Agreement
from agreements.services import drafts, sending
from evaluations.models import Kind, MeasurementPeriod
from evaluations.services import rounds
from followup.models import EscalationStep, Meeting, MeetingInvitee
from notifications.models import OutboxMessage
from planning.kits import create_project_from_kit
from planning.standard_kits import install_standard_kits
from projects.models import ExpertAssignment, Indicator, Participant
from reports.models import Report
from tests.agreements.conftest import Slot, mayor, sign, signatories, stub_pdf  # noqa: F401 (fixtures)
from tests.conftest import make_active
from tests.evaluations.conftest import make_questionnaire
from tests.factories import make_user


def add_project(world, index: int):
    """One more active project with everything each role must act on."""
    today = timezone.localdate()
    staff, municipality, other = world["staff"], world["municipality"], world["other_municipality"]
    project = make_active(
        create_project_from_kit(
            kit=world["kit"],
            county=world["county"],
            by=staff,
            title=f"Nye bibliotekrom {index}",
            start_on=date(2026, 1, 5) + timedelta(days=index),
            municipalities=[municipality, other],
        )
    )
    project.leaders.add(staff)
    ours = project.participants.get(municipality=municipality)
    theirs = project.participants.get(municipality=other)
    ExpertAssignment.objects.create(project=project, user=world["expert"], role="Romplanlegging")
    draft = drafts.create_agreement(participant=ours, by=staff)
    Agreement.objects.filter(pk=draft.pk).update(requires_mayor=True, mayor_contact=world["signatories"].mayor)
    agreement = sending.send_for_signature(agreement=Agreement.objects.get(pk=draft.pk), by=staff)
    Agreement.objects.filter(pk=agreement.pk).update(sent_at=timezone.now() - timedelta(days=20))
    rounds.open_round(
        project=project,
        by=staff,
        kind=Kind.MIDTERM,
        questionnaire=world["questionnaire"],
        deadline=today + timedelta(days=5 + index),
        include_experts=True,
        title=f"Mellomevaluering {index}",
    )
    MeasurementPeriod.objects.create(
        project=project, period="before", starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=3)
    )
    Indicator.objects.create(project=project, name="Besøk")
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=9 + index), datetime.min.time())) + timedelta(
        hours=10
    )
    meeting = Meeting.objects.create(
        project=project,
        title=f"Verksted {index}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=Meeting.Status.SCHEDULED,
        created_by=staff,
    )
    for user in (world["head"], world["expert"]):
        MeetingInvitee.objects.create(meeting=meeting, user=user, name=user.get_full_name(), email=user.email)
    Participant.objects.filter(pk=theirs.pk).update(health=Participant.Health.RED)
    late = ours.milestones.filter(planned_on__lt=today).order_by("planned_on").first()
    EscalationStep.objects.create(
        participant=ours,
        milestone=late,
        step=EscalationStep.Step.LEADERSHIP,
        due_on=late.planned_on,
        overdue_days=(today - late.planned_on).days,
        status=EscalationStep.Status.PROPOSED,
    )
    their_late = theirs.milestones.filter(planned_on__lt=today).first()
    EscalationStep.objects.create(
        participant=theirs,
        milestone=their_late,
        step=EscalationStep.Step.REMINDER,
        due_on=their_late.planned_on,
        overdue_days=(today - their_late.planned_on).days,
        status=EscalationStep.Status.NO_RECIPIENT,
    )
    OutboxMessage.objects.create(
        recipient=f"borte{index}@example.no",
        from_email="fylke@example.no",
        subject="Påminnelse",
        body_text="…",
        message_id=f"<todo-{index}@example.no>",
        kind="reminder",
        county=world["county"],
        status=OutboxMessage.Status.FAILED,
    )
    invited = make_user(Membership.Role.LEADERSHIP, municipality=other, email=f"ny{index}@example.no", name="Ny")
    Invitation.objects.create(user=invited, county=world["county"], invited_by=staff)
    Report.objects.create(
        county=world["county"],
        kind=Report.Kind.MUNICIPALITY,
        month=date(2026, 10 + min(index, 1), 1),
        municipality=municipality,
        subject_key=f"municipality:{municipality.pk}",
        version=index + 1,
        status=Report.Status.READY,
        summary={"done": 2, "late": 3, "most_late_days": 40, "released": "0", "granted": "0", "next_deadlines": []},
    )
    return project


@pytest.fixture
def world(
    county,
    county_staff,
    county_admin,
    municipality,
    other_municipality,
    library_head,
    leadership,
    mayor,  # noqa: F811
    expert,
    signatories,  # noqa: F811
    stub_pdf,  # noqa: F811
):
    kit = install_standard_kits(county)[0]
    world = {
        "county": county,
        "staff": county_staff,
        "admin": county_admin,
        "municipality": municipality,
        "other_municipality": other_municipality,
        "head": library_head,
        "leadership": leadership,
        "mayor": mayor,
        "expert": expert,
        "kit": kit,
        "signatories": signatories,
        "questionnaire": make_questionnaire(county, county_staff),
    }
    # A sealed agreement for the leadership's news, in a project of its own.
    signed_project = make_active(
        create_project_from_kit(
            kit=kit,
            county=county,
            by=county_staff,
            title="Signert rom",
            start_on=date(2026, 1, 5),
            municipalities=[municipality],
        )
    )
    signed = sending.send_for_signature(
        agreement=drafts.create_agreement(
            participant=signed_project.participants.get(municipality=municipality), by=county_staff
        ),
        by=county_staff,
    )
    for slot, user in [
        (Slot.COUNTY, county_staff),
        (Slot.LIBRARY_HEAD, library_head),
        (Slot.CHIEF_EXECUTIVE, leadership),
    ]:
        sign(signed, slot, user)
    world["sealed"] = Agreement.objects.get(pk=signed.pk)
    world["projects"] = [add_project(world, 0)]
    return world
