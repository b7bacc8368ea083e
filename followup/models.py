"""Follow-up: milestones and what happened to them — progress entries, files, visits, meetings with
objectives and outcomes, the escalation log and personal calendar feeds."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models import Position
from projects.models import Participant, Project, participant_scope


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whole-project milestones of projects the user reads; a participant's milestones for
        those who may read that participant (see `participant_scope`)."""
        return self.filter(
            Q(participant__isnull=True, project__in=Project.objects.visible_to(user))
            | participant_scope(user, "participant__")
        )


class Milestone(models.Model):
    """A step of the plan, project-wide or for one participant. Planned dates may move;
    the original stays, so slippage can be shown ("things take time")."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)  # neither done nor skipped

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("participant"),
    )
    name = models.CharField(_("milestone"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    planned_on = models.DateField(_("planned date"))
    original_planned_on = models.DateField(_("originally planned"))
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    skip_reason = models.CharField(_("reason for skipping"), max_length=500, blank=True)
    responsible_position = models.ForeignKey(
        Position, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("responsible")
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "order", "id"]
        indexes = [
            models.Index(fields=["project", "planned_on"], name="milestone_project"),
            models.Index(fields=["participant", "planned_on"], name="milestone_participant"),
            models.Index(fields=["status", "planned_on"], name="milestone_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skip_reason=""), name="milestone_skip_has_reason"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def slippage_days(self) -> int:
        """Days the plan has moved ("Flyttet"): see `followup.lateness.slippage`."""
        from .lateness import slippage

        return slippage(self)


class ProgressEntry(models.Model):
    """A library head's (or county staff's) note on a milestone: its status then, and what happened."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_entries")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="progress_entries"
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="progress_entries")
    status = models.CharField(_("status"), max_length=12, choices=Milestone.Status.choices)
    text = models.TextField(_("what happened"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-written_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-written_at"], name="progress_project"),
            models.Index(fields=["participant", "-written_at"], name="progress_participant"),
            models.Index(fields=["milestone", "-written_at"], name="progress_milestone"),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.text[:50]}"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Visits to participants the user may read."""
        return self.filter(participant_scope(user, "participant__"))


class Visit(models.Model):
    """A visit from the county library to a participating municipality, planned or done."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="visits")
    planned_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="visits", verbose_name=_("who visits")
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    follow_up_points = models.TextField(_("follow-up points"), blank=True, help_text=_("One point per line."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[visitors])

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["participant", "status", "-planned_on"], name="visit_participant"),
            # The start page's coming visits across a county: by date first.
            models.Index(fields=["planned_on", "status"], name="visit_date"),
        ]

    def __str__(self):
        return f"{self.participant.municipality.name} {date_format(self.planned_on, 'SHORT_DATE_FORMAT')}"

    def get_absolute_url(self):
        return reverse("followup:visit-edit", kwargs={"pk": self.participant.project_id, "visit_pk": self.pk})

    @property
    def follow_up_list(self) -> list[str]:
        return [line.strip() for line in self.follow_up_points.splitlines() if line.strip()]


def _meeting_uid() -> str:
    return f"{uuid.uuid4()}@fremdrift"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of projects the user reads (a co-participant sees only their own invitees:
        see `followup.selectors.visible_invitees`)."""
        return self.filter(project__in=Project.objects.visible_to(user))


class Meeting(models.Model):
    """A workshop, seminar, course, start-up or digital meeting. "Know what we want to achieve
    in ALL meetings": objectives come before scheduling, outcomes after."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        COURSE = "course", _("Course")
        STARTUP = "startup", _("Start-up meeting")
        DIGITAL = "digital", _("Digital meeting")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORKSHOP)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes from the meeting"), blank=True)
    # The calendar identity of the meeting: one UID for its life, SEQUENCE raised on every change sent.
    uid = models.CharField(max_length=100, unique=True, default=_meeting_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["project", "starts_at"], name="meeting_project"),
            models.Index(fields=["status", "starts_at"], name="meeting_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("followup:meeting-detail", kwargs={"pk": self.project_id, "meeting_pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)


class MeetingObjective(models.Model):
    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT = "not", _("Not achieved")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="objectives")
    text = models.CharField(_("objective"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting_id", "order", "id"]

    def __str__(self):
        return self.text


class MeetingInvitee(models.Model):
    """Someone invited to a meeting, from the contacts (or a county staff member); attendance after."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    contact = models.ForeignKey(
        "municipalities.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position_code = models.CharField(max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact"], condition=Q(contact__isnull=False), name="invitee_contact_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="invitee_user_once"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "meeting"], name="invitee_municipality")]

    def __str__(self):
        return self.name


class EscalationStepQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The escalation log is the county staff's (municipal users see their reminders as e-mail)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(participant__project__county_id__in=user.access.staff_county_ids)


class EscalationStep(models.Model):
    """One step of the escalation ladder for an overdue milestone, logged on the participant.

    Reminder and alert are e-mails queued by the daily job; the leadership step is a proposed
    message to the chief executive that county staff review, then send or dismiss.
    """

    class Step(models.TextChoices):
        REMINDER = "reminder", _("Reminder to the library head")
        ALERT = "alert", _("Alert to the project leader")
        LEADERSHIP = "leadership", _("Message to the chief executive")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        NO_RECIPIENT = "no_recipient", _("No recipient")
        PROPOSED = "proposed", _("Proposed, awaiting review")
        IN_LETTER = "in_letter", _("In a proposed message about several milestones")
        DISMISSED = "dismissed", _("Dismissed")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="escalations")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="escalations")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    due_on = models.DateField(_("milestone due"))
    overdue_days = models.PositiveIntegerField(_("days overdue"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    recipients = models.CharField(_("to"), max_length=1000, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = EscalationStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One step per milestone and due date: a second run (or a second beat) adds nothing.
            models.UniqueConstraint(fields=["milestone", "step", "due_on"], name="escalation_once"),
        ]
        indexes = [
            models.Index(fields=["participant", "-created_at"], name="escalation_participant"),
            # The letters waiting for county staff (start page, menu badge): a handful among every step ever taken.
            models.Index(fields=["created_at"], condition=models.Q(status="proposed"), name="escalation_proposed"),
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.milestone}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal iCal feed. The secret token in its URL is the only key; revoking makes a new one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    # The language the owner used when making (or renewing) the address: calendar apps fetch the feed
    # with their own Accept-Language, which says nothing about the person who reads it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    def __str__(self):
        return f"{self.user}"

    def get_absolute_url(self):
        return reverse("followup:calendar-feed", kwargs={"token": self.token})


def attachment_path(instance, filename) -> str:
    """A generated path: the user's file name goes into the database only."""
    extension = instance.extension or "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Files of projects the user can read: the project-wide ones, and a participant's files for
        those who may read that participant (municipal users only their own municipality's)."""
        return self.filter(project__in=Project.objects.visible_to(user)).filter(
            Q(participant__isnull=True) | participant_scope(user, "participant__")
        )


class Attachment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    # Set when the file belongs to one participant (directly, or through its milestone or progress
    # entry): municipal users see only their own municipality's files.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    progress_entry = models.ForeignKey(
        ProgressEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    history = HistoricalRecords()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-uploaded_at"], name="attachment_project"),
            models.Index(fields=["participant", "-uploaded_at"], name="attachment_participant"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ReminderNotice(models.Model):
    """One thing the daily job told one person (a milestone coming up or late, a ladder step, a gap
    to fix), so that no later run tells it again. A run's notices to one person share one e-mail."""

    key = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("notifications.OutboxMessage", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder notice")
        verbose_name_plural = _("reminder notices")

    def __str__(self):
        return self.key
