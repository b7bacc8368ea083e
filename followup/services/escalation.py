"""The escalation ladder and the daily reminders: milestones due within a week get one reminder;
overdue ones climb the ladder — a reminder to the library head, an alert to the project leaders, a
proposed message to the chief executive that county staff review, then send or dismiss."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from municipalities.models import Contact, Position
from notifications.models import OutboxMessage
from notifications.services import queue_email, render_subject
from projects.models import Participant, Project
from projects.services import ProjectError
from shell.history import records_by

from ..lateness import lateness
from ..models import EscalationStep, Milestone
from .notices import TEMPLATES, absolute, notice

UPCOMING_DAYS = 7  # a milestone due within this many days gets one "coming up" reminder


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
        Milestone.objects.filter(project__status=Project.Status.ACTIVE, status__in=Milestone.OPEN)
        .filter(Q(participant__isnull=True) | Q(participant__status__in=Participant.FOLLOWED_UP))
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
            if reminder_days and lateness(milestone, on=today) >= reminder_days:
                notices += [(milestone, user, "overdue") for user in leaders[milestone.project_id]]
    queued = _queued_keys([_reminder_key(milestone, user, kind) for milestone, user, kind in notices])
    for milestone, user, kind in notices:
        if _reminder_key(milestone, user, kind) not in queued:
            with transaction.atomic():
                run.messages += _milestonenotice(milestone, user, kind=kind, today=today)
    run.upcoming = len(upcoming)
    run.overdue = len(overdue)
    logged = _logged_steps([m for m in overdue if m.participant_id])
    for milestone in overdue:
        if milestone.participant_id is None:
            continue
        days = lateness(milestone, on=today)
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


def _milestonenotice(milestone: Milestone, user: User, *, kind: str, today: date) -> int:
    project = milestone.project
    days = lateness(milestone, on=today)
    where = milestone.participant.municipality.name if milestone.participant_id else project.title
    context = {"milestone": milestone, "where": where, "days": days}
    link = absolute(reverse("followup:my-milestones")) if milestone.participant_id else absolute(
        reverse("followup:milestone-detail", kwargs={"pk": project.pk, "milestone_pk": milestone.pk}))
    return int(notice(to=user, message=f"milestone_{kind}", context=context, link=link, kind="reminder",
                      county=project.county, about=milestone, key=_reminder_key(milestone, user, kind)))


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
    context = {"milestone": milestone, "municipality": municipality.name, "days": days}
    if step == EscalationStep.Step.REMINDER:
        recipients, message = heads, "escalation_reminder"
        link = absolute(reverse("followup:my-milestones"))
    elif step == EscalationStep.Step.ALERT:
        recipients, message = leaders, "escalation_alert"
        link = absolute(milestone.participant.get_absolute_url())
    else:
        chiefs = list(Contact.objects.filter(municipality=municipality, position__code=Position.Code.CHIEF_EXECUTIVE)
                      .exclude(email="").values_list("email", flat=True))
        entry.status = EscalationStep.Status.PROPOSED
        entry.recipients = ", ".join(chiefs)
        entry.subject, entry.body = _leadership_letter(context)
        entry.save(update_fields=["status", "recipients", "subject", "body"])
        recipients, message = leaders, "escalation_review"
        link = absolute(reverse("followup:escalation-review", kwargs={"pk": project.pk, "step_pk": entry.pk}))
    for user in recipients:
        kind = "reminder" if step == EscalationStep.Step.REMINDER else "escalation"
        sent += notice(to=user, message=message, context=context, link=link, kind=kind, county=project.county,
                       about=milestone, key=f"escalation:{step}:u{user.pk}:milestone{milestone.pk}:{milestone.planned_on.isoformat()}")
    if step != EscalationStep.Step.LEADERSHIP:
        entry.recipients = ", ".join(user.email for user in recipients)[:1000]
        entry.subject = render_subject(TEMPLATES + message, context)[:300]
        entry.save(update_fields=["recipients", "subject"])
    return 1, sent


def _leadership_letter(context: dict) -> tuple[str, str]:
    """The proposed message to the chief executive (subject, body), which county staff review and may edit."""
    template = TEMPLATES + "leadership_letter"
    with translation.override(settings.LANGUAGE_CODE):
        return render_subject(template, context)[:300], render_to_string(f"{template}.txt", context).strip()


@records_by
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


@records_by
@transaction.atomic
def dismiss_leadership_message(*, step: EscalationStep, by) -> EscalationStep:
    step = EscalationStep.objects.select_for_update().get(pk=step.pk)
    if step.status != EscalationStep.Status.PROPOSED:
        raise ProjectError(_("This message has already been handled."))
    step.status, step.reviewed_by, step.reviewed_at = EscalationStep.Status.DISMISSED, by, timezone.now()
    step.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return step
