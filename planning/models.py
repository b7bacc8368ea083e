"""The planning and money side of projects: capacity, budgets with matching funds, project kits
("pakkeløsninger") and the handbook."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models import Milestone
from municipalities.models import Position, Theme
from projects.models import Participant, Project

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}
HOURS = {"max_digits": 7, "decimal_places": 1, "validators": [MinValueValidator(0)]}


class StaffCapacity(models.Model):
    """Hours per month a county staff member has for projects (the reality check, county side)."""

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="staff_capacities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capacities")
    hours_per_month = models.DecimalField(_("hours per month for projects"), **HOURS)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "user"], name="capacity_once_per_county")]

    def __str__(self):
        return f"{self.user}: {self.hours_per_month}"


class Budget(models.Model):
    """A participant's money: the county grant and the local funds it is meant to trigger.

    Local share = local committed ÷ (county grant + local committed); the grant
    can be released once the share reaches the required share.
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="budget")
    county_grant = models.DecimalField(
        _("county grant"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY
    )
    required_local_share = models.DecimalField(_("required local share (%)"), **PERCENT)
    local_cash = models.DecimalField(
        _("local funds committed (cash)"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY
    )
    local_inkind_hours = models.DecimalField(_("local in-kind hours"), default=Decimal("0"), **HOURS)
    hourly_rate = models.DecimalField(_("value of an in-kind hour"), validators=[MinValueValidator(0)], **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")

    def __str__(self):
        return f"{self.participant}"

    @property
    def local_inkind_value(self) -> Decimal:
        # Half a øre and up rounds up, as the database's ROUND does in the county totals.
        return (self.local_inkind_hours * self.hourly_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def local_committed(self) -> Decimal:
        return self.local_cash + self.local_inkind_value

    @property
    def local_share(self) -> Decimal:
        """Percent, two decimals; 0 when there is no money at all."""
        total = self.county_grant + self.local_committed
        if not total:
            return Decimal("0")
        return (self.local_committed * 100 / total).quantize(Decimal("0.01"))

    @property
    def meets_required_share(self) -> bool:
        # Compare exactly, not the rounded percentage: 39.995 % is not 40 %.
        total = self.county_grant + self.local_committed
        return total > 0 and self.local_committed * 100 >= self.required_local_share * total


class GrantRelease(models.Model):
    """A payment of (part of) the county grant."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="releases")
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    released_on = models.DateField(_("released on"), default=timezone.localdate)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget_id", "released_on", "id"]

    def __str__(self):
        return f"{self.amount} ({self.released_on})"


class FinalAccount(models.Model):
    """The closed grant: what was spent, and what must be returned."""

    budget = models.OneToOneField(Budget, on_delete=models.PROTECT, related_name="final_account")
    spent_county = models.DecimalField(_("county money spent"), validators=[MinValueValidator(0)], **MONEY)
    spent_local = models.DecimalField(_("local money spent"), validators=[MinValueValidator(0)], **MONEY)
    to_return = models.DecimalField(_("unused grant to be returned"), **MONEY)
    closed_on = models.DateField(_("closed on"), default=timezone.localdate)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.budget}: {self.spent_county}"


class KitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Kits are the county staff's working tools."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)

    def current(self):
        """The version of each kit that new projects are made from (the county's list)."""
        return self.filter(is_current=True)


class Kit(models.Model):
    """A ready project kit: plan, requirements, positions, defaults and document templates.

    Changing a kit's texts makes a new version (`planning.kits.revise_kit_document`): the old one stays,
    unchanged, for the projects made from it, and only the current version is listed and used for new
    projects."""

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="kits")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="kits", verbose_name=_("theme")
    )
    duration_days = models.PositiveIntegerField(_("duration in days"), default=365)
    default_local_share = models.DecimalField(_("default local share (%)"), null=True, blank=True, **PERCENT)
    county_hours_per_month = models.DecimalField(_("hours per month needed from the county"), default=0, **HOURS)
    participant_hours_per_month = models.DecimalField(
        _("hours per month needed from each participant"), default=0, **HOURS
    )
    required_positions = models.ManyToManyField(
        Position, blank=True, related_name="+", verbose_name=_("positions every participant must involve")
    )
    handbook_pages = models.ManyToManyField(
        "HandbookPage", blank=True, related_name="kits", verbose_name=_("handbook pages")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[required_positions])

    objects = KitQuerySet.as_manager()

    class Meta:
        verbose_name = _("project kit")
        verbose_name_plural = _("project kits")
        ordering = ["county_id", "name"]
        constraints = [
            # One current kit of a name; its earlier versions keep the name.
            models.UniqueConstraint(
                fields=["county", "name"], condition=models.Q(is_current=True), name="kit_unique_current_name"
            ),
            models.UniqueConstraint(fields=["county", "name", "version"], name="kit_unique_version"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("planning:kit-detail", kwargs={"kit_pk": self.pk})


class KitMilestone(models.Model):
    class Scope(models.TextChoices):
        PROJECT = "project", _("Project-wide")
        PARTICIPANT = "participant", _("For each participant")

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    offset_days = models.PositiveIntegerField(_("days after the project start"))
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope.choices, default=Scope.PARTICIPANT)
    responsible_position = models.ForeignKey(
        Position, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("responsible")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kit_id", "offset_days", "order", "id"]

    def __str__(self):
        return self.name


class KitRequirement(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="requirements")
    text = models.CharField(_("requirement"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kit_id", "order", "id"]

    def __str__(self):
        return self.text


class KitDocument(models.Model):
    """A letter or agreement template. Placeholders are a fixed whitelist, substituted as plain
    text (projects.placeholders); the text is never rendered as a Django template."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter")
        AGREEMENT = "agreement", _("Agreement text")

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LETTER)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown with placeholders)"))

    class Meta:
        ordering = ["kit_id", "kind", "title"]

    def __str__(self):
        return self.title


class HandbookPage(models.Model):
    """A page of the project handbook, guidance document or ground rules; internal or public."""

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="handbook_pages")
    slug = models.SlugField(_("address"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Public pages can be read without logging in.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The project's handbook pages, kept with the page so that projects need not know the handbook.
    projects = models.ManyToManyField(Project, blank=True, related_name="handbook_pages", verbose_name=_("projects"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handbook page")
        verbose_name_plural = _("handbook pages")
        ordering = ["county_id", "order", "title"]
        constraints = [models.UniqueConstraint(fields=["county", "slug"], name="handbook_unique_slug")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("planning:handbook-page", kwargs={"number": self.county.number, "slug": self.slug})


class KitUse(models.Model):
    """The kit a project was made from (its plan, requirements and texts came from it)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="kit_use")
    kit = models.ForeignKey(
        Kit, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses", verbose_name=_("project kit")
    )

    class Meta:
        verbose_name = _("kit used")
        verbose_name_plural = _("kits used")

    def __str__(self):
        return f"{self.project} ← {self.kit}"


class MilestoneOrigin(models.Model):
    """The kit milestone a milestone was made from: how long each step took shows on the kit."""

    milestone = models.OneToOneField(Milestone, on_delete=models.CASCADE, primary_key=True, related_name="origin")
    kit_milestone = models.ForeignKey(KitMilestone, on_delete=models.CASCADE, related_name="milestone_origins")

    def __str__(self):
        return f"{self.milestone} ← {self.kit_milestone}"


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Letters are the county staff's: drafted, kept and read at the county."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(participant__project__county_id__in=user.access.staff_county_ids)


class Letter(models.Model):
    """A letter to one participating municipality, drafted from a kit's letter template (placeholders
    filled once, as plain text), edited, then sent: by e-mail with the PDF attached, or by the county's own
    mail. A sent letter keeps its text, its PDF and its recipients as they were."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    class Delivery(models.TextChoices):
        EMAIL = "email", _("By e-mail from Fremdrift")
        OWN_MAIL = "own_mail", _("By the county's own mail")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="letters", verbose_name=_("participant")
    )
    template = models.CharField(_("from the template"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    delivery = models.CharField(_("sent"), max_length=10, choices=Delivery.choices, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)  # [{"name", "email"}] as sent
    pdf = models.BinaryField(_("the letter as sent (PDF)"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["participant", "-created_at"], name="letter_participant")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse(
            "planning:letter-detail",
            kwargs={"pk": self.participant.project_id, "letter_pk": self.pk},
        )

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT
