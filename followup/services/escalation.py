"""The escalation ladder and the daily reminders: milestones due within a week get one reminder;
overdue ones climb the ladder — a reminder to the library head, an alert to the project leaders, a
proposed message to the chief executive that county staff review, then send or dismiss."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import reachable_library_heads
from municipalities.models import Contact, Position
from notifications.services import queue_email, queue_templated_email, render_subject
from projects.models import Participant, Project
from projects.services import ProjectError
from shell.history import records_by

from ..lateness import lateness
from ..models import EscalationStep, Milestone, ReminderNotice
from .notices import TEMPLATES, absolute

UPCOMING_DAYS = 7  # a milestone due within this many days gets one "coming up" reminder


def ladder(project: Project) -> dict[str, int]:
    """The escalation days of a project: its own where set, else the county's."""
    county = project.county
    return {
        EscalationStep.Step.REMINDER: project.escalation_reminder_days
        if project.escalation_reminder_days is not None
        else county.escalation_reminder_days,
        EscalationStep.Step.ALERT: project.escalation_alert_days
        if project.escalation_alert_days is not None
        else county.escalation_alert_days,
        EscalationStep.Step.LEADERSHIP: project.escalation_leadership_days
        if project.escalation_leadership_days is not None
        else county.escalation_leadership_days,
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
    no_recipient: int = 0  # ladder steps logged with nobody to send to


# Who climbs the ladder and gets reminders: municipalities that said yes. Invited ones that never
# answered are not told that they are "286 days late".
CLIMBING = (Participant.Status.COMMITTED, Participant.Status.ACTIVE)


LOG_PROGRESS = ("upcoming", "overdue", "reminder")


def progress_link(milestone: Milestone) -> str:
    """The milestone's page opened at its progress form (the status filled in)."""
    url = reverse("followup:milestone-detail", kwargs={"pk": milestone.project_id, "milestone_pk": milestone.pk})
    return absolute(url + "#log-progress")


@dataclass
class Item:
    """One line of a person's daily message."""

    user: User
    milestone: Milestone
    what: str  # upcoming, overdue, reminder, alert, review, gap
    key: str
    days: int = 0  # days late (lateness on the run's day)
    link: str = ""
    step: EscalationStep | None = None
    reminded: bool = False  # for an alert: did the library head get the reminder?

    @property
    def logs_progress(self) -> bool:
        """The line asks its reader to log progress: its link opens the milestone's progress form."""
        return self.what in LOG_PROGRESS

    @property
    def is_ladder_step(self) -> bool:
        """A step of the escalation ladder (or a project-wide milestone overdue past the reminder day):
        the project's to send, whatever the reader chose in their notification settings."""
        return self.what != "upcoming"

    @property
    def where(self) -> str:
        return self.milestone.participant.municipality.name if self.milestone.participant_id else ""


def _library_heads(municipality_ids) -> dict[int, list[User]]:
    """Who can be reached as each municipality's library head (a login with an e-mail address)."""
    return defaultdict(list, reachable_library_heads(municipality_ids))


def _leaders(project_ids) -> dict[int, list[User]]:
    leaders = defaultdict(list)
    through = Project.leaders.through
    for row in (
        through.objects.filter(project_id__in=project_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    ):
        leaders[row.project_id].append(row.user)
    return leaders


def _open_milestones(today: date):
    return (
        Milestone.objects.filter(project__status=Project.Status.ACTIVE, status__in=Milestone.OPEN)
        .filter(Q(participant__isnull=True) | Q(participant__status__in=CLIMBING))
        .select_related("project__county", "participant__municipality")
        .order_by("pk")
    )


def run_reminders(*, now: datetime | None = None) -> ReminderRun:
    """The daily job: "coming up" reminders, overdue reminders and the escalation ladder.

    Today is the date in Europe/Oslo at `now`. Each person gets at most one e-mail per run, listing
    everything the run has for them (grouped by project and municipality, the latest first), and each
    municipality at most one proposed message to its chief executive per project. Every line of a
    message is a `ReminderNotice` with a unique key and every ladder step a unique row, so running
    again — or on two beat instances at once — adds nothing. What earlier days already did is read in
    bulk first, so the queries grow with today's new work, not with the number of open milestones.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    run = ReminderRun()
    upcoming = list(
        _open_milestones(today).filter(planned_on__gte=today, planned_on__lte=today + timedelta(days=UPCOMING_DAYS))
    )
    overdue = list(_open_milestones(today).filter(planned_on__lt=today))
    run.upcoming, run.overdue = len(upcoming), len(overdue)
    heads = _library_heads({m.participant.municipality_id for m in upcoming + overdue if m.participant_id})
    leaders = _leaders({m.project_id for m in upcoming + overdue})
    items = []
    for milestone in upcoming:
        people = (
            heads[milestone.participant.municipality_id] if milestone.participant_id else leaders[milestone.project_id]
        )
        items += [
            Item(user, milestone, "upcoming", _reminder_key(milestone, user, "upcoming"), link=_link(milestone, user))
            for user in people
        ]
    for milestone in overdue:
        if milestone.participant_id is None:
            reminder_days = ladder(milestone.project)[EscalationStep.Step.REMINDER]
            days = lateness(milestone, on=today)
            if reminder_days and days >= reminder_days:
                items += [
                    Item(
                        user,
                        milestone,
                        "overdue",
                        _reminder_key(milestone, user, "overdue"),
                        days=days,
                        link=_link(milestone, user),
                    )
                    for user in leaders[milestone.project_id]
                ]
    items += _ladder(run, [m for m in overdue if m.participant_id], today=today, heads=heads, leaders=leaders)
    told = _told([item.key for item in items])
    by_user = defaultdict(list)
    for item in items:
        if item.key not in told:
            by_user[item.user.pk].append(item)
    for user_items in by_user.values():
        run.messages += _send(user_items, today=today)
    return run


def _link(milestone: Milestone, user: User) -> str:
    """Each milestone links its own progress form ("Logg fremdrift")."""
    return progress_link(milestone)


def _ladder(run: ReminderRun, overdue: list[Milestone], *, today: date, heads, leaders) -> list[Item]:
    """Logs the ladder steps the overdue milestones have reached and returns the lines they give:
    the reminder to the library heads, the alert to the project leaders, one proposed message per
    municipality and project for review, and the gaps (a step with nobody to send to)."""
    logged = _logged_steps(overdue)
    steps = {}  # (milestone id, step) -> EscalationStep, this due date
    letters = defaultdict(list)  # participant id -> milestones reaching the leadership step today
    for milestone in overdue:
        days = lateness(milestone, on=today)
        for step in due_steps(milestone.project, days):
            entry = logged.get((milestone.pk, step, milestone.planned_on))
            if entry is None:
                with transaction.atomic():
                    entry = _log_step(milestone, step, days=days, heads=heads, leaders=leaders)
                if entry is None:
                    continue  # a parallel run logged it
                run.steps += 1
                run.no_recipient += entry.status == EscalationStep.Status.NO_RECIPIENT
                if step == EscalationStep.Step.LEADERSHIP:
                    letters[milestone.participant_id].append((milestone, entry))
            steps[(milestone.pk, step)] = entry
    for pairs in letters.values():
        with transaction.atomic():
            _propose_letter(pairs, today=today)
    items = []
    for milestone in overdue:
        days = lateness(milestone, on=today)
        municipality_heads, project_leaders = (
            heads[milestone.participant.municipality_id],
            leaders[milestone.project_id],
        )
        reminder = steps.get((milestone.pk, EscalationStep.Step.REMINDER))
        if reminder is not None:
            items += [
                Item(
                    user,
                    milestone,
                    "reminder",
                    _step_key(reminder, user),
                    days=days,
                    step=reminder,
                    link=progress_link(milestone),
                )
                for user in municipality_heads
            ]
            if not municipality_heads:  # a gap for the project leaders to fix
                items += [
                    Item(
                        user,
                        milestone,
                        "gap",
                        _step_key(reminder, user, "gap"),
                        days=days,
                        step=reminder,
                        link=absolute(milestone.participant.municipality.get_absolute_url()),
                    )
                    for user in project_leaders
                ]
        alert = steps.get((milestone.pk, EscalationStep.Step.ALERT))
        if alert is not None:
            items += [
                Item(
                    user,
                    milestone,
                    "alert",
                    _step_key(alert, user),
                    days=days,
                    step=alert,
                    reminded=bool(municipality_heads),
                    link=absolute(milestone.participant.get_absolute_url()),
                )
                for user in project_leaders
            ]
        leadership = steps.get((milestone.pk, EscalationStep.Step.LEADERSHIP))
        if leadership is not None and leadership.status == EscalationStep.Status.PROPOSED:
            link = absolute(
                reverse("followup:escalation-review", kwargs={"pk": milestone.project_id, "step_pk": leadership.pk})
            )
            items += [
                Item(user, milestone, "review", _step_key(leadership, user), days=days, step=leadership, link=link)
                for user in project_leaders
            ]
    return items


def _reminder_key(milestone: Milestone, user: User, kind: str) -> str:
    return f"reminder:{kind}:u{user.pk}:milestone{milestone.pk}:{milestone.planned_on.isoformat()}"


def _step_key(step: EscalationStep, user: User, what: str = "") -> str:
    return f"escalation:{step.step}{what}:u{user.pk}:milestone{step.milestone_id}:{step.due_on.isoformat()}"


def _told(keys: list[str], chunk: int = 1000) -> set[str]:
    """Which of these lines someone was already told."""
    found = set()
    for start in range(0, len(keys), chunk):
        found.update(ReminderNotice.objects.filter(key__in=keys[start : start + chunk]).values_list("key", flat=True))
    return found


def _logged_steps(milestones: list[Milestone], chunk: int = 1000) -> dict[tuple, EscalationStep]:
    """(milestone, step, due date) → the ladder step already logged for these milestones."""
    logged = {}
    for start in range(0, len(milestones), chunk):
        for entry in EscalationStep.objects.filter(milestone__in=[m.pk for m in milestones[start : start + chunk]]):
            logged[(entry.milestone_id, entry.step, entry.due_on)] = entry
    return logged


# What the escalation log calls a reminder or an alert (the e-mail itself lists the day's lines).
STEP_SUBJECTS = {EscalationStep.Step.REMINDER: "escalation_reminder", EscalationStep.Step.ALERT: "escalation_alert"}


def _log_step(milestone: Milestone, step: str, *, days: int, heads, leaders) -> EscalationStep | None:
    """Logs one ladder step (once per milestone and due date); None when a parallel run did."""
    recipients = {
        EscalationStep.Step.REMINDER: heads[milestone.participant.municipality_id],
        EscalationStep.Step.ALERT: leaders[milestone.project_id],
    }.get(step)
    status = EscalationStep.Status.SENT
    if step == EscalationStep.Step.LEADERSHIP:
        status = EscalationStep.Status.PROPOSED
    elif not recipients:
        status = EscalationStep.Status.NO_RECIPIENT
    subject = ""
    if step in STEP_SUBJECTS:
        subject = render_subject(
            TEMPLATES + STEP_SUBJECTS[step],
            {"milestone": milestone, "days": days, "municipality": milestone.participant.municipality.name},
        )[:300]
    try:
        with transaction.atomic():
            return EscalationStep.objects.create(
                milestone=milestone,
                step=step,
                due_on=milestone.planned_on,
                participant_id=milestone.participant_id,
                overdue_days=days,
                status=status,
                recipients=", ".join(user.email for user in recipients or [])[:1000],
                subject=subject,
            )
    except IntegrityError:
        return None


def _propose_letter(pairs: list[tuple[Milestone, EscalationStep]], *, today: date) -> None:
    """One proposed message to the chief executive for a municipality's milestones in one project that
    reached the leadership step in this run: the latest milestone's step carries it, the others point to it."""
    pairs.sort(key=lambda pair: (-lateness(pair[0], on=today), pair[0].pk))
    (first, entry), rest = pairs[0], pairs[1:]
    municipality = first.participant.municipality
    chiefs = list(
        Contact.objects.filter(municipality=municipality, position__code=Position.Code.CHIEF_EXECUTIVE)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    context = {
        "milestone": first,
        "milestones": [(m, lateness(m, on=today)) for m, _step in pairs],
        "municipality": municipality.name,
        "project": first.project,
        "days": lateness(first, on=today),
    }
    entry.recipients = ", ".join(chiefs)[:1000]
    entry.subject, entry.body = _leadership_letter(context, language=first.project.county.written_standard)
    entry.save(update_fields=["recipients", "subject", "body"])
    EscalationStep.objects.filter(pk__in=[step.pk for _milestone, step in rest]).update(
        status=EscalationStep.Status.IN_LETTER, subject=entry.subject[:300], recipients=entry.recipients
    )


def _send(items: list[Item], *, today: date) -> int:
    """One e-mail to one person with every line the run has for them; 0 when a parallel run took them."""
    user = items[0].user
    items.sort(
        key=lambda item: (item.milestone.project.title, item.where, -item.days, item.milestone.planned_on, item.key)
    )
    groups = []
    for item in items:
        if not groups or groups[-1]["project"] != item.milestone.project or groups[-1]["where"] != item.where:
            groups.append({"project": item.milestone.project, "where": item.where, "items": []})
        groups[-1]["items"].append(item)
    for group in groups:
        group["items"].sort(key=lambda item: (-item.days, item.milestone.planned_on, item.key))
    groups.sort(key=lambda group: -max(item.days for item in group["items"]))
    escalating = any(item.what in ("alert", "review", "gap") for item in items)
    keys = sorted(item.key for item in items)
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:20]
    try:
        with transaction.atomic():
            message = queue_templated_email(
                template=TEMPLATES + "daily",
                language=None,
                context={
                    "user": user,
                    "groups": groups,
                    "count": len(items),
                    "today": today,
                    "single": items[0] if len(items) == 1 else None,
                    "link": absolute(reverse("followup:my-milestones")),
                },
                to=user.email,
                user=user,
                kind="escalation" if escalating else "reminder",
                required=any(item.is_ladder_step for item in items),
                county=items[0].milestone.project.county,
                about=items[0].milestone if len(items) == 1 else None,
                idempotency_key=f"daily:u{user.pk}:{today.isoformat()}:{digest}",
            )
            # The unique keys claim the lines: a parallel run that told them first rolls this message back.
            ReminderNotice.objects.bulk_create(
                [ReminderNotice(key=item.key, user=user, milestone=item.milestone, message=message) for item in items]
            )
    except IntegrityError:  # a parallel run told them first
        return 0
    return 1


def _leadership_letter(context: dict, *, language: str) -> tuple[str, str]:
    """The proposed message to the chief executive (subject, body), which county staff review and may edit;
    in the county's written standard (the chief executive is a contact, not a user)."""
    template = TEMPLATES + "leadership_letter"
    with translation.override(language):
        return render_subject(template, context)[:300], render_to_string(f"{template}.txt", context).strip()


@records_by
@transaction.atomic
def send_leadership_message(*, step: EscalationStep, by, to: list[str], subject: str, body: str) -> EscalationStep:
    """County staff send the reviewed message to the chief executive through the outbox."""
    step = (
        EscalationStep.objects.select_for_update(of=("self",))
        .select_related("milestone__project__county")
        .get(pk=step.pk)
    )
    if step.status != EscalationStep.Status.PROPOSED:
        raise ProjectError(_("This message has already been handled."))
    if not to:
        raise ValidationError({"to": _("Give at least one e-mail address.")})
    project = step.milestone.project
    for address in to:
        queue_email(
            to=address,
            subject=subject,
            body_text=body,
            kind="escalation",
            county=project.county,
            about=step,
            idempotency_key=f"escalation:leadership:step{step.pk}:{address.lower()}",
        )
    step.status, step.recipients, step.subject, step.body = (
        EscalationStep.Status.SENT,
        ", ".join(to)[:1000],
        subject,
        body,
    )
    step.reviewed_by, step.reviewed_at = by, timezone.now()
    step.save(update_fields=["status", "recipients", "subject", "body", "reviewed_by", "reviewed_at"])
    return step


@records_by
@transaction.atomic
def dismiss_leadership_message(*, step: EscalationStep, by) -> EscalationStep:
    step = EscalationStep.objects.select_for_update().get(pk=step.pk)
    if step.status != EscalationStep.Status.PROPOSED:
        raise ProjectError(_("This message has already been handled."))
    step.status, step.reviewed_by, step.reviewed_at = EscalationStep.Status.DISMISSED, by, timezone.now()
    step.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return step
