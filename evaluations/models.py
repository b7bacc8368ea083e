"""Evaluations: questionnaires, rounds of answers, mapping conclusions, course corrections,
before/after periods of measurements ("TTT") and lessons learned.

A questionnaire is versioned: its questions live in a `QuestionnaireVersion`.
Editing a version that has answers makes a new version (services.version_for_edit),
so a response and its answers always point at the questions that were asked.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What an evaluation round (or the questionnaire meant for it) is for."""

    MAPPING = "mapping", _("Mapping")
    MIDTERM = "midterm", _("Mid-term evaluation")
    FINAL = "final", _("Final evaluation")
    OTHER = "other", _("Other")


class Questionnaire(models.Model):
    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="questionnaires")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("meant for"), max_length=10, choices=Kind.choices, default=Kind.MIDTERM)
    description = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to respondents above the questions (Markdown).")
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["county_id", "kind", "title"]
        constraints = [models.UniqueConstraint(fields=["county", "title"], name="questionnaire_unique_title")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evaluations:questionnaire-detail", kwargs={"pk": self.pk})


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["questionnaire_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="version_unique_number")]

    def __str__(self):
        return f"{self.questionnaire} v{self.number}"


class Question(models.Model):
    class Type(models.TextChoices):
        TEXT = "text", _("Free text")
        SCALE = "scale", _("Scale 1–5")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        NUMBER = "number", _("A number")
        YES_NO = "yes_no", _("Yes or no")

    SCALE_VALUES = (1, 2, 3, 4, 5)
    CHOICE_TYPES = (Type.SINGLE, Type.MULTIPLE)

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    # The same question in every version of the questionnaire carries the same key.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    type = models.CharField(_("type of answer"), max_length=10, choices=Type.choices, default=Type.TEXT)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    is_required = models.BooleanField(_("an answer is required"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)
    low_label = models.CharField(_("label for 1"), max_length=100, blank=True)
    high_label = models.CharField(_("label for 5"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="question_once_per_version")]

    def __str__(self):
        return self.text


class RoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Round.Status.OPEN)


class Round(models.Model):
    """One evaluation of a project: a questionnaire version sent to its participants (and experts)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="evaluation_rounds")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("questionnaire")
    )
    deadline = models.DateField(_("deadline"))
    include_experts = models.BooleanField(_("ask the attached external experts too"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["project_id", "-opened_at", "-id"]
        indexes = [
            models.Index(fields=["project", "kind"], name="round_project_kind"),
            models.Index(fields=["status", "deadline"], name="round_open_deadline"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"], condition=Q(status="open"), name="round_one_open_per_kind"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evaluations:round-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_past_deadline(self) -> bool:
        """Answers are taken until the end of the deadline day."""
        return timezone.localdate() > self.deadline


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The county staff read every response of their counties' projects; a library head their
        municipality's; an expert their own. Nobody else (co-participants included) reads a response."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        access = user.access
        return self.filter(
            Q(round__project__county_id__in=access.staff_county_ids)
            | Q(participant__municipality_id__in=access.head_municipality_ids)
            | Q(user=user)
        )


class Response(models.Model):
    """One respondent's answers in a round: a participating municipality (answered by its library
    head) or an attached external expert. Drafts are kept; a response is submitted once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not answered")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    participant = models.ForeignKey(
        "projects.Participant", on_delete=models.CASCADE, null=True, blank=True, related_name="evaluation_responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="expert_responses"
    )  # an external expert answering for themselves; participant is empty then
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["round_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(participant__isnull=False) & Q(user__isnull=True))
                | (Q(participant__isnull=True) & Q(user__isnull=False)),
                name="response_participant_or_expert",
            ),
            models.UniqueConstraint(
                fields=["round", "participant"],
                condition=Q(participant__isnull=False),
                name="response_once_per_participant",
            ),
            models.UniqueConstraint(
                fields=["round", "user"], condition=Q(user__isnull=False), name="response_once_per_expert"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="response_round_status")]

    def __str__(self):
        return f"{self.round}: {self.respondent_name}"

    def get_absolute_url(self):
        return reverse("evaluations:response", kwargs={"pk": self.round_id, "response_pk": self.pk})

    @property
    def respondent_name(self) -> str:
        return self.participant.municipality.name if self.participant_id else self.user.get_full_name()

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)  # scale values and numbers
    choices = models.JSONField(default=list, blank=True)  # the chosen options' texts
    boolean = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]

    def __str__(self):
        return f"{self.question}: {self.value}"

    @property
    def value(self):
        kind = self.question.type
        if kind == Question.Type.TEXT:
            return self.text
        if kind in (Question.Type.SCALE, Question.Type.NUMBER):
            return self.number
        if kind == Question.Type.YES_NO:
            return self.boolean
        if kind == Question.Type.SINGLE:
            return self.choices[0] if self.choices else None
        return self.choices

    @property
    def is_empty(self) -> bool:
        return self.value in (None, "", [])


class Conclusion(models.Model):
    """A short conclusion per municipality after a mapping; public once published."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="conclusions")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="conclusions"
    )
    text = models.TextField(
        _("conclusion"), help_text=_("Short and plain: what potential did the mapping find? (Markdown)")
    )
    written_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_on = models.DateField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mapping conclusion")
        verbose_name_plural = _("mapping conclusions")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="conclusion_once_per_municipality")
        ]
        indexes = [models.Index(fields=["municipality", "-published_on"], name="conclusion_published")]

    def __str__(self):
        return f"{self.municipality.name}: {self.round}"

    def get_absolute_url(self):
        return reverse(
            "evaluations:public-conclusion", kwargs={"number": self.municipality.number, "conclusion_pk": self.pk}
        )

    @property
    def is_published(self) -> bool:
        return self.published_on is not None


class CourseCorrection(models.Model):
    """A decision taken when stopping to choose a new path; its changes are `CorrectionChange` rows."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="course_corrections")
    round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_corrections",
        verbose_name=_("evaluation round"),
    )
    decision = models.TextField(_("decision"))
    rationale = models.TextField(_("rationale"))
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("Who took the decision, e.g. the steering group.")
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("course correction")
        verbose_name_plural = _("course corrections")
        ordering = ["project_id", "-decided_on", "-id"]

    def __str__(self):
        return self.decision[:80]

    def get_absolute_url(self):
        return reverse("evaluations:correction-detail", kwargs={"pk": self.pk})


class CorrectionChange(models.Model):
    """One change a course correction made to the plan, with the old and the new value."""

    class Type(models.TextChoices):
        MILESTONE_DATE = "milestone_date", _("Milestone moved")
        GOAL_TEXT = "goal_text", _("Goal changed")
        GOAL_ADDED = "goal_added", _("Goal added")
        TARGET = "target", _("Target changed")

    correction = models.ForeignKey(CourseCorrection, on_delete=models.CASCADE, related_name="changes")
    type = models.CharField(_("change"), max_length=20, choices=Type.choices)
    milestone = models.ForeignKey(
        "followup.Milestone", on_delete=models.SET_NULL, null=True, blank=True, related_name="course_changes"
    )
    goal = models.ForeignKey(
        "projects.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="course_changes"
    )
    indicator = models.ForeignKey(
        "projects.Indicator", on_delete=models.SET_NULL, null=True, blank=True, related_name="course_changes"
    )
    label = models.CharField(_("what"), max_length=300)  # the object's name when it changed, kept if it is deleted
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"))
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["correction_id", "id"]

    def __str__(self):
        return f"{self.get_type_display()}: {self.label}"

    def _display(self, value: str) -> str:
        if self.type == self.Type.MILESTONE_DATE and value:
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        return value or "–"

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)


class MeasurementPeriod(models.Model):
    """The before or the after period of a project's TTT measurements."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="measurement_periods")
    period = models.CharField(_("period"), max_length=10, choices=[("before", _("Before")), ("after", _("After"))])
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        ordering = ["project_id", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="measurement_period_once"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="measurement_period_order"),
        ]

    def __str__(self):
        return f"{self.get_period_display()}: {self.starts_on}–{self.ends_on}"

    def contains(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class Lesson(models.Model):
    """One lesson learned, in one of the five sections of the lessons record, tagged by theme and kind."""

    class Section(models.TextChoices):
        MOST_IMPORTANT = "most_important", _("Most important lesson")
        COOPERATION = "cooperation", _("Cooperation with municipalities and others")
        WISHES = "wishes", _("Wishes from the libraries")
        IDEAS = "ideas", _("Ideas for further work")
        INTERNAL = "internal", _("Internal feedback")

    class LessonKind(models.TextChoices):
        PLANNING = "planning", _("Planning and time")
        COOPERATION = "cooperation", _("Cooperation")
        AGREEMENTS = "agreements", _("Agreements and roles")
        COMMUNICATION = "communication", _("Information and visibility")
        FOLLOW_UP = "follow_up", _("Follow-up and progress")
        CAPACITY = "capacity", _("Capacity and resources")
        MONEY = "money", _("Money")
        EXPERTISE = "expertise", _("Expertise and competence")
        METHOD = "method", _("Working methods")
        OTHER = "other", _("Other")

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="lessons")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="lessons")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    text = models.TextField(_("lesson"))
    theme = models.ForeignKey(
        "municipalities.Theme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("theme"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LessonKind.choices, default=LessonKind.OTHER)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["project_id", "order", "id"]
        indexes = [
            models.Index(fields=["county", "section"], name="lesson_county_section"),
            models.Index(fields=["county", "kind"], name="lesson_county_kind"),
        ]

    def __str__(self):
        return self.text[:80]

    SECTION_ORDER = [s.value for s in Section]
