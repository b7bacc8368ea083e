"""Meetings: objectives before scheduling, invitations with .ics (same UID, higher SEQUENCE on
move and cancel), attendance with the "together" flag, outcomes per objective."""

from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Position
from notifications.models import OutboxMessage
from notifications.services import send_batch
from followup.services import meetings
from followup.models import Meeting
from projects.services import ProjectError
from planning.standard_kits import install_standard_kits
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, participant  # noqa: F401

pytestmark = pytest.mark.django_db


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def ics_props(text: str) -> dict:
    props = {}
    for line in unfold(text):
        if ":" in line:
            key, value = line.split(":", 1)
            props.setdefault(key.split(";")[0], value)
    return props


@pytest.fixture
def leaders(participant):
    county = participant.project.county
    return [
        ContactFactory(municipality=participant.municipality, name="Per Rådmann", email="radmann@tromso.example",
                       position=position(county, Position.Code.CHIEF_EXECUTIVE)),
        ContactFactory(municipality=participant.municipality, name="Kari Ordfører", email="ordforer@tromso.example",
                       position=position(county, Position.Code.MAYOR)),
    ]


def _meeting(project, by, *, objectives=("Alle vet hva rommet skal brukes til",), kind="workshop", days=14, **extra):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    fields = {"place": "Tromsø bibliotek"} | extra
    return meetings.save_meeting(project=project, by=by, objectives=list(objectives), kind=kind, title="Romverksted",
                                 starts_at=starts, ends_at=starts + timedelta(hours=3), **fields)


def _invitations(email):
    return list(OutboxMessage.objects.filter(recipient=email, kind="meeting").order_by("id"))


def test_scheduling_is_refused_without_objectives(active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff, objectives=[])
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)
    with pytest.raises(ValidationError) as refused:
        meetings.schedule_meeting(meeting=meeting, by=county_staff)
    assert "objectives" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT and not OutboxMessage.objects.exists()


def test_scheduling_refused_on_the_page_with_a_message(client, active_project, county_staff):
    meeting = _meeting(active_project, county_staff, objectives=[])
    client.force_login(county_staff)
    response = client.post(reverse("followup:meeting-schedule", kwargs={"pk": active_project.pk, "meeting_pk": meeting.pk}),
                           follow=True)
    assert "Skriv minst ett mål før møtet planlegges." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_invitation_move_and_cancel_keep_the_uid_and_raise_the_sequence(active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    (first,) = _invitations("radmann@tromso.example")
    invite = first.attachments[0]
    assert invite["filename"] == "invitation.ics" and invite["mimetype"] == "text/calendar; method=REQUEST"
    props = ics_props(invite["content"])
    assert props["METHOD"] == "REQUEST" and props["UID"] == meeting.uid and props["SEQUENCE"] == "0"
    assert props["STATUS"] == "CONFIRMED" and "Alle vet hva rommet skal brukes til" in props["DESCRIPTION"]

    meeting.refresh_from_db()
    meetings.save_meeting(project=active_project, by=county_staff, meeting=meeting, objectives=["Alle vet hva rommet skal brukes til"],
                          kind="workshop", title=meeting.title, place=meeting.place,
                          starts_at=meeting.starts_at + timedelta(days=1), ends_at=meeting.ends_at + timedelta(days=1))
    moved = _invitations("radmann@tromso.example")[-1]
    props = ics_props(moved.attachments[0]["content"])
    assert props["UID"] == meeting.uid and props["SEQUENCE"] == "1" and props["METHOD"] == "REQUEST"
    assert props["DTSTART"] == (meeting.starts_at + timedelta(days=1)).astimezone(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")

    meetings.cancel_meeting(meeting=meeting, by=county_staff)
    cancelled = _invitations("radmann@tromso.example")[-1]
    assert cancelled.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"
    props = ics_props(cancelled.attachments[0]["content"])
    assert props["UID"] == meeting.uid and props["SEQUENCE"] == "2"
    assert props["METHOD"] == "CANCEL" and props["STATUS"] == "CANCELLED"
    assert len(_invitations("radmann@tromso.example")) == 3
    with pytest.raises(ProjectError):
        meetings.cancel_meeting(meeting=meeting, by=county_staff)


def test_saving_without_changes_sends_nothing_new(active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    meeting.refresh_from_db()
    meetings.save_meeting(project=active_project, by=county_staff, meeting=meeting, objectives=[o.text for o in meeting.objectives.all()],
                          kind=meeting.kind, title=meeting.title, place=meeting.place, starts_at=meeting.starts_at,
                          ends_at=meeting.ends_at, agenda="Kaffe først")
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and OutboxMessage.objects.count() == 2


def test_the_invitation_arrives_by_smtp_with_the_calendar_part(active_project, county_staff, leaders, settings, smtp_server):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    meeting = _meeting(active_project, county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    send_batch()
    (received,) = smtp_server.messages
    calendar = next(part for part in received["message"].walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert f"UID:{meeting.uid}" in unfold(calendar.get_content())


def test_a_digital_meeting_links_the_ground_rules(active_project, county_staff, leaders):
    install_standard_kits(active_project.county)
    with pytest.raises(ValidationError):
        _meeting(active_project, county_staff, kind="digital", place="")
    meeting = _meeting(active_project, county_staff, kind="digital", place="", video_link="https://video.example/rom")
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    message = OutboxMessage.objects.get(kind="meeting")
    rules = reverse("planning:handbook-page", kwargs={"number": active_project.county.number, "slug": "kjoreregler-lyd-og-bilde"})
    assert rules in message.body_text and rules in message.attachments[0]["content"].replace("\r\n ", "")


def test_attendance_flags_chief_executive_and_mayor_together_and_outcomes(client, active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff, objectives=["Felles romplan", "Avklare roller"], days=-1)
    invitees = meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    with pytest.raises(ProjectError):
        meetings.record_outcome(meeting=meeting, by=county_staff, outcomes={})
    meetings.record_attendance(meeting=meeting, by=county_staff, attended_ids=[invitees[0].pk])
    assert meetings.leaders_attended_together(meeting) == []
    meetings.record_attendance(meeting=meeting, by=county_staff, attended_ids=[i.pk for i in invitees])
    assert [m.pk for m in meetings.leaders_attended_together(meeting)] == [leaders[0].municipality_id]
    first, second = meeting.objectives.all()
    meetings.record_outcome(meeting=meeting, by=county_staff, notes="Godt møte.",
                            outcomes={first.pk: ("achieved", ""), second.pk: ("partly", "Teknisk mangler")})
    client.force_login(county_staff)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Godt møte." in page and "Teknisk mangler" in page
    assert "Kommunedirektøren og ordføreren i Tromsø deltok begge." in page


def test_attendance_cannot_be_recorded_before_the_meeting(active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff)
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    with pytest.raises(ProjectError):
        meetings.record_attendance(meeting=meeting, by=county_staff, attended_ids=[])


def test_removed_invitee_gets_a_cancellation_and_a_new_one_an_invitation(active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[1:])
    assert _invitations("radmann@tromso.example")[-1].attachments[0]["mimetype"].endswith("CANCEL")
    assert _invitations("ordforer@tromso.example")[0].attachments[0]["mimetype"].endswith("REQUEST")
    assert [i.email for i in meeting.invitees.all()] == ["ordforer@tromso.example"]
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)  # invited again: a new invitation
    assert _invitations("radmann@tromso.example")[-1].attachments[0]["mimetype"].endswith("REQUEST")
    assert len(_invitations("radmann@tromso.example")) == 3 and len(_invitations("ordforer@tromso.example")) == 1


def test_ics_text_is_escaped_and_folded():
    from followup import ics

    assert ics.escape("a;b,c\\d\nny linje") == "a\\;b\\,c\\\\d\\nny linje"
    line = "DESCRIPTION:" + "Gáivuotna – Kåfjord " * 10
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
