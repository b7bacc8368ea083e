"""Projects: the county library's daily work object.

A project belongs to one county, has goals measured by indicators, and
municipalities take part in it as participants who commit to its requirements.
Partners and external experts are attached to it. Every change to projects,
goals, participants and requirements is kept (django-simple-history).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models import Library, Municipality, Organisation, Theme

# A saksnummer: the case's year (four or two digits) and its sequence number, as Elements, Public 360 and
# WebSak write it (2026/123, 26/01234). It becomes the project's mappeID in the archive extract.
CASE_NUMBER = RegexValidator(
    r"^(\d{4}|\d{2})/\d{1,7}$",
    _("Write the case number as year/number, e.g. 2026/123 (without the document number)."),
    code="case_number",
)


def participant_scope(user, path: str = "") -> Q:
    """The participants `user` may read, as a condition on `path` (the way from the filtered model
    to a participant, e.g. "participant__"; empty for participants themselves).

    County staff read every participant of their counties' projects, a project's external experts
    every participant of that project, and a municipality's users their own municipality's
    participations. Another participant of the same project is not readable: co-participants see
    only who takes part (the project page lists names and status)."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{path}pk__in": []})
    access = user.access
    query = Q(**{f"{path}project__county_id__in": access.staff_county_ids})
    if access.municipality_ids:
        query |= Q(**{f"{path}municipality_id__in": access.municipality_ids})
    if access.expert_county_ids:
        query |= Q(**{f"{path}project__in": ExpertAssignment.objects.filter(user=user).values("project_id")})
    return query


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff: their counties' projects. Municipal users: projects their municipality
        takes part in. Experts: projects they are attached to. Nobody else: nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        access = user.access
        query = Q(county_id__in=access.staff_county_ids)
        if access.municipality_ids:
            query |= Q(
                pk__in=Participant.objects.filter(municipality_id__in=access.municipality_ids).values("project_id")
            )
        if access.expert_county_ids:
            query |= Q(pk__in=ExpertAssignment.objects.filter(user=user).values("project_id"))
        return self.filter(query)

    def active(self):
        return self.filter(status=Project.Status.ACTIVE)


class Project(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        CLOSING = "closing", _("Closing")
        CLOSED = "closed", _("Closed")

    # Which status may follow which; moving back one step is allowed until closed.
    TRANSITIONS = {
        Status.IDEA: [Status.PLANNING],
        Status.PLANNING: [Status.IDEA, Status.ACTIVE],
        Status.ACTIVE: [Status.PLANNING, Status.CLOSING],
        Status.CLOSING: [Status.ACTIVE, Status.CLOSED],
        Status.CLOSED: [],
    }

    county = models.ForeignKey("municipalities.County", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    case_number = models.CharField(
        _("case number"),
        max_length=50,
        blank=True,
        validators=[CASE_NUMBER],
        help_text=_("Saksnummer in the county's archive system, e.g. 2026/123."),
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("theme"))
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_projects", blank=True, verbose_name=_("project leaders")
    )
    purpose = models.TextField(_("purpose"), help_text=_("What the project wants to achieve (Markdown)."))
    public_summary = models.TextField(
        _("public summary"), blank=True, help_text=_("A short text that may be shown to everyone.")
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IDEA)
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("Bli-ny project of"),
        help_text=_("A Bli-ny project: a small, manageable last chance to carry out planned changes."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Planning (capacity check, stakeholder check, money): the columns are here, the rules in `planning`.
    county_hours_per_month = models.DecimalField(
        _("hours per month needed from the county"), max_digits=7, decimal_places=1, default=0
    )
    participant_hours_per_month = models.DecimalField(
        _("hours per month needed from each participant"), max_digits=7, decimal_places=1, default=0
    )
    required_positions = models.ManyToManyField(
        "municipalities.Position",
        blank=True,
        related_name="+",
        verbose_name=_("positions every participant must involve"),
    )
    default_local_share = models.DecimalField(
        _("required local share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the county's default."),
    )
    capacity_override_reason = models.TextField(_("reason for starting despite a capacity shortfall"), blank=True)
    capacity_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    capacity_override_at = models.DateTimeField(null=True, blank=True)
    infobrev_suggested_at = models.DateTimeField(
        _("infobrev suggested since"),
        null=True,
        blank=True,
        help_text=_("Set when money changes: everyone involved should hear about it."),
    )
    # Follow-up: the escalation ladder may differ per project (empty: the county's days).
    escalation_reminder_days = models.PositiveSmallIntegerField(
        _("overdue days before the library head is reminded"), null=True, blank=True
    )
    escalation_alert_days = models.PositiveSmallIntegerField(
        _("overdue days before the project leader is alerted"), null=True, blank=True
    )
    escalation_leadership_days = models.PositiveSmallIntegerField(
        _("overdue days before a message to the chief executive is proposed"), null=True, blank=True
    )
    # Evaluations: a project cannot move to closing without a mid-term evaluation or a reason for skipping it.
    midterm_skip_reason = models.TextField(_("reason for skipping the mid-term evaluation"), blank=True)
    midterm_skip_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    midterm_skip_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[leaders])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_on", "title"]
        indexes = [
            models.Index(fields=["county", "status", "-start_on"], name="project_county_status"),
            models.Index(fields=["county", "-start_on"], name="project_county_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gte=models.F("start_on")), name="project_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project-detail", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def local_share_required(self):
        return self.county.default_local_share if self.default_local_share is None else self.default_local_share

    def allowed_transitions(self) -> list:
        return self.TRANSITIONS[self.Status(self.status)]


class Goal(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("goal"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["project_id", "order", "id"]

    def __str__(self):
        return self.text[:80]


class Indicator(models.Model):
    """Something measured: a goal's indicator, or a before/after measurement (evaluations)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators", null=True, blank=True)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["goal_id", "id"]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    """One value of an indicator; the latest is the goal's current value."""

    class Period(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    library = models.ForeignKey(Library, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements")
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator_id", "-measured_on", "-id"]
        indexes = [models.Index(fields=["indicator", "-measured_on", "-id"], name="measurement_latest")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The participations the user may read (see `participant_scope`)."""
        return self.filter(participant_scope(user))

    def taking_part(self):
        """Everyone not withdrawn (see `Participant.TAKING_PART`)."""
        return self.filter(status__in=Participant.TAKING_PART)

    def followed_up(self):
        """Those the follow-up watches (see `Participant.FOLLOWED_UP`)."""
        return self.filter(status__in=Participant.FOLLOWED_UP)


class Participant(models.Model):
    """A municipality (through its library) taking part in a project."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        COMMITTED = "committed", _("Committed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Health(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    # Who "takes part": everyone not withdrawn (lists, counts, reports). Of them, those the follow-up
    # watches — health, reminders, the dashboard — are the ones still in it: not completed.
    TAKING_PART = (Status.INVITED, Status.COMMITTED, Status.ACTIVE, Status.COMPLETED)
    FOLLOWED_UP = (Status.INVITED, Status.COMMITTED, Status.ACTIVE)

    TRANSITIONS = {
        Status.INVITED: [Status.COMMITTED, Status.WITHDRAWN],
        Status.COMMITTED: [Status.ACTIVE, Status.WITHDRAWN],
        Status.ACTIVE: [Status.COMPLETED, Status.WITHDRAWN],
        Status.COMPLETED: [Status.ACTIVE],
        Status.WITHDRAWN: [Status.INVITED],
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="participations", verbose_name=_("municipality")
    )
    library = models.ForeignKey(
        Library,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("library"),
    )
    mentor = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_participations",
        verbose_name=_("mentor / host municipality"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    hours_needed_per_month = models.DecimalField(
        _("hours per month needed"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: the project's figure for each participant."),
    )
    invited_on = models.DateField(_("invited"), default=timezone.localdate)
    # Health (follow-up): stored, recomputed when its inputs change and nightly, with the reasons kept.
    health = models.CharField(
        _("health"),
        max_length=6,
        choices=Health.choices,
        default=Health.GREEN,
    )
    health_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    health_computed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    history = HistoricalRecords()

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["project_id", "municipality__number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "municipality"], name="participant_once_per_project"),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""), name="participant_withdrawal_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="participant_municipality"),
            models.Index(fields=["project", "health"], name="participant_health"),
        ]

    def __str__(self):
        return f"{self.municipality.name} – {self.project}"

    def get_absolute_url(self):
        return reverse("projects:participant-detail", kwargs={"pk": self.project_id, "participant_pk": self.pk})

    def allowed_transitions(self) -> list:
        return self.TRANSITIONS[self.Status(self.status)]

    @property
    def hours_needed(self):
        return (
            self.project.participant_hours_per_month
            if self.hours_needed_per_month is None
            else self.hours_needed_per_month
        )


class Requirement(models.Model):
    """What taking part demands, e.g. "attend all workshops"."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="requirements")
    text = models.CharField(_("requirement"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation requirement")
        verbose_name_plural = _("participation requirements")
        ordering = ["project_id", "order", "id"]

    def __str__(self):
        return self.text


class RequirementStatus(models.Model):
    """One participant and one requirement: the library head's commitment and the compliance
    county staff record."""

    class Compliance(models.TextChoices):
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not met")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requirement_statuses")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="statuses")
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    compliance = models.CharField(_("compliance"), max_length=10, choices=Compliance.choices, blank=True)
    compliance_note = models.CharField(_("note"), max_length=500, blank=True)
    compliance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    compliance_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "requirement"], name="requirement_status_once")]

    def __str__(self):
        return f"{self.participant} – {self.requirement}"


class ProjectPartner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="project_roles", verbose_name=_("organisation")
    )
    role = models.CharField(_("role in the project"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        ordering = ["project_id", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["project", "organisation"], name="partner_once_per_project")]

    def __str__(self):
        return f"{self.organisation} ({self.role})"


class ExpertAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The county staff read every assignment of their counties' projects; an expert their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(project__county_id__in=user.access.staff_county_ids) | Q(user=user))


class ExpertAssignment(models.Model):
    """An external expert attached to a project: they see it, are briefed and followed up."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="experts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_assignments")
    role = models.CharField(_("what they help with"), max_length=200)
    attached_at = models.DateTimeField(default=timezone.now)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    history = HistoricalRecords()

    objects = ExpertAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("external expert")
        verbose_name_plural = _("external experts")
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="expert_once_per_project")]

    def __str__(self):
        return f"{self.user} – {self.project}"

    def get_absolute_url(self):
        return reverse("projects:expert-detail", kwargs={"pk": self.project_id, "expert_pk": self.pk})


class BriefingItem(models.Model):
    """One thing an external expert must be told ("inform them of everything")."""

    class Topic(models.TextChoices):
        GOALS = "goals", _("The project's goals")
        RESOURCES = "resources", _("Resources available")
        CONTACTS = "contacts", _("Contacts")
        DEADLINES = "deadlines", _("Deadlines")
        OTHER = "other", _("Other")

    assignment = models.ForeignKey(ExpertAssignment, on_delete=models.CASCADE, related_name="briefing")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    text = models.CharField(_("what"), max_length=300, blank=True)
    done_on = models.DateField(_("briefed on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assignment_id", "id"]

    def __str__(self):
        return self.text or self.get_topic_display()


class ExpertNote(models.Model):
    """What county staff discussed with an attached expert (the expert's notes)."""

    assignment = models.ForeignKey(ExpertAssignment, on_delete=models.CASCADE, related_name="notes")
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("what was discussed"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self):
        return f"{self.happened_on}: {self.text[:50]}"
