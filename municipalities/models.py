"""Places and people: counties, municipalities, libraries and contacts."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shell.validators import is_header_safe, validate_header_value

ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
ARCHIVE_CREATOR_ID = re.compile(r"^[A-Za-z0-9ÆØÅæøå][A-Za-z0-9ÆØÅæøå._-]*$")


def is_organisation_number(value: str) -> bool:
    """Nine digits whose last is the modulus 11 check digit of the others (the Brønnøysund Register Centre's rule)."""
    if not re.fullmatch(r"\d{9}", value):
        return False
    remainder = sum(int(d) * w for d, w in zip(value, ORGANISATION_NUMBER_WEIGHTS, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(value[8])


def validate_archive_creator_id(value: str) -> None:
    """An arkivskaperID as archive systems hold it: the organisation number (nine digits, its check digit
    right) or a code of letters, digits, '.', '_' and '-' (no spaces: it is an identifier)."""
    if value.isdigit():
        if not is_organisation_number(value):
            raise ValidationError(
                _("%(value)s is not an organisation number: it must have nine digits and a correct check digit."),
                code="organisation_number",
                params={"value": value},
            )
    elif not ARCHIVE_CREATOR_ID.match(value):
        raise ValidationError(
            _(
                "Use the organisation number (nine digits) or the code the archive system uses, of letters, digits, "
                "'.', '_' and '-', without spaces."
            ),
            code="archive_creator_id",
        )


def validate_one_line(value) -> None:
    """Text for the archive extract's XML: one line, no control characters (XML cannot hold most of them)."""
    if not is_header_safe(value):
        raise ValidationError(_("Write this on one line, without line breaks or control characters."), code="one_line")


class CountyQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        access = user.access
        return self.filter(Q(pk__in=access.county_ids) | Q(municipalities__pk__in=access.municipality_ids)).distinct()


class County(models.Model):
    """A county (fylke) whose county library runs projects; also holds its settings."""

    number = models.CharField(
        _("county number"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^\d{2}$", _("Enter the official two-digit county number."))],
    )
    name = models.CharField(_("name"), max_length=100)
    written_standard = models.CharField(
        _("written standard"),
        max_length=2,
        choices=[("nb", _("Bokmål")), ("nn", _("Nynorsk"))],
        default="nb",
        help_text=_(
            "The county's written Norwegian: its stored documents, its messages to people without an account, "
            "its public pages and the pages of users who have not chosen a language."
        ),
    )
    sender_name = models.CharField(
        _("sender name"),
        max_length=100,
        blank=True,
        help_text=_("Shown as the sender of e-mails."),
        validators=[validate_header_value],
    )
    sender_email = models.EmailField(_("sender e-mail address"), blank=True, validators=[validate_header_value])
    letterhead = models.ImageField(
        _("letterhead logo"),
        upload_to="letterheads/",
        blank=True,
        help_text=_("PNG or JPEG, at most 1 MB. Printed at the top of PDF documents."),
    )
    # Defaults for projects (projects issue): Nasjonalbiblioteket's development grants ask at
    # least 40 % own funding, so that is where a county starts.
    default_local_share = models.DecimalField(
        _("default required local share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    default_hourly_rate = models.DecimalField(
        _("value of an in-kind hour (NOK)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("500"),
        validators=[MinValueValidator(0)],
    )
    # Follow-up: the escalation ladder (days a milestone is overdue) and the participant health thresholds.
    escalation_reminder_days = models.PositiveSmallIntegerField(
        _("overdue days before the library head is reminded"), default=7
    )
    escalation_alert_days = models.PositiveSmallIntegerField(
        _("overdue days before the project leader is alerted"), default=21
    )
    escalation_leadership_days = models.PositiveSmallIntegerField(
        _("overdue days before a message to the chief executive is proposed"), default=42
    )
    health_overdue_yellow = models.PositiveSmallIntegerField(_("overdue milestones for yellow"), default=1)
    health_overdue_red = models.PositiveSmallIntegerField(_("overdue milestones for red"), default=3)
    health_silence_yellow_days = models.PositiveSmallIntegerField(
        _("days without progress entry for yellow"), default=45
    )
    health_silence_red_days = models.PositiveSmallIntegerField(_("days without progress entry for red"), default=90)
    health_visit_yellow_days = models.PositiveSmallIntegerField(_("days since the last visit for yellow"), default=120)
    health_visit_red_days = models.PositiveSmallIntegerField(_("days since the last visit for red"), default=240)
    health_missed_meetings_yellow = models.PositiveSmallIntegerField(_("missed meetings for yellow"), default=1)
    health_missed_meetings_red = models.PositiveSmallIntegerField(_("missed meetings for red"), default=2)
    # Agreements and evaluations: reminders.
    agreement_reminder_days = models.PositiveSmallIntegerField(_("days before signatories are reminded"), default=7)
    agreement_signing_days = models.PositiveSmallIntegerField(
        _("days signatories have to sign"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The signing deadline of an agreement sent for signature; personal links expire with it."),
    )
    evaluation_reminder_days = models.PositiveSmallIntegerField(
        _("days before an evaluation deadline that respondents are reminded"), default=5
    )
    # The archive (Noark 5 extracts): who the county is as the creator of the archive (arkivskaper).
    archive_creator_id = models.CharField(
        _("archive creator id"),
        max_length=50,
        blank=True,
        validators=[validate_archive_creator_id],
        help_text=_("Arkivskaper-ID in the county's archive system, e.g. its organisation number."),
    )
    archive_creator_name = models.CharField(
        _("archive creator name"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text=_("Arkivskaper name in the county's archive system. Empty: the county's name."),
    )
    history = HistoricalRecords()

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"

    def get_absolute_url(self):
        return reverse("municipalities:county-detail", kwargs={"number": self.number})

    @property
    def from_email(self) -> str:
        """The From header for this county's e-mail, falling back to the installation's."""
        from email.utils import formataddr

        if self.sender_email:
            return formataddr((self.sender_name or self.name, self.sender_email))
        return settings.DEFAULT_FROM_EMAIL


class Position(models.Model):
    """A position a contact can hold; each county keeps its own editable list.

    `code` marks the positions the application itself reasons about (the
    stakeholder check, role-matrix columns, signatories); counties may rename
    them and add their own (code left blank).
    """

    class Code(models.TextChoices):
        LIBRARY_HEAD = "library_head", _("Library head")
        CHIEF_EXECUTIVE = "chief_executive", _("Chief executive (rådmann / kommunedirektør)")
        MAYOR = "mayor", _("Mayor")
        COUNCILLOR = "councillor", _("Councillor")
        TECHNICAL = "technical", _("Technical department")
        OTHER = "other", _("Other")

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="positions")
    code = models.CharField(_("system role"), max_length=20, choices=Code.choices, blank=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["county_id", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], condition=~Q(code=""), name="position_unique_code"),
            models.UniqueConstraint(fields=["county", "name"], name="position_unique_name"),
        ]

    def __str__(self):
        return self.name

    # Norwegian names are the defaults a new county starts with.
    DEFAULTS = [
        (Code.LIBRARY_HEAD, "Biblioteksjef"),
        (Code.CHIEF_EXECUTIVE, "Kommunedirektør / rådmann"),
        (Code.MAYOR, "Ordfører"),
        (Code.COUNCILLOR, "Kommunestyrerepresentant"),
        (Code.TECHNICAL, "Teknisk avdeling"),
        (Code.OTHER, "Annen"),
    ]


class ThemeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The themes of the counties the user works in as staff or expert."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.county_ids)


class Theme(models.Model):
    """A project theme; each county keeps its own list (county settings).

    `code` marks the themes the application reasons about, e.g. library room
    projects need the technical department in the stakeholder check.
    """

    class Code(models.TextChoices):
        LIBRARY_ROOMS = "library_rooms", _("Library rooms")
        WEEDING = "weeding", _("Weeding and collection development")
        READING = "reading", _("Reading promotion")
        DIGITAL = "digital", _("Digital services")
        OTHER = "other", _("Other")

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(_("system theme"), max_length=20, choices=Code.choices, blank=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["county_id", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], condition=~Q(code=""), name="theme_unique_code"),
            models.UniqueConstraint(fields=["county", "name"], name="theme_unique_name"),
        ]

    def __str__(self):
        return self.name

    DEFAULTS = [
        (Code.LIBRARY_ROOMS, "Bibliotekrom"),
        (Code.WEEDING, "Kassering og samlingsutvikling"),
        (Code.READING, "Leselyst"),
        (Code.DIGITAL, "Digitale tjenester"),
        (Code.OTHER, "Annet"),
    ]


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partner organisations are the county staff's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)


class Organisation(models.Model):
    """A partner that is not a municipality: a university, an archive, an association."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University or college")
        ARCHIVE = "archive", _("Archive or museum")
        ASSOCIATION = "association", _("Association")
        COMPANY = "company", _("Company")
        PUBLIC = "public", _("Other public body")
        OTHER = "other", _("Other")

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["county_id", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="organisation_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:organisation-detail", kwargs={"pk": self.pk})


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff see their counties' municipalities; municipal users their own."""
        if not user.is_authenticated:
            return self.none()
        access = user.access
        return self.filter(Q(county_id__in=access.staff_county_ids) | Q(pk__in=access.municipality_ids))


class Municipality(models.Model):
    number = models.CharField(
        _("municipality number"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Enter the official four-digit municipality number."))],
    )
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    region = models.CharField(_("regional council"), max_length=100, blank=True, help_text=_("Regionråd"))
    host_municipality = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_municipalities",
        verbose_name=_("host municipality"),
    )
    project_hours_per_month = models.DecimalField(
        _("library hours per month for projects"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("What the library can spend on development projects in all, declared by the library head."),
    )
    history = HistoricalRecords()

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["number"]
        indexes = [models.Index(fields=["county", "name"])]

    def __str__(self):
        return f"{self.number} {self.name}"

    def get_absolute_url(self):
        return reverse("municipalities:municipality-detail", kwargs={"number": self.number})


class Library(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="libraries")
    name = models.CharField(_("name"), max_length=200)
    is_main = models.BooleanField(_("main library"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("library")
        verbose_name_plural = _("libraries")
        ordering = ["municipality_id", "-is_main", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality"], condition=Q(is_main=True), name="library_one_main"),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person in a municipality, the county or a partner organisation."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="contacts")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="contacts",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("position")
    )
    title = models.CharField(
        _("title"), max_length=150, blank=True, help_text=_("The person's own job title, if different.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("user"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["position__order", "name"]
        indexes = [models.Index(fields=["municipality", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=True) | Q(organisation__isnull=True),
                name="contact_in_municipality_or_organisation",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.position})"
