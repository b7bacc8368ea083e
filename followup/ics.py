"""iCalendar (RFC 5545) for meeting invitations (iTIP, RFC 5546) and the personal calendar feed.

Built with the `icalendar` library: it escapes text (commas, semicolons, backslashes, line
breaks), folds lines at 75 octets and writes CRLF line ends, and it refuses line breaks inside
addresses and links.

Meeting times are written in UTC (`...Z`), DTSTAMP too, as RFC 5545 allows for any single event:
a meeting is one instant, which UTC names exactly, and every calendar shows it in its own time
zone (Europe/Oslo for our users), so no TZID and no VTIMEZONE block is needed. A VTIMEZONE made
from the time zone database lists each year's change as an RDATE, which Outlook misreads (summer
meetings an hour off), and one with yearly rules would copy the EU rule by hand. Milestones and
visits are all-day events (DTSTART;VALUE=DATE, DTEND the day after: the end is exclusive).
"""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Fremdrift//Fremdrift//NB"


def calendar(events: list[Event], *, method: str | None = None, name: str | None = None) -> str:
    """The VCALENDAR text. `method` makes it an iTIP message (REQUEST, CANCEL); a feed has none."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.calendar_name = name  # NAME (RFC 7986) and X-WR-CALNAME, which more clients read
    for event in events:
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def meeting_event(
    meeting,
    *,
    description: str,
    organizer: tuple[str, str] | None = None,
    attendees=(),
    cancelled: bool = False,
    url: str = "",
) -> Event:
    """One VEVENT for a meeting: the same UID for its life, SEQUENCE as stored on the meeting.
    `organizer` and `attendees` are (name, e-mail address) pairs."""
    event = _event(uid=meeting.uid, sequence=meeting.sequence, summary=meeting.title, description=description, url=url)
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    if organizer and organizer[1]:
        event.add("organizer", _address(*organizer))
    for name, email in attendees:
        event.add("attendee", _address(name, email, role="REQ-PARTICIPANT", rsvp=False))
    return event


def all_day_event(
    *, uid: str, on: date, summary: str, description: str = "", url: str = "", sequence: int = 0
) -> Event:
    event = _event(uid=uid, sequence=sequence, summary=summary, description=description, url=url)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    return event


def _event(*, uid: str, sequence: int, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", _utc(timezone.now()))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _address(name: str, email: str, **params) -> vCalAddress:
    return vCalAddress.new(email, cn=_param(name) or None, **params)


def _param(value: str) -> str:
    """A name for a CN parameter: no quotes, control characters or line breaks, which clients
    without RFC 6868 would show as codes."""
    return "".join(ch for ch in str(value or "") if ch != '"' and ord(ch) >= 32 and ord(ch) != 127)
