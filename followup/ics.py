"""iCalendar (RFC 5545) text for meeting invitations and the personal calendar feed.

Written by hand: the few properties used here need escaping, line folding at 75
octets and CRLF line ends, nothing more. Times are written in UTC (`...Z`), which
every calendar shows in its own time zone, so no VTIMEZONE block is needed.
"""

from datetime import date, datetime
from datetime import timezone as dt_timezone

from django.utils import timezone

PRODID = "-//Fremdrift//Fremdrift//NB"


def escape(text: str) -> str:
    text = str(text or "")
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Folds a content line at 75 octets without splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc(value: datetime) -> str:
    return value.astimezone(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def day(value: date) -> str:
    return value.strftime("%Y%m%d")


def calendar(events: list[list[tuple[str, str]]], *, method: str | None = None, name: str | None = None) -> str:
    lines = [("BEGIN", "VCALENDAR"), ("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN")]
    if method:
        lines.append(("METHOD", method))
    if name:
        lines.append(("X-WR-CALNAME", escape(name)))
    for event in events:
        lines += [("BEGIN", "VEVENT"), *event, ("END", "VEVENT")]
    lines.append(("END", "VCALENDAR"))
    return "".join(fold(f"{key}:{value}") + "\r\n" for key, value in lines)


def meeting_event(meeting, *, description: str, organizer: str, attendees=(), cancelled: bool = False, url: str = ""):
    """One VEVENT for a meeting: the same UID for its life, SEQUENCE as stored on the meeting."""
    event = [
        ("UID", meeting.uid),
        ("SEQUENCE", str(meeting.sequence)),
        ("DTSTAMP", utc(timezone.now())),
        ("DTSTART", utc(meeting.starts_at)),
        ("DTEND", utc(meeting.ends_at)),
        ("SUMMARY", escape(meeting.title)),
        ("DESCRIPTION", escape(description)),
        ("STATUS", "CANCELLED" if cancelled else "CONFIRMED"),
    ]
    location = meeting.place or meeting.video_link
    if location:
        event.append(("LOCATION", escape(location)))
    if url:
        event.append(("URL", url))
    if organizer:
        event.append(("ORGANIZER", f"mailto:{organizer}"))
    for name, email in attendees:
        event.append((f"ATTENDEE;CN=\"{_param(name)}\";ROLE=REQ-PARTICIPANT;RSVP=FALSE", f"mailto:{email}"))
    return event


def _param(value: str) -> str:
    """A parameter value in quotes: no quotes, control characters or line breaks inside."""
    return "".join(ch for ch in str(value) if ch not in '"\r\n' and ord(ch) >= 32)


def all_day_event(*, uid: str, on: date, summary: str, description: str = "", url: str = "", sequence: int = 0):
    from datetime import timedelta

    event = [
        ("UID", uid),
        ("SEQUENCE", str(sequence)),
        ("DTSTAMP", utc(timezone.now())),
        ("DTSTART;VALUE=DATE", day(on)),
        ("DTEND;VALUE=DATE", day(on + timedelta(days=1))),
        ("SUMMARY", escape(summary)),
    ]
    if description:
        event.append(("DESCRIPTION", escape(description)))
    if url:
        event.append(("URL", url))
    return event
