"""Meetings: objectives before scheduling, invitations with .ics (same UID, higher SEQUENCE on
move and cancel), attendance with the "together" flag, outcomes per objective."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from followup.models import Meeting
from followup.services import meetings
from municipalities.models import Position
from notifications.models import OutboxMessage
from notifications.services import send_batch
from planning.standard_kits import install_standard_kits
from projects.services import ProjectError
from tests.factories import ContactFactory, position
from tests.followup.helpers import active_project, participant  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(participant):
    county = participant.project.county
    return [
        ContactFactory(
            municipality=participant.municipality,
            name="Per Rådmann",
            email="radmann@tromso.example",
            position=position(county, Position.Code.CHIEF_EXECUTIVE),
        ),
        ContactFactory(
            municipality=participant.municipality,
            name="Kari Ordfører",
            email="ordforer@tromso.example",
            position=position(county, Position.Code.MAYOR),
        ),
    ]


def _meeting(project, by, *, objectives=("Alle vet hva rommet skal brukes til",), kind="workshop", days=14, **extra):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    fields = {"place": "Tromsø bibliotek"} | extra
    return meetings.save_meeting(
        project=project,
        by=by,
        objectives=list(objectives),
        kind=kind,
        title="Romverksted",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        **fields,
    )


def _invitations(email):
    return list(OutboxMessage.objects.filter(recipient=email, kind="meeting").order_by("id"))


def _attached(message) -> tuple[Calendar, dict]:
    """The invitation's .ics as a calendar client reads it: the calendar and its one VEVENT."""
    (attachment,) = message.attachments
    assert attachment["filename"] == "invitation.ics"
    calendar = Calendar.from_ical(attachment["content"])
    (event,) = calendar.events
    return calendar, event


def _mailtos(event) -> set[str]:
    return {str(attendee) for attendee in event.attendees}


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
    response = client.post(
        reverse("followup:meeting-schedule", kwargs={"pk": active_project.pk, "meeting_pk": meeting.pk}), follow=True
    )
    assert "Skriv minst ett mål før møtet planlegges." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_invitation_move_and_cancel_keep_the_uid_and_raise_the_sequence(
    active_project, county_staff, leaders, settings
):
    county = active_project.county
    county.sender_name, county.sender_email = "Troms fylkesbibliotek", "bibliotek@tromsfylke.example"
    county.save()
    meeting = _meeting(active_project, county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    (first,) = _invitations("radmann@tromso.example")
    assert first.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
    calendar, event = _attached(first)
    assert calendar.method == "REQUEST" and event.uid == meeting.uid and event.sequence == 0
    assert event.status == "CONFIRMED" and "Alle vet hva rommet skal brukes til" in event.description
    assert event.start == meeting.starts_at and event.end == meeting.ends_at
    assert event.DTSTAMP.tzinfo is not None and event.DTSTAMP.utcoffset() == timedelta(0)
    assert event.organizer.email == "bibliotek@tromsfylke.example" and event.organizer.name == "Troms fylkesbibliotek"
    assert _mailtos(event) == {"mailto:radmann@tromso.example", "mailto:ordforer@tromso.example"}
    assert {a.name for a in event.attendees} == {"Per Rådmann", "Kari Ordfører"}
    assert {(a.params["ROLE"], a.params["RSVP"]) for a in event.attendees} == {("REQ-PARTICIPANT", "FALSE")}
    assert event.url == f"{settings.SITE_URL}{meeting.get_absolute_url()}" and event.location == "Tromsø bibliotek"

    meeting.refresh_from_db()
    new_start = meeting.starts_at + timedelta(days=1)
    meetings.save_meeting(
        project=active_project,
        by=county_staff,
        meeting=meeting,
        objectives=["Alle vet hva rommet skal brukes til"],
        kind="workshop",
        title=meeting.title,
        place=meeting.place,
        starts_at=new_start,
        ends_at=meeting.ends_at + timedelta(days=1),
    )
    calendar, event = _attached(_invitations("radmann@tromso.example")[-1])
    assert calendar.method == "REQUEST" and event.uid == meeting.uid and event.sequence == 1
    assert event.start == new_start

    meeting.refresh_from_db()
    meetings.save_meeting(
        project=active_project,
        by=county_staff,
        meeting=meeting,
        objectives=["Alle vet hva rommet skal brukes til"],
        kind="workshop",
        title=meeting.title,
        place="Rådhuset, møterom 2",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
    )
    moved_twice = _invitations("radmann@tromso.example")[-1]
    assert moved_twice.subject.startswith("Endret:")
    calendar, event = _attached(moved_twice)
    assert calendar.method == "REQUEST" and event.uid == meeting.uid and event.sequence == 2
    assert event.location == "Rådhuset, møterom 2" and event.start == new_start

    meetings.cancel_meeting(meeting=meeting, by=county_staff)
    cancelled = _invitations("radmann@tromso.example")[-1]
    assert cancelled.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"
    calendar, event = _attached(cancelled)
    assert calendar.method == "CANCEL" and event.status == "CANCELLED"
    assert event.uid == meeting.uid and event.sequence == 3
    assert event.organizer.email == "bibliotek@tromsfylke.example" and "mailto:radmann@tromso.example" in _mailtos(
        event
    )
    assert len(_invitations("radmann@tromso.example")) == 4
    with pytest.raises(ProjectError):
        meetings.cancel_meeting(meeting=meeting, by=county_staff)


def test_meeting_times_are_utc_instants_that_show_at_the_oslo_time_set(active_project, county_staff, leaders):
    """A meeting at 10:00 in Oslo, in summer (CEST) and in winter (CET): DTSTART is the instant in
    UTC, with no TZID that would need a VTIMEZONE, and reads as 10:00 in Oslo."""
    oslo = ZoneInfo("Europe/Oslo")
    year = timezone.localdate().year + 1
    for day, utc_hour in ((date(year, 6, 18), 8), (date(year, 1, 14), 9)):
        starts = datetime(day.year, day.month, day.day, 10, tzinfo=oslo)
        meeting = meetings.save_meeting(
            project=active_project,
            by=county_staff,
            objectives=["Felles romplan"],
            kind="workshop",
            title="Romverksted",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Tromsø bibliotek",
        )
        meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
        meetings.schedule_meeting(meeting=meeting, by=county_staff)
        message = OutboxMessage.objects.get(kind="meeting", object_id=meeting.pk)
        calendar, event = _attached(message)
        assert event.start == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
        assert event.start.utcoffset() == timedelta(0) and "TZID" not in event["DTSTART"].params
        assert event.start.astimezone(oslo).hour == 10 and event.end.astimezone(oslo).hour == 12
        assert calendar.get_missing_tzids() == set()  # every TZID used has its VTIMEZONE (none is used)


def test_saving_without_changes_sends_nothing_new(active_project, county_staff, leaders):
    meeting = _meeting(active_project, county_staff)
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    meeting.refresh_from_db()
    meetings.save_meeting(
        project=active_project,
        by=county_staff,
        meeting=meeting,
        objectives=[o.text for o in meeting.objectives.all()],
        kind=meeting.kind,
        title=meeting.title,
        place=meeting.place,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        agenda="Kaffe først",
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and OutboxMessage.objects.count() == 2


def _received_calendar(received) -> tuple[object, Calendar]:
    """The text/calendar part of an e-mail as the SMTP server received it, and what it parses to."""
    (part,) = [part for part in received["message"].walk() if part.get_content_type() == "text/calendar"]
    return part, Calendar.from_ical(part.get_content())


def test_the_invitation_and_cancellation_arrive_by_smtp_with_calendar_parts(
    active_project, county_staff, leaders, settings, smtp_server
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    meeting = _meeting(active_project, county_staff, agenda="Kaffe, kake og ŋ-lyden;\nRomplanen i Gáivuotna")
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    send_batch()
    (received,) = smtp_server.messages
    assert received["to"] == ["radmann@tromso.example"]
    part, calendar = _received_calendar(received)
    assert part.get_param("method") == "REQUEST" and part.get_filename() == "invitation.ics"
    (event,) = calendar.events
    assert calendar.method == "REQUEST" and event.uid == meeting.uid and event.sequence == 0
    assert _mailtos(event) == {"mailto:radmann@tromso.example"}
    assert "Kaffe, kake og ŋ-lyden;\nRomplanen i Gáivuotna" in event.description  # as typed, through e-mail

    meetings.cancel_meeting(meeting=meeting, by=county_staff)
    send_batch()
    assert len(smtp_server.messages) == 2
    part, calendar = _received_calendar(smtp_server.messages[1])
    assert part.get_param("method") == "CANCEL" and part.get_filename() == "invitation.ics"
    (event,) = calendar.events
    assert calendar.method == "CANCEL" and event.status == "CANCELLED"
    assert event.uid == meeting.uid and event.sequence == 1


def test_a_digital_meeting_links_the_ground_rules(active_project, county_staff, leaders):
    install_standard_kits(active_project.county)
    with pytest.raises(ValidationError):
        _meeting(active_project, county_staff, kind="digital", place="")
    meeting = _meeting(active_project, county_staff, kind="digital", place="", video_link="https://video.example/rom")
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    message = OutboxMessage.objects.get(kind="meeting")
    rules = reverse(
        "planning:handbook-page", kwargs={"number": active_project.county.number, "slug": "kjoreregler-lyd-og-bilde"}
    )
    _calendar, event = _attached(message)
    assert rules in message.body_text and rules in event.description
    assert "https://video.example/rom" in event.description and event.location == "https://video.example/rom"


def test_attendance_flags_chief_executive_and_mayor_together_and_outcomes(
    client, active_project, county_staff, leaders
):
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
    meetings.record_outcome(
        meeting=meeting,
        by=county_staff,
        notes="Godt møte.",
        outcomes={first.pk: ("achieved", ""), second.pk: ("partly", "Teknisk mangler")},
    )
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
    invited_sequence = _attached(_invitations("radmann@tromso.example")[-1])[1].get("sequence")
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[1:])
    removed = _invitations("radmann@tromso.example")[-1]
    assert removed.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"
    # RFC 5546 §3.2.5: a CANCEL naming only the one taken off, a higher SEQUENCE, the meeting not cancelled.
    calendar, event = _attached(removed)
    assert calendar.method == "CANCEL" and event.status != "CANCELLED" and event.uid == meeting.uid
    assert _mailtos(event) == {"mailto:radmann@tromso.example"}
    assert event.get("sequence") > invited_sequence
    assert "Du er tatt av invitasjonslisten" in removed.body_text and "avlyst" not in removed.body_text
    assert removed.subject.startswith("Tatt av invitasjonslisten: ")
    added = _invitations("ordforer@tromso.example")[0]
    assert added.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
    calendar, event = _attached(added)
    assert calendar.method == "REQUEST" and event.status == "CONFIRMED" and event.uid == meeting.uid
    assert "mailto:ordforer@tromso.example" in _mailtos(event)
    assert [i.email for i in meeting.invitees.all()] == ["ordforer@tromso.example"]
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders)  # invited again: a new invitation
    again = _invitations("radmann@tromso.example")[-1]
    assert again.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
    assert _attached(again)[0].method == "REQUEST"
    assert len(_invitations("radmann@tromso.example")) == 3 and len(_invitations("ordforer@tromso.example")) == 1


def test_special_characters_survive_the_round_trip_and_lines_are_folded(active_project, county_staff, participant):
    """Sámi letters, commas, semicolons, backslashes and line breaks come back as typed; the text
    on the wire keeps every line within 75 octets and ends lines with CRLF (RFC 5545 3.1)."""
    county = active_project.county
    contact = ContactFactory(
        municipality=participant.municipality,
        name='Ánte "Ŋuolas" Sárá, rådgiver',
        email="ante@tromso.example",
        position=position(county, Position.Code.CHIEF_EXECUTIVE),
    )
    title = "Møte i Gáivuotna, Kåfjord; Čáhcesuolu \\ ŋ"
    agenda = "1. Kaffe, kake; prat\n2. Romplan – Unjárga\n" + "Dálvi ja geassi, " * 8
    meeting = _meeting(
        active_project,
        county_staff,
        objectives=["Alle vet hva rommet skal brukes til, og hvorfor; ŋ"],
        place="Rådhuset, sal 2; inngang B",
        agenda=agenda,
    )
    meeting = meetings.save_meeting(
        project=active_project,
        by=county_staff,
        meeting=meeting,
        title=title,
        objectives=["Alle vet hva rommet skal brukes til, og hvorfor; ŋ"],
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        agenda=agenda,
    )
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=[contact])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    (message,) = _invitations("ante@tromso.example")
    text = message.attachments[0]["content"]
    _calendar, event = _attached(message)
    assert event.summary == title and event.location == "Rådhuset, sal 2; inngang B"
    assert agenda in event.description and "– Alle vet hva rommet skal brukes til, og hvorfor; ŋ" in event.description
    (attendee,) = event.attendees
    assert attendee.name == "Ánte Ŋuolas Sárá, rådgiver"  # quotes dropped: clients without RFC 6868 show them as codes
    assert attendee.email == "ante@tromso.example"
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long description was folded onto continuation lines


def test_a_contact_of_a_county_writing_nynorsk_gets_the_invitation_in_nynorsk_by_smtp(
    active_project, county_staff, leaders, settings, smtp_server
):
    """A contact has no account, so no language of their own: the county's written standard decides,
    for the e-mail and for the .ics shared by every invitee. Read back as the SMTP server received it."""
    county = active_project.county
    county.written_standard = "nn"
    county.save(update_fields=["written_standard"])
    county_staff.language = "en"  # the sender's own language plays no part
    county_staff.save(update_fields=["language"])
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    meeting = _meeting(active_project, county_staff, objectives=("Alle veit kva rommet skal brukast til",))
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=leaders[:1])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    send_batch()
    (received,) = smtp_server.messages
    message = received["message"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert message["Subject"].startswith("Invitasjon:")
    assert "Verkstad i prosjektet" in body and "Stad: Tromsø bibliotek" in body
    assert "Verksted" not in body and "Sted:" not in body
    _part, calendar = _received_calendar(received)
    (event,) = calendar.events
    assert "Alle veit kva rommet skal brukast til" in event.description
