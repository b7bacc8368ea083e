"""Infobrev newsletters, their mailing lists and subscribers, and the public showcase pages.

A newsletter goes to one mailing list: the county's list (county-wide) or a
project's list. Its audience is worked out when it is sent (selectors.get_audience):
the stakeholders of the project (or of every active project of the county) plus
the list's confirmed subscribers, without those who unsubscribed or bounced.
Each recipient becomes one outbox row (notifications), keyed by newsletter and
address, so nothing can make a second row for the same person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shell.validators import validate_header_value


def _image_path(instance, filename) -> str:
    # Stored under a generated name: the uploader's file name never reaches the disk.
    return f"{instance.UPLOAD_FOLDER}/{instance.key.hex}.{filename.rsplit('.', 1)[-1]}"


class MailingListQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)


class MailingList(models.Model):
    """The county's list (no project) or one project's list; made the first time it is needed."""

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="mailing_lists")
    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="mailing_list"
    )
    is_public = models.BooleanField(
        _("open for public subscription"),
        default=False,
        help_text=_("Anyone may subscribe on the county's public page (with a confirmation by e-mail)."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MailingListQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")
        ordering = ["county_id", "-project_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county"], condition=Q(project__isnull=True), name="mailing_list_one_per_county"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsletters:mailing-list-detail", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        if self.project_id:
            return self.project.title
        return str(_("Infobrev from %(county)s") % {"county": self.county.name})


class Subscriber(models.Model):
    """Someone who asked for a list's newsletters; counted only once they confirmed (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["mailing_list_id", "email"]
        constraints = [models.UniqueConstraint(fields=["mailing_list", "email"], name="subscriber_once_per_list")]
        indexes = [models.Index(fields=["mailing_list", "status"], name="subscriber_status")]

    def __str__(self):
        return self.email


class Suppression(models.Model):
    """An address that asked to stop getting a list (or every list of a county): a stakeholder
    or a subscriber who unsubscribed. Bounces are kept apart (Bounce), for every county."""

    email = models.EmailField(_("e-mail address"))
    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="+")
    mailing_list = models.ForeignKey(
        MailingList,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suppressions",
        help_text=_("Empty: every infobrev from the county."),
    )
    created_at = models.DateTimeField(_("unsubscribed"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "mailing_list"], name="suppression_once_per_list"),
            models.UniqueConstraint(
                fields=["email", "county"], condition=Q(mailing_list__isnull=True), name="suppression_once_per_county"
            ),
        ]
        indexes = [models.Index(fields=["county", "email"], name="suppression_county")]

    def __str__(self):
        return self.email


class Bounce(models.Model):
    """An address the mail server reported as undeliverable: nothing more is sent to it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    source = models.CharField(_("recorded by"), max_length=20)
    count = models.PositiveIntegerField(_("bounces"), default=1)
    first_at = models.DateTimeField(_("first bounce"), default=timezone.now)
    last_at = models.DateTimeField(_("last bounce"), default=timezone.now)

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-last_at"]

    def __str__(self):
        return self.email


class NewsletterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff read their counties' newsletters; nobody else reads drafts or audiences."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)

    def published(self):
        """What the public archive shows: sent newsletters marked public."""
        return self.filter(is_public=True, status=Newsletter.Status.SENT, sent_at__isnull=False)


class Newsletter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Being queued")
        SENT = "sent", _("Sent")

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="newsletters")
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletters",
        verbose_name=_("project"),
    )
    mailing_list = models.ForeignKey(MailingList, on_delete=models.PROTECT, related_name="newsletters")
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_header_value])
    body = models.TextField(_("text (Markdown)"))
    is_public = models.BooleanField(
        _("show in the public archive"),
        default=False,
        help_text=_("Everyone can read it on the county's public page once it is sent."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    queuing_started_at = models.DateTimeField(null=True, blank=True)
    queuing_progress_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # Who could not be reached when it was sent, by reason: {"no_address": {"count": 2, "names": [...]}}
    # (newsletters.selectors.left_out_of), so that its page says later what was true then.
    left_out = models.JSONField(_("left out"), default=dict, blank=True)
    money_since = models.DateTimeField(
        null=True, blank=True, help_text=_("A draft about money changes since this time (infobrev suggested).")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        verbose_name = _("infobrev")
        verbose_name_plural = _("infobrev")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county", "-created_at"], name="newsletter_county"),
            models.Index(fields=["status", "scheduled_at"], name="newsletter_due"),
            models.Index(
                fields=["county", "-sent_at"], name="newsletter_archive", condition=Q(is_public=True, status="sent")
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletters:newsletter-detail", kwargs={"pk": self.pk})

    def get_public_url(self):
        return reverse("newsletters:archive-detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)


class NewsletterImage(models.Model):
    """An image shown in the newsletter, below its text; alt text is required."""

    UPLOAD_FOLDER = "infobrev"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="images")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    image = models.ImageField(_("image"), upload_to=_image_path)
    alt_text = models.CharField(
        _("alt text"), max_length=300, help_text=_("What the image shows, for those who cannot see it.")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["newsletter_id", "order", "id"]

    def __str__(self):
        return self.alt_text

    def get_absolute_url(self):
        return reverse("newsletters:newsletter-image", kwargs={"key": self.key})


class ShowcaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)

    def published(self):
        return self.filter(published_at__isnull=False)


class Showcase(models.Model):
    """An example library: a public page about finished work, to show in new forums."""

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="showcases")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="showcases", verbose_name=_("project")
    )
    participant = models.ForeignKey(
        "projects.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="showcases",
        verbose_name=_("example library"),
        help_text=_("Empty: the whole project. Otherwise one participant's finished work."),
    )
    slug = models.SlugField(_("address"), max_length=80, help_text=_("The last part of the page's address."))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary (Markdown)"), help_text=_("What was done, in a few sentences."))
    results = models.TextField(_("results (Markdown)"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ShowcaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("showcase")
        verbose_name_plural = _("showcases")
        ordering = ["-published_at", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["county", "slug"], name="showcase_unique_slug")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("newsletters:showcase-edit", kwargs={"pk": self.pk})

    def get_public_url(self):
        return reverse("newsletters:showcase-detail", kwargs={"number": self.county.number, "slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ShowcasePhotoQuerySet(models.QuerySet):
    def shown_publicly(self):
        """Photos without people, and photos whose people gave their consent."""
        return self.filter(Q(shows_people=False) | Q(consent_recorded_at__isnull=False))


class ShowcasePhoto(models.Model):
    UPLOAD_FOLDER = "eksempler"

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="photos")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    image = models.ImageField(_("photo"), upload_to=_image_path)
    alt_text = models.CharField(
        _("alt text"), max_length=300, help_text=_("What the photo shows, for those who cannot see it.")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    shows_people = models.BooleanField(_("people can be recognised in the photo"), default=False)
    consent_note = models.CharField(
        _("consent"),
        max_length=500,
        blank=True,
        help_text=_("Who gave their consent to publication, when and how (e.g. signed form kept at the library)."),
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ShowcasePhotoQuerySet.as_manager()

    class Meta:
        ordering = ["showcase_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shows_people=False) | ~Q(consent_note="") | Q(consent_recorded_at__isnull=True),
                name="showcase_photo_consent_has_note",
            ),
        ]

    def __str__(self):
        return self.alt_text

    def get_absolute_url(self):
        return reverse("newsletters:showcase-photo", kwargs={"key": self.key})

    @property
    def may_be_shown(self) -> bool:
        return not self.shows_people or self.consent_recorded_at is not None


def normalise_email(email: str) -> str:
    """Addresses are stored and compared in lower case: one person, one row."""
    return (email or "").strip().lower()
