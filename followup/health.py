"""Participant health: green, yellow or red, with the reasons, kept on the participant. This module is
its one owner: every input that changes calls `recompute` (or one of its siblings) in the change's
transaction, so the level is right as soon as the change is saved, and beat recomputes every
participant nightly (02:30) as the days pass.

Who tells health about a change:
- followup itself, for milestones, progress, visits and meetings (the services here);
- apps above followup call `input_changed(...)` directly (evaluations' course corrections, agreements,
  planning's required positions);
- apps below followup announce through their signals, which `FollowupConfig.ready` connects here:
  `projects.signals.participants_changed` (a participant made, its status, the project's status) and
  `municipalities.signals.contacts_changed` (who fills a position in a municipality) and
  `municipalities.signals.county_settings_changed` (the thresholds below).
- inputs that live above followup (an unsigned agreement, a stakeholder gap) are contributed through
  `register_input`: a function that fills in the facts of many participants at once.

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
5. An agreement with the participant drafted or sent and not yet signed by everyone: yellow.
6. Stakeholder gaps: a position the project requires that nobody in the
   municipality fills (the one rule of `planning.stakeholders`, contributed through `register_input`): yellow.

Only participants followed up (`Participant.FOLLOWED_UP`: invited, committed, active — taking part
and not completed) in an active project are assessed, and a participant that has completed on rule 1
only (milestones it left open are not hidden); the others are green without reasons.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import Participant, Project

from .lateness import days_late, late_q
from .models import Meeting, MeetingInvitee, Milestone, ProgressEntry, Visit

Health = Participant.Health
LEVELS = {Health.GREEN: 0, Health.YELLOW: 1, Health.RED: 2}


@dataclass
class HealthFacts:
    overdue: int = 0
    most_late: int = 0  # days the latest of the overdue milestones is late (`followup.lateness`)
    last_progress: date | None = None
    last_visit: date | None = None
    missed_meetings: int = 0
    unsigned_agreement: bool = False  # contributed by agreements
    agreement_version: int | None = None  # the version awaiting signatures (or drafted), when unsigned
    agreement_sent: bool = False  # that version is out for signature (not a draft)
    agreement_in_force: int | None = None  # an earlier version sealed and in force, if any
    missing_positions: tuple = ()  # contributed by planning (the stakeholder check)


# Functions (participants: list[Participant], facts: dict[participant id, HealthFacts]) -> None that
# fill in the facts their app knows, registered in the app's AppConfig.ready().
INPUTS: list[Callable] = []


def register_input(function: Callable) -> Callable:
    INPUTS.append(function)
    return function


def _level(value: int, yellow: int, red: int) -> str:
    if red and value >= red:
        return Health.RED
    if yellow and value >= yellow:
        return Health.YELLOW
    return Health.GREEN


def assess(participant: Participant, facts: HealthFacts, *, today: date) -> tuple[str, list[dict]]:
    """The health and its reasons from the facts, by the rules in this module's docstring."""
    project, county = participant.project, participant.project.county
    completed = participant.status == Participant.Status.COMPLETED
    if project.status != Project.Status.ACTIVE or not (completed or participant.status in Participant.FOLLOWED_UP):
        return Health.GREEN, []
    since = max(project.start_on, participant.invited_on)
    reasons = []

    def add(code, level, **values):
        if level != Health.GREEN:
            reasons.append({"code": code, "level": level, **values})

    add(
        "overdue",
        _level(facts.overdue, county.health_overdue_yellow, county.health_overdue_red),
        count=facts.overdue,
        days=facts.most_late,
    )
    if not completed:  # done taking part: only milestones it left open still count
        silence = max(0, (today - (facts.last_progress or since)).days)
        add(
            "silence",
            _level(silence, county.health_silence_yellow_days, county.health_silence_red_days),
            days=silence,
            never=facts.last_progress is None,
        )
        unvisited = max(0, (today - (facts.last_visit or since)).days)
        add(
            "visit",
            _level(unvisited, county.health_visit_yellow_days, county.health_visit_red_days),
            days=unvisited,
            never=facts.last_visit is None,
        )
        add(
            "missed_meetings",
            _level(facts.missed_meetings, county.health_missed_meetings_yellow, county.health_missed_meetings_red),
            count=facts.missed_meetings,
        )
        if facts.unsigned_agreement:
            if facts.agreement_in_force:  # only an amendment waits: the agreement itself is in force
                add(
                    "agreement",
                    Health.YELLOW,
                    in_force=facts.agreement_in_force,
                    version=facts.agreement_version,
                    sent=facts.agreement_sent,
                )
            else:
                add("agreement", Health.YELLOW)
        if facts.missing_positions:
            add("stakeholders", Health.YELLOW, positions=list(facts.missing_positions))
    reasons.sort(key=lambda reason: -LEVELS[reason["level"]])
    health = max((reason["level"] for reason in reasons), key=LEVELS.get, default=Health.GREEN)
    return health, reasons


def describe_reason(reason: dict) -> str:
    """A stored reason in the current language."""
    code = reason.get("code")
    if code == "overdue":
        text = ngettext("%(count)s milestone is late", "%(count)s milestones are late", reason["count"]) % reason
        if reason.get("days"):
            text += (
                " " + ngettext("(the latest by %(days)s day)", "(the latest by %(days)s days)", reason["days"]) % reason
            )
        return text
    if code == "silence":
        if reason.get("never"):
            return (
                ngettext("No progress entry in %(days)s day", "No progress entry in %(days)s days", reason["days"])
                % reason
            )
        return (
            ngettext(
                "%(days)s day since the last progress entry",
                "%(days)s days since the last progress entry",
                reason["days"],
            )
            % reason
        )
    if code == "visit":
        if reason.get("never"):
            return ngettext("Not visited in %(days)s day", "Not visited in %(days)s days", reason["days"]) % reason
        return (
            ngettext("%(days)s day since the last visit", "%(days)s days since the last visit", reason["days"]) % reason
        )
    if code == "missed_meetings":
        return ngettext("Missed %(count)s meeting", "Missed %(count)s meetings", reason["count"]) % reason
    if code == "agreement":
        if reason.get("in_force"):
            if reason.get("sent"):
                return _("Version %(in_force)s is in force; version %(version)s awaits signatures") % reason
            return _("Version %(in_force)s is in force; version %(version)s is being drafted") % reason
        return _("The agreement is not signed")
    if code == "stakeholders":
        return _("Nobody in the position: %(positions)s") % {"positions": ", ".join(reason.get("positions", []))}
    return _("Needs attention")


def health_facts(participants: list[Participant], *, today: date) -> dict[int, HealthFacts]:
    """The inputs of the health rules for many participants, in a fixed number of queries."""
    ids = [p.pk for p in participants]
    facts = {pk: HealthFacts() for pk in ids}
    if not ids:
        return facts
    overdue = (
        Milestone.objects.filter(late_q(on=today), participant_id__in=ids)
        .values("participant_id")
        .annotate(n=Count("id"), first_due=Min("planned_on"))
    )
    for row in overdue:
        facts[row["participant_id"]].overdue = row["n"]
        facts[row["participant_id"]].most_late = days_late(row["first_due"], on=today)  # the earliest due is the latest
    for row in (
        ProgressEntry.objects.filter(participant_id__in=ids).values("participant_id").annotate(last=Max("written_at"))
    ):
        facts[row["participant_id"]].last_progress = timezone.localtime(row["last"]).date()
    for row in (
        Visit.objects.filter(participant_id__in=ids, status=Visit.Status.DONE, planned_on__lte=today)
        .values("participant_id")
        .annotate(last=Max("planned_on"))
    ):
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
    for contribute in INPUTS:
        contribute(participants, facts)
    return facts


def recompute_many(participants, *, today: date | None = None) -> int:
    """Recomputes and stores health for the given participants (a list or queryset); returns how
    many changed. Written with a plain UPDATE: no history row for a nightly recomputation."""
    today = today or timezone.localdate()
    participants = list(participants)
    if not participants:
        return 0
    missing_related = [p for p in participants if "project" not in p._state.fields_cache]
    if missing_related:
        loaded = {
            p.pk: p
            for p in Participant.objects.filter(pk__in=[p.pk for p in missing_related]).select_related(
                "project__county"
            )
        }
        participants = [loaded.get(p.pk, p) for p in participants]
    facts = health_facts(participants, today=today)
    now, changed = timezone.now(), []
    for participant in participants:
        health, reasons = assess(participant, facts[participant.pk], today=today)
        if (
            health != participant.health
            or reasons != participant.health_reasons
            or participant.health_computed_at is None
        ):
            changed.append(participant)
        participant.health, participant.health_reasons, participant.health_computed_at = health, reasons, now
    Participant.objects.bulk_update(participants, ["health", "health_reasons", "health_computed_at"], batch_size=500)
    return len(changed)


def recompute(participant: Participant) -> Participant:
    """Recomputes one participant's health now (call it when one of its inputs changed)."""
    participant = Participant.objects.select_related("project__county").get(pk=participant.pk)
    recompute_many([participant])
    return participant


def recompute_project(project: Project) -> int:
    return recompute_many(Participant.objects.filter(project=project).select_related("project__county"))


def recompute_all(*, today: date | None = None, chunk: int = 1000) -> int:
    """Nightly: every participant of every active project, in chunks; returns how many changed.
    Participants of projects no longer active are set green once."""
    changed = 0
    active = (
        Participant.objects.filter(project__status=Project.Status.ACTIVE)
        .select_related("project__county")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(active.filter(pk__gt=last)[:chunk])
        if not batch:
            break
        with transaction.atomic():
            changed += recompute_many(batch, today=today)
        last = batch[-1].pk
    stale = Participant.objects.exclude(project__status=Project.Status.ACTIVE).exclude(
        health=Health.GREEN, health_reasons=[]
    )
    changed += stale.update(health=Health.GREEN, health_reasons=[], health_computed_at=timezone.now())
    return changed


def input_changed(
    *, participants: Iterable[Participant] = (), project: Project | None = None, municipality=None, county=None
) -> int:
    """Something health reads changed: recompute the participants it concerns (given, of a project,
    or of a municipality's or a county's active projects). For apps above followup; returns how many changed."""
    queryset = Participant.objects.none()
    ids = [p.pk for p in participants]
    if ids:
        queryset = Participant.objects.filter(pk__in=ids)
    if project is not None:
        queryset = queryset | Participant.objects.filter(project=project)
    if municipality is not None:
        queryset = queryset | Participant.objects.filter(
            municipality=municipality, project__status=Project.Status.ACTIVE
        )
    if county is not None:
        queryset = queryset | Participant.objects.filter(project__county=county, project__status=Project.Status.ACTIVE)
    return recompute_many(queryset.select_related("project__county"))


def on_participants_changed(sender, *, participants=(), project=None, **kwargs) -> None:
    """Receiver of `projects.signals.participants_changed`."""
    input_changed(participants=participants, project=project)


def on_contacts_changed(sender, *, municipality, **kwargs) -> None:
    """Receiver of `municipalities.signals.contacts_changed`."""
    input_changed(municipality=municipality)


def on_county_settings_changed(sender, *, county, fields, **kwargs) -> None:
    """Receiver of `municipalities.signals.county_settings_changed`: the thresholds are health's input,
    and a position's name is part of a stakeholder gap's reason."""
    if "positions" in fields or any(name.startswith("health_") for name in fields):
        input_changed(county=county)
