"""Meetings, seminars, courses and start-ups: objectives first ("know what we want to achieve in
ALL meetings"), invitations with an .ics (one UID, a higher SEQUENCE on every change sent),
attendance and outcomes afterwards."""

from collections import defaultdict
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from municipalities.models import Position
from projects.models import Project
from projects.services import ProjectError, ensure_open
from shell.history import records_by
from shell.writes import save_changes

from .. import health, ics
from ..models import Meeting, MeetingInvitee, MeetingObjective
from .notices import absolute, notice

# Links a meeting's invitation carries beyond its own (e.g. the county's ground rules for digital
# meetings, from the handbook): functions (meeting) -> [(label, url)], registered by the apps that
# know them (planning) in their AppConfig.ready().
MEETING_LINKS = []


def register_meeting_links(function):
    MEETING_LINKS.append(function)
    return function


def extra_links(meeting: Meeting) -> list[tuple[str, str]]:
    return [link for function in MEETING_LINKS for link in function(meeting)]


def _check_meeting(*, kind, starts_at, ends_at, place, video_link) -> None:
    if starts_at and ends_at and ends_at < starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if kind == Meeting.Kind.DIGITAL and not video_link:
        raise ValidationError({"video_link": _("A digital meeting needs a video link.")})
    if kind != Meeting.Kind.DIGITAL and not place and not video_link:
        raise ValidationError({"place": _("Give a place or a video link.")})


def _set_objectives(meeting: Meeting, texts: list[str]) -> bool:
    texts = [text.strip()[:300] for text in texts if text and text.strip()]
    existing = list(meeting.objectives.all())
    changed = [o.text for o in existing] != texts
    for index, text in enumerate(texts):
        if index < len(existing):
            if existing[index].text != text:
                existing[index].text = text
                existing[index].save(update_fields=["text"])
        else:
            MeetingObjective.objects.create(meeting=meeting, text=text, order=index)
    for objective in existing[len(texts) :]:
        objective.delete()
    return changed


MEETING_FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "video_link", "agenda")
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "video_link", "title")


@records_by
@transaction.atomic
def save_meeting(*, project: Project, by, objectives: list[str], meeting: Meeting | None = None, **fields) -> Meeting:
    """Creates a draft meeting or changes one. A scheduled meeting that moves (time, place, link
    or title) gets a higher SEQUENCE and every invitee an updated invitation."""
    ensure_open(project)
    _check_meeting(**{name: fields.get(name) for name in ("kind", "starts_at", "ends_at", "place", "video_link")})
    if meeting is None:
        meeting = Meeting(project=project, created_by=by)
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, project=project)
        if not meeting.is_open:
            raise ProjectError(_("A held or cancelled meeting can no longer be changed."))
    if meeting.status == Meeting.Status.SCHEDULED and not [t for t in objectives if t.strip()]:
        raise ValidationError({"objectives": _("A scheduled meeting must keep at least one objective.")})
    moved = meeting.pk and any(getattr(meeting, name) != fields[name] for name in CALENDAR_FIELDS if name in fields)
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    if moved and meeting.status == Meeting.Status.SCHEDULED:
        meeting.sequence += 1
    save_changes(meeting, [*(name for name in MEETING_FIELDS if name in fields), "sequence"])
    objectives_changed = _set_objectives(meeting, objectives)
    if meeting.status == Meeting.Status.SCHEDULED and (moved or objectives_changed):
        if not moved:
            meeting.sequence += 1
            meeting.save(update_fields=["sequence"])
        _send_invitations(meeting, meeting.invitees.all(), update=True)
    return meeting


@records_by
@transaction.atomic
def set_invitees(*, meeting: Meeting, by, contacts=(), users=()) -> list[MeetingInvitee]:
    """Invitees from the county's contacts (and county staff as users). Someone added to a
    scheduled meeting is invited at once; someone removed gets a cancellation."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("project__county").get(pk=meeting.pk)
    ensure_open(meeting.project)
    if not meeting.is_open:
        raise ProjectError(_("A held or cancelled meeting can no longer be changed."))
    county_id = meeting.project.county_id
    if any(contact.county_id != county_id for contact in contacts):
        raise ValidationError({"contacts": _("Choose contacts of the project's county.")})
    wanted_contacts, wanted_users = {c.pk: c for c in contacts}, {u.pk: u for u in users}
    current = list(meeting.invitees.all())
    removed = [
        i
        for i in current
        if (i.contact_id and i.contact_id not in wanted_contacts)
        or (i.contact_id is None and i.user_id and i.user_id not in wanted_users)
    ]
    have_contacts = {i.contact_id for i in current if i.contact_id}
    have_users = {i.user_id for i in current if i.user_id}
    added = []
    for contact in contacts:
        if contact.pk not in have_contacts:
            added.append(
                MeetingInvitee(
                    meeting=meeting,
                    contact=contact,
                    user=contact.user,
                    municipality_id=contact.municipality_id,
                    position_code=contact.position.code,
                    name=contact.name,
                    email=contact.email,
                )
            )
    contact_users = {c.user_id for c in contacts if c.user_id} | have_users
    for user in users:
        if user.pk not in contact_users:
            added.append(MeetingInvitee(meeting=meeting, user=user, name=user.get_full_name(), email=user.email))
    bulk_create_with_history(added, MeetingInvitee)
    if meeting.status == Meeting.Status.SCHEDULED:
        if removed:
            # RFC 5546 §3.2.5: a CANCEL naming only those taken off, with a higher SEQUENCE; the meeting
            # itself goes on for the others.
            meeting.sequence += 1
            meeting.save(update_fields=["sequence"])
            _send_uninvitations(meeting, removed)
        _send_invitations(meeting, added)
    MeetingInvitee.objects.filter(pk__in=[i.pk for i in removed]).delete()
    return list(meeting.invitees.all())


@records_by
@transaction.atomic
def schedule_meeting(*, meeting: Meeting, by) -> Meeting:
    """Draft → scheduled, and invitations with an .ics to everyone invited. Refused without
    objectives: know what the meeting is to achieve before it is held."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("project__county").get(pk=meeting.pk)
    ensure_open(meeting.project)
    if meeting.status != Meeting.Status.DRAFT:
        raise ProjectError(_("Only a draft meeting can be scheduled."))
    if not meeting.objectives.exists():
        raise ValidationError({"objectives": _("State at least one objective before the meeting is scheduled.")})
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save(update_fields=["status"])
    _send_invitations(meeting, meeting.invitees.all())
    return meeting


@records_by
@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by) -> Meeting:
    """Cancels a draft or scheduled meeting; invitees of a scheduled one get a cancelling .ics
    (same UID, higher SEQUENCE)."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("project__county").get(pk=meeting.pk)
    ensure_open(meeting.project)
    if not meeting.is_open:
        raise ProjectError(_("Only a draft or scheduled meeting can be cancelled."))
    was_scheduled = meeting.status == Meeting.Status.SCHEDULED
    meeting.status = Meeting.Status.CANCELLED
    fields = ["status"]
    if was_scheduled:
        meeting.sequence += 1
        fields.append("sequence")
    meeting.save(update_fields=fields)
    if was_scheduled:
        _send_invitations(meeting, meeting.invitees.all(), cancel=True)
    return meeting


@records_by
@transaction.atomic
def record_attendance(*, meeting: Meeting, by, attended_ids) -> Meeting:
    """After the meeting: who came. The meeting becomes held; participants' health is recomputed."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("project").get(pk=meeting.pk)
    ensure_open(meeting.project)
    if meeting.status not in (Meeting.Status.SCHEDULED, Meeting.Status.HELD):
        raise ProjectError(_("Attendance is recorded for scheduled or held meetings."))
    if meeting.starts_at > timezone.now():
        raise ProjectError(_("Attendance can be recorded once the meeting has started."))
    attended_ids = {int(pk) for pk in attended_ids}
    invitees = list(meeting.invitees.all())
    for invitee in invitees:
        invitee.attended = invitee.pk in attended_ids
    # One UPDATE per batch, with a history record per invitee (who recorded the attendance).
    bulk_update_with_history(invitees, MeetingInvitee, ["attended"])
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    health.recompute_project(meeting.project)
    return meeting


@records_by
@transaction.atomic
def record_outcome(*, meeting: Meeting, by, outcomes: dict, notes: str = "") -> Meeting:
    """Per objective: achieved, partly or not (with a note), and notes from the meeting."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("project").get(pk=meeting.pk)
    ensure_open(meeting.project)
    if meeting.status != Meeting.Status.HELD:
        raise ProjectError(_("Record the attendance first: the outcome belongs to a held meeting."))
    for objective in meeting.objectives.all():
        outcome, note = outcomes.get(objective.pk, ("", ""))
        if outcome and outcome not in MeetingObjective.Outcome.values:
            raise ValidationError({"outcome": _("Unknown outcome.")})
        objective.outcome, objective.outcome_note = outcome, note
        objective.save(update_fields=["outcome", "outcome_note"])
    meeting.notes = notes
    meeting.save(update_fields=["notes"])
    return meeting


def leaders_attended_together(meeting: Meeting, invitees=None) -> list:
    """Municipalities whose chief executive and mayor both attended ("ideally together")."""
    invitees = invitees if invitees is not None else list(meeting.invitees.select_related("municipality"))
    seen = defaultdict(set)
    for invitee in invitees:
        if invitee.attended and invitee.municipality_id:
            seen[invitee.municipality].add(invitee.position_code)
    return [m for m, codes in seen.items() if {Position.Code.CHIEF_EXECUTIVE, Position.Code.MAYOR} <= codes]


def meeting_description(meeting: Meeting, objectives=None, *, links=None) -> str:
    """The text of an invitation: objectives, agenda, video link and the links other apps add
    (`links`, looked up when not given), such as the ground rules page of a digital meeting."""
    objectives = objectives if objectives is not None else list(meeting.objectives.all())
    parts = [_("What we want to achieve:")] + [f"– {o.text}" for o in objectives]
    if meeting.agenda:
        parts += ["", _("Agenda:"), meeting.agenda]
    if meeting.video_link:
        parts += ["", _("Video link: %(link)s") % {"link": meeting.video_link}]
    for label, url in links if links is not None else extra_links(meeting):
        parts += [f"{label}: {url}"]
    return "\n".join(parts)


def meeting_ics(meeting: Meeting, *, cancel: bool = False, attendees=None, uninvite: bool = False) -> str:
    """The iTIP message (RFC 5546) for a meeting: METHOD REQUEST (a new or changed invitation) or
    CANCEL (STATUS CANCELLED), with the meeting's UID and SEQUENCE, the county as ORGANIZER and
    `attendees` ((name, address) pairs; everyone invited with an address when not given)."""
    attendees = attendees if attendees is not None else [(i.name, i.email) for i in meeting.invitees.all() if i.email]
    with translation.override(meeting.project.county.written_standard):  # one text for every invitee
        description = meeting_description(meeting)
    event = ics.meeting_event(
        meeting,
        description=description,
        organizer=_organizer(meeting.project.county),
        attendees=attendees,
        cancelled=cancel and not uninvite,
        url=absolute(meeting.get_absolute_url()),
    )
    return ics.calendar([event], method="CANCEL" if cancel or uninvite else "REQUEST")


def _organizer(county) -> tuple[str, str]:
    """The organizer is the sender of the invitations: (name, address) of the county's From."""
    return parseaddr(county.from_email)


def _send_uninvitations(meeting: Meeting, invitees) -> int:
    """To each invitee taken off a scheduled meeting: "you are off the list", with a CANCEL naming only them."""
    county = meeting.project.county
    for invitee in [i for i in invitees if i.email]:
        text = meeting_ics(meeting, attendees=[(invitee.name, invitee.email)], uninvite=True)
        notice(
            to=invitee.user,
            email=invitee.email,
            message="meeting_uninvited",
            context={"meeting": meeting},
            kind="meeting",
            county=county,
            about=meeting,
            key=f"meeting:{meeting.pk}:seq{meeting.sequence}:UNINVITE:invitee{invitee.pk}",
            attachments=[{"filename": "invitation.ics", "content": text, "mimetype": "text/calendar; method=CANCEL"}],
        )
    return len(invitees)


def _send_invitations(meeting: Meeting, invitees, *, cancel: bool = False, update: bool = False) -> int:
    """One e-mail per invitee with an address, carrying the .ics (REQUEST, or CANCEL)."""
    invitees = [i for i in invitees if i.email]
    if not invitees:
        return 0
    text = meeting_ics(meeting, cancel=cancel)
    method = "CANCEL" if cancel else "REQUEST"
    county = meeting.project.county
    if cancel:
        message, context = "meeting_cancelled", {"meeting": meeting}
    else:
        with translation.override(county.written_standard):
            description = meeting_description(meeting)
        message, context = "meeting_invitation", {"meeting": meeting, "update": update, "description": description}
    for invitee in invitees:
        notice(
            to=invitee.user,
            email=invitee.email,
            message=message,
            context=context,
            kind="meeting",
            county=county,
            about=meeting,
            link=absolute(meeting.get_absolute_url()) if invitee.user_id else "",
            # Per invitee row: someone removed and invited again is a new row, and gets a new invitation.
            key=f"meeting:{meeting.pk}:seq{meeting.sequence}:{method}:invitee{invitee.pk}",
            attachments=[
                {"filename": "invitation.ics", "content": text, "mimetype": f"text/calendar; method={method}"}
            ],
        )
    return len(invitees)
