"""The follow-up's e-mails as the recipient reads them once delivered: per-message templates in bokmål,
dates written the Norwegian way (1.12.2026, not 01.12.2026)."""

from datetime import date, timedelta

import pytest
from django.core import mail

from followup.models import EscalationStep
from followup.services import escalation, meetings, milestones
from municipalities.models import Position
from notifications.services import send_batch
from projects.models import Participant
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, on, participant  # noqa: F401

pytestmark = pytest.mark.django_db

DUE = date(2026, 12, 1)


def _delivered(address):
    send_batch()
    (message,) = [m for m in mail.outbox if m.to == [address]]
    html = message.alternatives[0][0] if message.alternatives else ""
    return message, html


@pytest.fixture(autouse=True)
def _participant_said_yes(request):
    if "participant" in request.fixturenames:
        participant = request.getfixturevalue("participant")
        Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.ACTIVE)


@pytest.fixture
def chief(participant):
    return ContactFactory(
        municipality=participant.municipality,
        name="Per Rådmann",
        email="radmann@tromso.example",
        position=position(participant.project.county, Position.Code.CHIEF_EXECUTIVE),
    )


def test_a_meeting_invitation_reads_in_bokmal_with_norwegian_dates(active_project, participant, county_staff, chief):
    meeting = meetings.save_meeting(
        project=active_project,
        by=county_staff,
        objectives=["Alle vet hva rommet skal brukes til"],
        kind="workshop",
        title="Romverksted",
        starts_at=on(DUE, 10),
        ends_at=on(DUE, 12),
        place="Tromsø bibliotek",
    )
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=[chief])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    message, html = _delivered(chief.email)
    assert message.subject == "Invitasjon: Romverksted, 1.12.2026"
    assert message.body.startswith(
        f"Verksted i prosjektet «{active_project.title}».\n\nTid: 1.12.2026 10:00–12:00\n\n"
        "Sted: Tromsø bibliotek\n\nDette vil vi oppnå:\n– Alle vet hva rommet skal brukes til\n"
    )
    assert "Sendt fra Fremdrift." in message.body
    assert "<p>Tid: 1.12.2026 10:00–12:00</p>" in html


def test_a_reminder_reads_in_bokmal_with_norwegian_dates(active_project, participant, county_staff, library_head):
    milestones.save_milestone(
        project=active_project, by=county_staff, name="Romplan ferdig", participant=participant, planned_on=DUE
    )
    escalation.run_reminders(now=on(DUE - timedelta(days=3)))
    message, _html = _delivered(library_head.email)
    where = participant.municipality.name
    assert message.subject == f"Snart: «Romplan ferdig» ({where}) innen 1.12.2026"
    assert message.body.startswith(
        f"Dagens oppfølging, det mest forsinkede først:\n\n{active_project.title} – {where}\n"
        "- «Romplan ferdig» er planlagt til 1.12.2026.\n"
    )


def test_the_escalation_letters_read_in_bokmal_with_norwegian_dates(
    active_project, participant, county_staff, library_head, chief
):
    milestones.save_milestone(
        project=active_project, by=county_staff, name="Romplan ferdig", participant=participant, planned_on=DUE
    )
    escalation.run_reminders(now=on(DUE + timedelta(days=7)))
    reminder, _html = _delivered(library_head.email)
    assert reminder.subject == "Påminnelse: «Romplan ferdig» er 7 dager forsinket"
    assert "planlagt til 1.12.2026" in reminder.body and "7 dager" in reminder.body
    assert EscalationStep.objects.get(step="reminder").subject == reminder.subject

    escalation.run_reminders(now=on(DUE + timedelta(days=42)))
    proposal = EscalationStep.objects.get(step="leadership")
    municipality = participant.municipality.name
    assert proposal.subject == f"Bibliotekprosjektet «{active_project.title}» i {municipality}"
    assert "1.12.2026" in proposal.body and "42 dager" in proposal.body and "\n\n" in proposal.body
    escalation.send_leadership_message(
        step=proposal, by=county_staff, to=[chief.email], subject=proposal.subject, body=proposal.body
    )
    letter, _html = _delivered(chief.email)
    assert letter.subject == proposal.subject and letter.body == proposal.body
