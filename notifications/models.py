"""The outbox: every e-mail is a row first, written in the transaction that caused it.

A worker claims pending rows (`select_for_update(skip_locked=True)`), sends them
over one SMTP connection and marks each one sent as soon as the server accepted
it. A crash can therefore leave at most the message in flight unmarked; the
sweeper puts rows stuck in "sending" back to "pending", so sending resumes from
the database and the message in flight may arrive twice, with the same
Message-ID.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_CHOICES


class OutboxMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)

    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Held for the daily digest")
        DIGESTED = "digested", _("Sent in a digest")
        SKIPPED = "skipped", _("Not sent: turned off by the recipient")

    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        help_text=_("The recipient's account, when they have one (their preferences apply)."),
    )
    from_email = models.CharField(_("sender"), max_length=320)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_("[{filename, content, mimetype}] with text content.")
    )
    # This recipient's own parts of a text many rows share, {placeholder: value}: the sender builds
    # the shared MIME message once and substitutes them (notifications.services._MimeTemplates).
    personal = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=KIND_CHOICES)
    county = models.ForeignKey(
        "municipalities.County", on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox_messages"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="digest_items")

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["county", "status", "-created_at"], name="outbox_county"),
            models.Index(fields=["content_type", "object_id"], name="outbox_about"),
            models.Index(fields=["status", "claimed_at"], name="outbox_sending", condition=Q(status="sending")),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"


class NotificationPreference(models.Model):
    """How one user wants one kind of notification: each e-mail at once, or one digest a day."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("E-mail at once")
        DIGEST = "digest", _("Daily digest")
        OFF = "off", _("Do not send")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique_kind")]

    def __str__(self):
        return f"{self.user}: {self.kind} – {self.delivery}"


DEFAULT_DIGEST_HOUR = 7


class DigestHour(models.Model):
    """The hour (Norwegian time) at which one user gets their daily digest; without a row, 07."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_hour")
    hour = models.PositiveSmallIntegerField(
        _("hour of the daily digest"), default=DEFAULT_DIGEST_HOUR, validators=[MaxValueValidator(23)]
    )

    def __str__(self):
        return f"{self.user}: {self.hour:02d}"


class PersonalLinkQuerySet(models.QuerySet):
    def for_object(self, purpose: str, object_id: int):
        return self.filter(purpose=purpose, object_id=object_id)

    def open(self):
        return self.filter(state=PersonalLink.State.SENT)


class PersonalLink(models.Model):
    """A personal link e-mailed to a contact who has no login, for one act on one object: signing one
    slot of one agreement, or answering one evaluation response. No user is made for the contact.

    The link's token (`links.token_for`) is the row's id signed with Django's signing, salted by the
    purpose, so a token of one purpose opens nothing of another. Opening it asks for a one-time code
    sent to the same address (stored as an HMAC, `code_hash`); the act uses it up."""

    class Purpose(models.TextChoices):
        AGREEMENT_SIGNATURE = "agreement-signature", _("Signing an agreement")
        EVALUATION_RESPONSE = "evaluation-response", _("Answering an evaluation")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        USED = "used", _("Used")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "municipalities.Contact", on_delete=models.CASCADE, related_name="personal_links", verbose_name=_("contact")
    )
    email = models.EmailField(_("e-mail address"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    object_id = models.PositiveIntegerField()
    slot = models.CharField(max_length=30, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SENT)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["purpose", "object_id"], name="personal_link_object")]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "object_id", "slot", "contact"],
                condition=Q(state="sent"),
                name="personal_link_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.email}"

    @property
    def is_expired(self) -> bool:
        return self.state == self.State.EXPIRED or (self.state == self.State.SENT and timezone.now() >= self.expires_at)
