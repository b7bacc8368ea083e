"""Follow-up: milestones and progress, visits, meetings, participant health, the escalation
ladder and the daily reminders.

Every change is one transaction; changes to what participant health reads call
`recompute_health(participant)` in the same transaction. E-mail goes through the
outbox (notifications.services) with idempotency keys, so the daily job may run
twice, or on two beat instances at once, and still queue each message once.

Participant health — the rules (also shown as help on the follow-up dashboard)
------------------------------------------------------------------------------
Each input below is green, yellow or red; the participant's health is the worst.
The thresholds are the county's settings; a threshold of 0 turns that step off.

1. Overdue milestones: the participant's milestones, neither done nor skipped,
   whose planned date has passed. Yellow from `health_overdue_yellow`, red from
   `health_overdue_red` milestones.
2. Silence: days since the last progress entry for the participant (counted from
   the day it joined — the later of the project start and the invitation — when
   there is none). Yellow from `health_silence_yellow_days`, red from
   `health_silence_red_days`.
3. Visits: days since the last completed visit (counted the same way when there
   has been none). Yellow from `health_visit_yellow_days`, red from
   `health_visit_red_days`.
4. Missed meetings: held meetings of the project to which the municipality was
   invited and where nobody from it attended. Yellow from
   `health_missed_meetings_yellow`, red from `health_missed_meetings_red`.
5. An agreement sent to the participant and not yet signed: yellow.
6. Stakeholder gaps: a position the project requires that nobody in the
   municipality fills (projects.planning.stakeholder_check): yellow.

Only participants taking part (invited, committed, active) in an active project
are assessed; the others are green without reasons.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, User
from municipalities.permissions import is_staff_of
from documents.attachments import check_upload, store_checked
from municipalities.models import Contact, Position
from notifications.models import OutboxMessage
from notifications.services import queue_email, queue_templated_email

from .models import (
    CalendarFeed,
    EscalationStep,
    Meeting,
    MeetingInvitee,
    MeetingObjective,
    Milestone,
    Participant,
    ProgressEntry,
    Project,
    Visit,
)
from .services import ProjectError, ensure_open

logger = logging.getLogger(__name__)

GREEN, YELLOW, RED = "green", "yellow", "red"
LEVELS = {GREEN: 0, YELLOW: 1, RED: 2}
OPEN_STATUSES = (Milestone.Status.NOT_STARTED, Milestone.Status.IN_PROGRESS)
TAKING_PART = (Participant.Status.INVITED, Participant.Status.COMMITTED, Participant.Status.ACTIVE)
UPCOMING_DAYS = 7  # a milestone due within this many days gets one "coming up" reminder
GROUND_RULES_SLUG = "kjoreregler-lyd-og-bilde"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# -------------------------------------------------------------------- milestones


def _check_participant(project: Project, participant) -> None:
    if participant is not None and participant.project_id != project.pk:
        raise ValidationError({"participant": _("Choose one of the project's participants.")})


@transaction.atomic
def save_milestone(
    *, project: Project, by, name: str, planned_on: date, milestone: Milestone | None = None, participant=None,
    description: str = "", responsible_position=None,
) -> Milestone:
    """Creates a milestone, or changes one. Moving the planned date keeps the original date,
    so the slippage stays visible."""
    ensure_open(project)
    _check_participant(project, participant)
    if responsible_position is not None and responsible_position.county_id != project.county_id:
        raise ValidationError({"responsible_position": _("Choose a position from the county's list.")})
    if milestone is None:
        milestone = Milestone(project=project, original_planned_on=planned_on,
                              order=project.milestones.count() + 1)
    else:
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, project=project)
    old_participant_id = milestone.participant_id
    milestone.name, milestone.description, milestone.planned_on = name, description, planned_on
    milestone.participant, milestone.responsible_position = participant, responsible_position
    milestone._history_user = by
    milestone.save()
    for participant_id in {old_participant_id, milestone.participant_id} - {None}:
        recompute_health(Participant.objects.get(pk=participant_id))
    return milestone


def _apply_status(milestone: Milestone, *, status: str, skip_reason: str = "", completed_on: date | None = None) -> list[str]:
    today = timezone.localdate()
    if status not in Milestone.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == Milestone.Status.SKIPPED and not skip_reason.strip():
        raise ValidationError({"skip_reason": _("Give a reason for skipping the milestone.")})
    if status == Milestone.Status.DONE:
        completed_on = completed_on or milestone.completed_on or today
        if completed_on > today:
            raise ValidationError({"completed_on": _("A milestone cannot be completed in the future.")})
    else:
        completed_on = None
    milestone.status = status
    milestone.completed_on = completed_on
    milestone.skip_reason = skip_reason.strip() if status == Milestone.Status.SKIPPED else ""
    return ["status", "completed_on", "skip_reason"]


@transaction.atomic
def set_milestone_status(*, milestone: Milestone, by, status: str, skip_reason: str = "",
                         completed_on: date | None = None) -> Milestone:
    """Not started / in progress / done (with the completion date) / skipped (with a reason)."""
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("project").get(pk=milestone.pk)
    ensure_open(milestone.project)
    fields = _apply_status(milestone, status=status, skip_reason=skip_reason, completed_on=completed_on)
    milestone._history_user = by
    milestone.save(update_fields=fields)
    if milestone.participant_id:
        recompute_health(milestone.participant)
    return milestone


@transaction.atomic
def log_progress(*, milestone: Milestone, by, status: str, text: str, files=(), completed_on: date | None = None) -> ProgressEntry:
    """A progress entry on a milestone: its new status, what happened, and any files.

    Every file is checked before anything is stored; a refused file refuses the whole entry.
    Project leaders hear about entries written by someone else (kind "progress").
    """
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("project", "participant__municipality").get(pk=milestone.pk)
    project = milestone.project
    ensure_open(project)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what has happened.")})
    checked = [check_upload(upload) for upload in files]
    fields = _apply_status(milestone, status=status, skip_reason=text[:500] if status == Milestone.Status.SKIPPED else "",
                           completed_on=completed_on)
    milestone._history_user = by
    milestone.save(update_fields=fields)
    entry = ProgressEntry.objects.create(
        project=project, participant=milestone.participant, milestone=milestone, status=status, text=text, written_by=by
    )
    for item in checked:
        store_checked(item, project=project, by=by, participant=milestone.participant, milestone=milestone,
                      progress_entry=entry)
    if milestone.participant_id:
        recompute_health(milestone.participant)
    _notify_leaders_of_progress(entry, by)
    return entry


def _notify_leaders_of_progress(entry: ProgressEntry, by) -> None:
    project = entry.project
    where = entry.participant.municipality.name if entry.participant_id else project.title
    link = _absolute(reverse("projects:milestone-detail", kwargs={"pk": project.pk, "milestone_pk": entry.milestone_id}))
    for leader in project.leaders.filter(is_active=True).exclude(pk=getattr(by, "pk", None)):
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Progress on “%(milestone)s” (%(where)s)") % {"milestone": entry.milestone.name, "where": where}
            lines = [
                _("%(who)s wrote on %(date)s:") % {"who": by.get_full_name() if by else "",
                                                     "date": timezone.localtime(entry.written_at).strftime("%d.%m.%Y")},
                entry.text,
                _("Status: %(status)s") % {"status": entry.get_status_display()},
            ]
        _notice(to=leader, subject=subject, lines=lines, link=link, kind="progress", county=project.county,
                about=entry, key=f"progress:u{leader.pk}:entry{entry.pk}")


def _notice(*, to, subject: str, lines: list[str], link: str = "", kind: str, county, about, key: str,
            attachments=None, email: str | None = None) -> bool:
    """One e-mail from the shared follow-up template, to a user (their digest choice applies) or an
    address. Returns False when a message with the same idempotency key was already queued."""
    if OutboxMessage.objects.filter(idempotency_key=key[:255]).exists():
        return False
    queue_templated_email(
        template="projects/email/notice",
        context={"subject": subject, "lines": lines, "link": link},
        to=email or to.email,
        user=to if isinstance(to, User) else None,
        kind=kind,
        county=county,
        about=about,
        idempotency_key=key[:255],
        attachments=attachments,
    )
    return True


# ----------------------------------------------------------------------- health


@dataclass
class HealthFacts:
    overdue: int = 0
    last_progress: date | None = None
    last_visit: date | None = None
    missed_meetings: int = 0
    unsigned_agreement: bool = False
    missing_positions: tuple = ()


def _level(value: int, yellow: int, red: int) -> str:
    if red and value >= red:
        return RED
    if yellow and value >= yellow:
        return YELLOW
    return GREEN


def assess(participant: Participant, facts: HealthFacts, *, today: date) -> tuple[str, list[dict]]:
    """The health and its reasons from the facts, by the rules in this module's docstring."""
    project, county = participant.project, participant.project.county
    if project.status != Project.Status.ACTIVE or participant.status not in TAKING_PART:
        return GREEN, []
    since = max(project.start_on, participant.invited_on)
    reasons = []

    def add(code, level, **values):
        if level != GREEN:
            reasons.append({"code": code, "level": level, **values})

    add("overdue", _level(facts.overdue, county.health_overdue_yellow, county.health_overdue_red), count=facts.overdue)
    silence = max(0, (today - (facts.last_progress or since)).days)
    add("silence", _level(silence, county.health_silence_yellow_days, county.health_silence_red_days),
        days=silence, never=facts.last_progress is None)
    unvisited = max(0, (today - (facts.last_visit or since)).days)
    add("visit", _level(unvisited, county.health_visit_yellow_days, county.health_visit_red_days),
        days=unvisited, never=facts.last_visit is None)
    add("missed_meetings", _level(facts.missed_meetings, county.health_missed_meetings_yellow,
                                  county.health_missed_meetings_red), count=facts.missed_meetings)
    if facts.unsigned_agreement:
        add("agreement", YELLOW)
    if facts.missing_positions:
        add("stakeholders", YELLOW, positions=list(facts.missing_positions))
    reasons.sort(key=lambda reason: -LEVELS[reason["level"]])
    health = max((reason["level"] for reason in reasons), key=LEVELS.get, default=GREEN)
    return health, reasons


def describe_reason(reason: dict) -> str:
    """A stored reason in the current language."""
    code = reason.get("code")
    if code == "overdue":
        return ngettext("%(count)s overdue milestone", "%(count)s overdue milestones", reason["count"]) % reason
    if code == "silence":
        if reason.get("never"):
            return ngettext("No progress entry in %(days)s day", "No progress entry in %(days)s days", reason["days"]) % reason
        return ngettext("%(days)s day since the last progress entry", "%(days)s days since the last progress entry",
                        reason["days"]) % reason
    if code == "visit":
        if reason.get("never"):
            return ngettext("Not visited in %(days)s day", "Not visited in %(days)s days", reason["days"]) % reason
        return ngettext("%(days)s day since the last visit", "%(days)s days since the last visit", reason["days"]) % reason
    if code == "missed_meetings":
        return ngettext("Missed %(count)s meeting", "Missed %(count)s meetings", reason["count"]) % reason
    if code == "agreement":
        return _("The agreement is not signed")
    if code == "stakeholders":
        return _("Nobody in the position: %(positions)s") % {"positions": ", ".join(reason.get("positions", []))}
    return str(code)


def _unsigned_agreements(participant_ids) -> set[int]:
    """Participants whose latest agreement is a draft or out for signature."""
    # Imported here: the agreements app builds on projects, not the other way round.
    from agreements.selectors import unsigned_participant_ids

    return set(unsigned_participant_ids(list(participant_ids)))


def health_facts(participants: list[Participant], *, today: date) -> dict[int, HealthFacts]:
    """The inputs of the health rules for many participants, in a fixed number of queries."""
    ids = [p.pk for p in participants]
    facts = {pk: HealthFacts() for pk in ids}
    if not ids:
        return facts
    overdue = (
        Milestone.objects.filter(participant_id__in=ids, planned_on__lt=today, status__in=OPEN_STATUSES)
        .values("participant_id").annotate(n=Count("id"))
    )
    for row in overdue:
        facts[row["participant_id"]].overdue = row["n"]
    for row in ProgressEntry.objects.filter(participant_id__in=ids).values("participant_id").annotate(last=Max("written_at")):
        facts[row["participant_id"]].last_progress = timezone.localtime(row["last"]).date()
    for row in (Visit.objects.filter(participant_id__in=ids, status=Visit.Status.DONE, planned_on__lte=today)
                .values("participant_id").annotate(last=Max("planned_on"))):
        facts[row["participant_id"]].last_visit = row["last"]
    by_place = {(p.project_id, p.municipality_id): p.pk for p in participants}
    invited = (
        MeetingInvitee.objects.filter(
            meeting__project_id__in={p.project_id for p in participants},
            meeting__status=Meeting.Status.HELD,
            municipality_id__in={p.municipality_id for p in participants},
        )
        .values("meeting_id", "meeting__project_id", "municipality_id")
        .annotate(present=Count("id", filter=Q(attended=True)))
    )
    for row in invited:
        participant_id = by_place.get((row["meeting__project_id"], row["municipality_id"]))
        if participant_id and not row["present"]:
            facts[participant_id].missed_meetings += 1
    for pk in _unsigned_agreements(ids):
        if pk in facts:
            facts[pk].unsigned_agreement = True
    # Stakeholder gaps, as projects.planning.stakeholder_check computes them, for many projects at once.
    required = defaultdict(list)
    through = Project.required_positions.through
    for project_id, position_id in through.objects.filter(project_id__in={p.project_id for p in participants}).values_list(
        "project_id", "position_id"
    ):
        required[project_id].append(position_id)
    position_ids = {pk for values in required.values() for pk in values}
    if position_ids:
        names = dict(Position.objects.filter(pk__in=position_ids).values_list("pk", "name"))
        filled = set(
            Contact.objects.filter(municipality_id__in={p.municipality_id for p in participants}, position_id__in=position_ids)
            .values_list("municipality_id", "position_id")
        )
        for participant in participants:
            missing = [names[pk] for pk in required[participant.project_id] if (participant.municipality_id, pk) not in filled]
            facts[participant.pk].missing_positions = tuple(missing)
    return facts


def recompute_health_many(participants, *, today: date | None = None) -> int:
    """Recomputes and stores health for the given participants (a list or queryset); returns how
    many changed. Written with a plain UPDATE: no history row for a nightly recomputation."""
    today = today or timezone.localdate()
    participants = list(participants)
    if not participants:
        return 0
    missing_related = [p for p in participants if "project" not in p._state.fields_cache]
    if missing_related:
        loaded = {p.pk: p for p in Participant.objects.filter(pk__in=[p.pk for p in missing_related]).select_related("project__county")}
        participants = [loaded.get(p.pk, p) for p in participants]
    facts = health_facts(participants, today=today)
    now, changed = timezone.now(), []
    for participant in participants:
        health, reasons = assess(participant, facts[participant.pk], today=today)
        if health != participant.health or reasons != participant.health_reasons or participant.health_computed_at is None:
            changed.append(participant)
        participant.health, participant.health_reasons, participant.health_computed_at = health, reasons, now
    Participant.objects.bulk_update(participants, ["health", "health_reasons", "health_computed_at"], batch_size=500)
    return len(changed)


def recompute_health(participant: Participant) -> Participant:
    """Recomputes one participant's health now (call it when one of its inputs changed)."""
    participant = Participant.objects.select_related("project__county").get(pk=participant.pk)
    recompute_health_many([participant])
    return participant


def recompute_project_health(project: Project) -> int:
    return recompute_health_many(Participant.objects.filter(project=project).select_related("project__county"))


def recompute_all_health(*, today: date | None = None, chunk: int = 1000) -> int:
    """Nightly: every participant of every active project, in chunks; returns how many changed.
    Participants of projects no longer active are set green once."""
    changed = 0
    active = Participant.objects.filter(project__status=Project.Status.ACTIVE).select_related("project__county").order_by("pk")
    last = 0
    while True:
        batch = list(active.filter(pk__gt=last)[:chunk])
        if not batch:
            break
        with transaction.atomic():
            changed += recompute_health_many(batch, today=today)
        last = batch[-1].pk
    stale = Participant.objects.exclude(project__status=Project.Status.ACTIVE).exclude(health=GREEN, health_reasons=[])
    changed += stale.update(health=GREEN, health_reasons=[], health_computed_at=timezone.now())
    return changed


# ------------------------------------------------------------------------ visits


@transaction.atomic
def save_visit(*, participant: Participant, by, planned_on: date, purpose: str, visitors=(), status: str = Visit.Status.PLANNED,
               notes: str = "", follow_up_points: str = "", visit: Visit | None = None) -> Visit:
    """A planned, done or cancelled visit. A visit cannot be done on a day still to come."""
    ensure_open(participant.project)
    if status == Visit.Status.DONE and planned_on > timezone.localdate():
        raise ValidationError({"planned_on": _("A visit that is done cannot have a date in the future.")})
    county_id = participant.project.county_id
    if not all(is_staff_of(user, county_id) for user in visitors):
        raise ValidationError({"visitors": _("Visitors are county staff.")})
    visit = visit or Visit(participant=participant, created_by=by)
    visit.planned_on, visit.purpose, visit.status = planned_on, purpose, status
    visit.notes, visit.follow_up_points = notes, follow_up_points
    visit.save()
    visit.visitors.set(visitors)
    recompute_health(participant)
    return visit


# ---------------------------------------------------------------------- meetings


def ground_rules_url(county) -> str:
    """The handbook page with the ground rules for audio/video meetings, when the county has it."""
    from .models import HandbookPage

    page = HandbookPage.objects.filter(county=county, slug=GROUND_RULES_SLUG).first()
    return _absolute(reverse("projects:handbook-page", kwargs={"number": county.number, "slug": page.slug})) if page else ""


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
    for objective in existing[len(texts):]:
        objective.delete()
    return changed


MEETING_FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "video_link", "agenda")
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "video_link", "title")


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
    meeting.save()
    objectives_changed = _set_objectives(meeting, objectives)
    if meeting.status == Meeting.Status.SCHEDULED and (moved or objectives_changed):
        if not moved:
            meeting.sequence += 1
            meeting.save(update_fields=["sequence"])
        _send_invitations(meeting, meeting.invitees.all(), update=True)
    return meeting


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
    removed = [i for i in current if (i.contact_id and i.contact_id not in wanted_contacts)
               or (i.contact_id is None and i.user_id and i.user_id not in wanted_users)]
    have_contacts = {i.contact_id for i in current if i.contact_id}
    have_users = {i.user_id for i in current if i.user_id}
    added = []
    for contact in contacts:
        if contact.pk not in have_contacts:
            added.append(MeetingInvitee(
                meeting=meeting, contact=contact, user=contact.user, municipality_id=contact.municipality_id,
                position_code=contact.position.code, name=contact.name, email=contact.email,
            ))
    contact_users = {c.user_id for c in contacts if c.user_id} | have_users
    for user in users:
        if user.pk not in contact_users:
            added.append(MeetingInvitee(meeting=meeting, user=user, name=user.get_full_name(), email=user.email))
    MeetingInvitee.objects.bulk_create(added)
    if meeting.status == Meeting.Status.SCHEDULED:
        if removed:
            _send_invitations(meeting, removed, cancel=True)
        _send_invitations(meeting, added)
    MeetingInvitee.objects.filter(pk__in=[i.pk for i in removed]).delete()
    return list(meeting.invitees.all())


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
    meeting.invitees.filter(pk__in=attended_ids).update(attended=True)
    meeting.invitees.exclude(pk__in=attended_ids).update(attended=False)
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    recompute_project_health(meeting.project)
    return meeting


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


def meeting_description(meeting: Meeting, objectives=None, *, rules_url: str | None = None) -> str:
    """The text of an invitation: objectives, agenda, video link and, for digital meetings, the
    ground rules page (`rules_url`, looked up when not given)."""
    objectives = objectives if objectives is not None else list(meeting.objectives.all())
    parts = [_("What we want to achieve:")] + [f"– {o.text}" for o in objectives]
    if meeting.agenda:
        parts += ["", _("Agenda:"), meeting.agenda]
    if meeting.video_link:
        parts += ["", _("Video link: %(link)s") % {"link": meeting.video_link}]
    if meeting.kind == Meeting.Kind.DIGITAL:
        rules = rules_url if rules_url is not None else ground_rules_url(meeting.project.county)
        if rules:
            parts += [_("Ground rules for audio and video: %(link)s") % {"link": rules}]
    return "\n".join(parts)


def meeting_ics(meeting: Meeting, *, cancel: bool = False, attendees=None) -> str:
    from . import ics

    attendees = attendees if attendees is not None else [(i.name, i.email) for i in meeting.invitees.all() if i.email]
    with translation.override(settings.LANGUAGE_CODE):
        description = meeting_description(meeting)
    event = ics.meeting_event(
        meeting, description=description, organizer=_organizer(meeting.project.county), attendees=attendees,
        cancelled=cancel, url=_absolute(meeting.get_absolute_url()),
    )
    return ics.calendar([event], method="CANCEL" if cancel else "REQUEST")


def _organizer(county) -> str:
    from email.utils import parseaddr

    return parseaddr(county.from_email)[1]


def _send_invitations(meeting: Meeting, invitees, *, cancel: bool = False, update: bool = False) -> int:
    """One e-mail per invitee with an address, carrying the .ics (REQUEST, or CANCEL)."""
    invitees = [i for i in invitees if i.email]
    if not invitees:
        return 0
    text = meeting_ics(meeting, cancel=cancel)
    method = "CANCEL" if cancel else "REQUEST"
    county = meeting.project.county
    local_start = timezone.localtime(meeting.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        if cancel:
            subject = _("Cancelled: %(title)s, %(date)s") % {"title": meeting.title, "date": local_start.strftime("%d.%m.%Y")}
            lines = [_("The meeting “%(title)s” on %(date)s is cancelled.") % {
                "title": meeting.title, "date": local_start.strftime("%d.%m.%Y %H:%M")}]
        else:
            template = _("Changed: %(title)s, %(date)s") if update else _("Invitation: %(title)s, %(date)s")
            subject = template % {"title": meeting.title, "date": local_start.strftime("%d.%m.%Y")}
            lines = [
                _("%(kind)s in the project “%(project)s”.") % {"kind": meeting.get_kind_display(), "project": meeting.project.title},
                _("Time: %(start)s–%(end)s") % {"start": local_start.strftime("%d.%m.%Y %H:%M"),
                                                "end": timezone.localtime(meeting.ends_at).strftime("%H:%M")},
            ]
            if meeting.place:
                lines.append(_("Place: %(place)s") % {"place": meeting.place})
            lines.append(meeting_description(meeting))
    for invitee in invitees:
        _notice(
            to=invitee.user, email=invitee.email, subject=subject, lines=lines, kind="meeting", county=county, about=meeting,
            link=_absolute(meeting.get_absolute_url()) if invitee.user_id else "",
            # Per invitee row: someone removed and invited again is a new row, and gets a new invitation.
            key=f"meeting:{meeting.pk}:seq{meeting.sequence}:{method}:invitee{invitee.pk}",
            attachments=[{"filename": "invitation.ics", "content": text, "mimetype": f"text/calendar; method={method}"}],
        )
    return len(invitees)


# ------------------------------------------------------- escalation and reminders


def ladder(project: Project) -> dict[str, int]:
    """The escalation days of a project: its own where set, else the county's."""
    county = project.county
    return {
        EscalationStep.Step.REMINDER: project.escalation_reminder_days if project.escalation_reminder_days is not None else county.escalation_reminder_days,
        EscalationStep.Step.ALERT: project.escalation_alert_days if project.escalation_alert_days is not None else county.escalation_alert_days,
        EscalationStep.Step.LEADERSHIP: project.escalation_leadership_days if project.escalation_leadership_days is not None else county.escalation_leadership_days,
    }


def due_steps(project: Project, overdue_days: int) -> list[str]:
    """The ladder's steps reached by a milestone `overdue_days` late (a step set to 0 days is off)."""
    return [step for step, days in ladder(project).items() if days and overdue_days >= days]


@dataclass
class ReminderRun:
    upcoming: int = 0
    overdue: int = 0
    steps: int = 0
    messages: int = 0


def _library_heads(municipality_ids) -> dict[int, list[User]]:
    heads = defaultdict(list)
    for membership in Membership.objects.filter(
        role=Membership.Role.LIBRARY_HEAD, municipality_id__in=municipality_ids, user__is_active=True
    ).select_related("user"):
        heads[membership.municipality_id].append(membership.user)
    return heads


def _leaders(project_ids) -> dict[int, list[User]]:
    leaders = defaultdict(list)
    through = Project.leaders.through
    for row in through.objects.filter(project_id__in=project_ids, user__is_active=True).select_related("user"):
        leaders[row.project_id].append(row.user)
    return leaders


def _open_milestones(today: date):
    return (
        Milestone.objects.filter(project__status=Project.Status.ACTIVE, status__in=OPEN_STATUSES)
        .filter(Q(participant__isnull=True) | Q(participant__status__in=TAKING_PART))
        .select_related("project__county", "participant__municipality")
        .order_by("pk")
    )


def run_reminders(*, now: datetime | None = None) -> ReminderRun:
    """The daily job: "coming up" reminders, overdue reminders and the escalation ladder.

    Today is the date in Europe/Oslo at `now`. Each milestone is handled in its own
    transaction; every e-mail has an idempotency key (recipient, object, kind, due date) and
    every ladder step a unique row, so running again — or on two beat instances at once —
    adds nothing. What earlier days already did is read in bulk first, so the queries grow
    with today's new work, not with the number of open milestones.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    run = ReminderRun()
    upcoming = list(_open_milestones(today).filter(planned_on__gte=today, planned_on__lte=today + timedelta(days=UPCOMING_DAYS)))
    overdue = list(_open_milestones(today).filter(planned_on__lt=today))
    milestones = upcoming + overdue
    heads = _library_heads({m.participant.municipality_id for m in milestones if m.participant_id})
    leaders = _leaders({m.project_id for m in milestones})
    notices = [(milestone, user, "upcoming") for milestone in upcoming
               for user in (heads[milestone.participant.municipality_id] if milestone.participant_id else leaders[milestone.project_id])]
    for milestone in overdue:
        if milestone.participant_id is None:
            reminder_days = ladder(milestone.project)[EscalationStep.Step.REMINDER]
            if reminder_days and (today - milestone.planned_on).days >= reminder_days:
                notices += [(milestone, user, "overdue") for user in leaders[milestone.project_id]]
    queued = _queued_keys([_reminder_key(milestone, user, kind) for milestone, user, kind in notices])
    for milestone, user, kind in notices:
        if _reminder_key(milestone, user, kind) not in queued:
            with transaction.atomic():
                run.messages += _milestone_notice(milestone, user, kind=kind, today=today)
    run.upcoming = len(upcoming)
    run.overdue = len(overdue)
    logged = _logged_steps([m for m in overdue if m.participant_id])
    for milestone in overdue:
        if milestone.participant_id is None:
            continue
        days = (today - milestone.planned_on).days
        for step in due_steps(milestone.project, days):
            if (milestone.pk, step, milestone.planned_on) in logged:
                continue
            with transaction.atomic():
                created, sent = _escalate(milestone, step, days=days, today=today,
                                          heads=heads[milestone.participant.municipality_id], leaders=leaders[milestone.project_id])
            run.steps += created
            run.messages += sent
    return run


def _reminder_key(milestone: Milestone, user: User, kind: str) -> str:
    return f"reminder:{kind}:u{user.pk}:milestone{milestone.pk}:{milestone.planned_on.isoformat()}"


def _queued_keys(keys: list[str], chunk: int = 1000) -> set[str]:
    """Which of these idempotency keys already have an outbox row."""
    found = set()
    for start in range(0, len(keys), chunk):
        found.update(OutboxMessage.objects.filter(idempotency_key__in=keys[start:start + chunk])
                     .values_list("idempotency_key", flat=True))
    return found


def _logged_steps(milestones: list[Milestone], chunk: int = 1000) -> set[tuple]:
    """(milestone, step, due date) of the ladder steps already logged for these milestones."""
    logged = set()
    for start in range(0, len(milestones), chunk):
        logged.update(EscalationStep.objects.filter(milestone__in=[m.pk for m in milestones[start:start + chunk]])
                      .values_list("milestone_id", "step", "due_on"))
    return logged


def _milestone_notice(milestone: Milestone, user: User, *, kind: str, today: date) -> int:
    project = milestone.project
    days = (today - milestone.planned_on).days
    where = milestone.participant.municipality.name if milestone.participant_id else project.title
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "upcoming":
            subject = _("Coming up: “%(milestone)s” (%(where)s) by %(date)s") % {
                "milestone": milestone.name, "where": where, "date": milestone.planned_on.strftime("%d.%m.%Y")}
            lines = [_("The milestone “%(milestone)s” in “%(project)s” is planned for %(date)s.") % {
                "milestone": milestone.name, "project": project.title, "date": milestone.planned_on.strftime("%d.%m.%Y")}]
        else:
            subject = _("Overdue: “%(milestone)s” (%(where)s)") % {"milestone": milestone.name, "where": where}
            lines = [ngettext(
                "The milestone “%(milestone)s” in “%(project)s” was planned for %(date)s and is %(days)s day late.",
                "The milestone “%(milestone)s” in “%(project)s” was planned for %(date)s and is %(days)s days late.",
                days) % {"milestone": milestone.name, "project": project.title,
                         "date": milestone.planned_on.strftime("%d.%m.%Y"), "days": days}]
        lines.append(_("Log your progress on the milestone, or tell us if the plan should change."))
    link = _absolute(reverse("projects:my-milestones")) if milestone.participant_id else _absolute(
        reverse("projects:milestone-detail", kwargs={"pk": project.pk, "milestone_pk": milestone.pk}))
    return int(_notice(to=user, subject=subject, lines=lines, link=link, kind="reminder", county=project.county,
                       about=milestone, key=_reminder_key(milestone, user, kind)))


def _escalate(milestone: Milestone, step: str, *, days: int, today: date, heads, leaders) -> tuple[int, int]:
    """Logs one ladder step (once per milestone and due date) and sends or proposes its message."""
    try:
        with transaction.atomic():
            entry, created = EscalationStep.objects.get_or_create(
                milestone=milestone, step=step, due_on=milestone.planned_on,
                defaults={"participant_id": milestone.participant_id, "overdue_days": days},
            )
    except IntegrityError:  # a parallel run logged it between our look-up and insert
        return 0, 0
    if not created:
        return 0, 0
    project, municipality = milestone.project, milestone.participant.municipality
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        facts = {"milestone": milestone.name, "project": project.title, "municipality": municipality.name,
                 "date": milestone.planned_on.strftime("%d.%m.%Y"), "days": days}
        if step == EscalationStep.Step.REMINDER:
            recipients = heads
            subject = _("Reminder: “%(milestone)s” is %(days)s days late") % facts
            lines = [_("The milestone “%(milestone)s” in “%(project)s” was planned for %(date)s and is now %(days)s days late.") % facts,
                     _("Log your progress on the milestone, or tell us if the plan should change.")]
            link = _absolute(reverse("projects:my-milestones"))
        elif step == EscalationStep.Step.ALERT:
            recipients = leaders
            subject = _("Alert: %(municipality)s is %(days)s days late with “%(milestone)s”") % facts
            lines = [_("%(municipality)s has not completed “%(milestone)s” in “%(project)s”, planned for %(date)s (%(days)s days late). The library head was reminded.") % facts]
            link = _absolute(milestone.participant.get_absolute_url())
        else:
            chiefs = list(Contact.objects.filter(municipality=municipality, position__code=Position.Code.CHIEF_EXECUTIVE)
                          .exclude(email="").values_list("email", flat=True))
            entry.status = EscalationStep.Status.PROPOSED
            entry.recipients = ", ".join(chiefs)
            entry.subject = _("The library project “%(project)s” in %(municipality)s") % facts
            entry.body = _(
                "The county library and %(municipality)s take part together in the project “%(project)s”. "
                "The milestone “%(milestone)s”, planned for %(date)s, is %(days)s days late.\n\n"
                "We ask for your help in giving the library what it needs to move on, and would like to talk "
                "about it with you and the library head."
            ) % facts
            entry.save(update_fields=["status", "recipients", "subject", "body"])
            recipients = leaders
            subject = _("To review: a message to the chief executive of %(municipality)s") % facts
            lines = [_("“%(milestone)s” in “%(project)s” is %(days)s days late. A message to the chief executive is proposed: review it and send it, or dismiss it.") % facts]
            link = _absolute(reverse("projects:escalation-review", kwargs={"pk": project.pk, "step_pk": entry.pk}))
    for user in recipients:
        kind = "reminder" if step == EscalationStep.Step.REMINDER else "escalation"
        sent += _notice(to=user, subject=subject, lines=lines, link=link, kind=kind, county=project.county,
                        about=milestone, key=f"escalation:{step}:u{user.pk}:milestone{milestone.pk}:{milestone.planned_on.isoformat()}")
    if step != EscalationStep.Step.LEADERSHIP:
        entry.recipients = ", ".join(user.email for user in recipients)[:1000]
        entry.subject = subject[:300]
        entry.save(update_fields=["recipients", "subject"])
    return 1, sent


@transaction.atomic
def send_leadership_message(*, step: EscalationStep, by, to: list[str], subject: str, body: str) -> EscalationStep:
    """County staff send the reviewed message to the chief executive through the outbox."""
    step = EscalationStep.objects.select_for_update(of=("self",)).select_related("milestone__project__county").get(pk=step.pk)
    if step.status != EscalationStep.Status.PROPOSED:
        raise ProjectError(_("This message has already been handled."))
    if not to:
        raise ValidationError({"to": _("Give at least one e-mail address.")})
    project = step.milestone.project
    for address in to:
        queue_email(to=address, subject=subject, body_text=body, kind="escalation", county=project.county, about=step,
                    idempotency_key=f"escalation:leadership:step{step.pk}:{address.lower()}")
    step.status, step.recipients, step.subject, step.body = EscalationStep.Status.SENT, ", ".join(to)[:1000], subject, body
    step.reviewed_by, step.reviewed_at = by, timezone.now()
    step.save(update_fields=["status", "recipients", "subject", "body", "reviewed_by", "reviewed_at"])
    return step


@transaction.atomic
def dismiss_leadership_message(*, step: EscalationStep, by) -> EscalationStep:
    step = EscalationStep.objects.select_for_update().get(pk=step.pk)
    if step.status != EscalationStep.Status.PROPOSED:
        raise ProjectError(_("This message has already been handled."))
    step.status, step.reviewed_by, step.reviewed_at = EscalationStep.Status.DISMISSED, by, timezone.now()
    step.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return step


# ------------------------------------------------------------------ calendar feed


@transaction.atomic
def get_calendar_feed(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    from .models.followup import _feed_token

    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token, feed.created_at = _feed_token(), timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed
