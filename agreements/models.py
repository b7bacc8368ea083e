"""Written agreements between the county and one participant of a project.

An agreement is a draft that county staff edit, goes out for signature (its
content frozen and hashed), and is sealed when the last signatory signs: a
canonical snapshot and the signed PDF are stored with their SHA-256 in a
`Seal`. From then on the agreement, its signatures and its seal cannot change:

- `save()` and `delete()` refuse (so do the admin and django-simple-history's revert, which call them);
- the querysets refuse `update()` and `delete()` (and so `bulk_update()`) when a sealed row is involved;
- every foreign key into them is `PROTECT`, so no cascade reaches them;
- on PostgreSQL a trigger refuses the same at the database (migration 0002).

A keyed seal (an HMAC with a key kept out of the database, see `integrity`) lets
`verify_agreements` tell a seal rewritten by someone with database access.

"Superseded" is not stored: an agreement is superseded when a sealed amendment
of it exists, so sealing an amendment never touches the old, sealed row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SealedError(Exception):
    """A sealed agreement, its signatures or its seal were about to change."""

    def __init__(self, message=None):
        super().__init__(message or str(_("A signed and sealed agreement cannot be changed or deleted.")))


# ----------------------------------------------------------------------- agreement


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff: their counties' agreements. Library heads: their municipality's once sent
        (drafts too, if they were sent before). Municipal leadership: those out for signature that
        name them as a signatory, and sealed ones of their municipality. Nobody else: nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        access = user.access
        query = Q(county_id__in=access.staff_county_ids)
        if access.head_municipality_ids:
            query |= Q(municipality_id__in=access.head_municipality_ids, first_sent_at__isnull=False)
        if access.leadership_municipality_ids:
            mine = Q(municipality_id__in=access.leadership_municipality_ids)
            addressed = (
                Q(library_head_contact__user=user)
                | Q(chief_executive_contact__user=user)
                | Q(mayor_contact__user=user, requires_mayor=True)
            )
            query |= mine & Q(sealed_at__isnull=False)
            query |= mine & Q(status=Agreement.Status.SENT) & addressed
        return self.filter(query)

    def with_supersession(self):
        """Annotates `is_superseded_flag`: a sealed amendment of the agreement exists."""
        return self.annotate(
            is_superseded_flag=Exists(Agreement.objects.filter(amends=OuterRef("pk"), sealed_at__isnull=False))
        )

    def sealed(self):
        return self.filter(sealed_at__isnull=False)

    def bulk_update(self, objs, fields, batch_size=None):
        # Checked before Django opens its transaction, so the refusal leaves the caller's intact.
        objs = list(objs)
        if self.model.objects.filter(pk__in=[obj.pk for obj in objs], sealed_at__isnull=False).exists():
            raise SealedError()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def update(self, **kwargs):
        if self.sealed().exists():
            raise SealedError()
        return super().update(**kwargs)

    def delete(self):
        if self.sealed().exists():
            raise SealedError()
        return super().delete()


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Out for signature")
        SEALED = "sealed", _("Signed and sealed")

    # The sections, in order: (field, label). Their headings in a kit's agreement text are in drafting.py.
    SECTIONS = [
        ("purpose", _("Purpose")),
        ("obligations", _("Obligations of the parties")),
        ("finance", _("Finance")),
        ("requirements", _("Participation requirements")),
        ("progress_plan", _("Progress plan")),
        ("roles", _("Role clarification")),
        ("duration", _("Duration and termination")),
        ("other", _("Other")),
    ]
    SECTION_FIELDS = [name for name, _label in SECTIONS]

    county = models.ForeignKey("municipalities.County", on_delete=models.PROTECT, related_name="agreements")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="agreements")
    participant = models.ForeignKey(
        "projects.Participant", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("participant")
    )
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT, related_name="agreements")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments", verbose_name=_("amends")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    county_case_number = models.CharField(
        _("case number at the county"),
        max_length=50,
        blank=True,
        help_text=_("Saksnummer in the county's archive system."),
    )
    municipality_case_number = models.CharField(
        _("case number at the municipality"),
        max_length=50,
        blank=True,
        help_text=_("Saksnummer in the municipality's archive system."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    obligations = models.TextField(_("obligations of the parties"), blank=True)
    finance = models.TextField(_("finance"), blank=True)
    requirements = models.TextField(_("participation requirements"), blank=True)
    progress_plan = models.TextField(_("progress plan"), blank=True)
    roles = models.TextField(_("role clarification"), blank=True)
    duration = models.TextField(_("duration and termination"), blank=True)
    other = models.TextField(_("other"), blank=True)
    role_matrix = models.JSONField(_("role matrix"), default=dict, blank=True)
    # Signatories: the county's representative is a county staff user; the others are contacts
    # of the municipality, and the user linked to the contact signs.
    county_representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county representative"),
    )
    library_head_contact = models.ForeignKey(
        "municipalities.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library head"),
    )
    chief_executive_contact = models.ForeignKey(
        "municipalities.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chief executive"),
    )
    mayor_contact = models.ForeignKey(
        "municipalities.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mayor"),
    )
    requires_mayor = models.BooleanField(_("the mayor signs too"), default=False)
    # What went out for signature: canonical JSON and its SHA-256 (every signature names this hash).
    content_snapshot = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    sent_at = models.DateTimeField(_("sent for signature"), null=True, blank=True)
    # Set when sent for signature (the county's `agreement_signing_days` on): personal links expire with it.
    signing_deadline = models.DateField(_("signing deadline"), null=True, blank=True)
    first_sent_at = models.DateTimeField(null=True, blank=True)
    sealed_at = models.DateTimeField(_("signed and sealed"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["content_snapshot"])

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["participant_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "version"], name="agreement_version_once"),
            # One draft or agreement out for signature per participant at a time.
            models.UniqueConstraint(
                fields=["participant"], condition=~Q(status="sealed"), name="agreement_one_open_per_participant"
            ),
            models.CheckConstraint(
                condition=Q(status="sealed", sealed_at__isnull=False)
                | (~Q(status="sealed") & Q(sealed_at__isnull=True)),
                name="agreement_sealed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "-created_at"], name="agreement_county_status"),
            models.Index(fields=["municipality", "status"], name="agreement_municipality"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if self._stored_is_sealed():
            raise SealedError()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("agreements:agreement-detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        if self._stored_is_sealed():
            raise SealedError()
        return super().delete(*args, **kwargs)

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def is_superseded(self) -> bool:
        flag = getattr(self, "is_superseded_flag", None)
        if flag is not None:
            return flag
        return self.is_sealed and self.amendments.filter(sealed_at__isnull=False).exists()

    @property
    def status_label(self) -> str:
        if self.is_sealed and self.is_superseded:
            return str(_("Superseded"))
        return self.get_status_display()

    def signatory_slots(self) -> list[tuple[str, object]]:
        """(slot, who) for every slot that must sign, in order: the county representative (a user),
        then the library head, the chief executive and, when the agreement says so, the mayor (contacts)."""
        slots = [
            (Signature.Slot.COUNTY, self.county_representative),
            (Signature.Slot.LIBRARY_HEAD, self.library_head_contact),
            (Signature.Slot.CHIEF_EXECUTIVE, self.chief_executive_contact),
        ]
        if self.requires_mayor:
            slots.append((Signature.Slot.MAYOR, self.mayor_contact))
        return slots

    def sections(self) -> list[tuple[str, str, str]]:
        """(field, label, text) for each section, in order."""
        return [(name, label, getattr(self, name)) for name, label in self.SECTIONS]

    def _stored_is_sealed(self) -> bool:
        return self.pk is not None and Agreement.objects.filter(pk=self.pk, sealed_at__isnull=False).exists()


# ---------------------------------------------------------------------- signatures


def _lower_first_now(label) -> str:
    text = str(label)
    return text[:1].lower() + text[1:]


_lower_first = lazy(_lower_first_now, str)


class SignatureQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(discarded_at__isnull=True)

    def _touches_sealed(self) -> bool:
        return self.filter(agreement__sealed_at__isnull=False).exists()

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        if Signature.objects.filter(pk__in=[obj.pk for obj in objs], agreement__sealed_at__isnull=False).exists():
            raise SealedError()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def update(self, **kwargs):
        if self._touches_sealed():
            raise SealedError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_sealed():
            raise SealedError()
        return super().delete()


class Signature(models.Model):
    """One signatory's signature: who, which slot, when, from where, how, and on exactly what."""

    class Slot(models.TextChoices):
        COUNTY = "county", _("County library")
        LIBRARY_HEAD = "library_head", _("Library head")
        CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
        MAYOR = "mayor", _("Mayor")

    class Method(models.TextChoices):
        """The methods Fremdrift ships (agreements.signing's registry holds them and any added later)."""

        PASSWORD = "password", _("Electronic signature in Fremdrift (password re-entered)")
        EMAIL_CODE = "email_code", _("Simple electronic signature, e-mail confirmed with a one-time code")
        WET_INK = "wet_ink", _("Scanned signature on paper")
        SSO_REAUTH = "sso_reauth", _("Electronic signature confirmed by logging in again with the identity provider")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    slot = models.CharField(_("signs as"), max_length=20, choices=Slot.choices)
    signer_name = models.CharField(_("name"), max_length=150)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_signatures",
        help_text=_("The authenticated user who signed (empty for a scanned signature)."),
    )
    # Empty when a contact without a login signed through a personal link (no user acted).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The registry key of the signing method (agreements.signing) and that method's description as it
    # was when signing; signatures made before descriptions were stored read it from the registry.
    method = models.CharField(_("method"), max_length=20)
    method_description = models.TextField(_("method description"), blank=True)
    signer_email = models.EmailField(_("e-mail address"), blank=True)
    # What the signing method proved, beyond the fields here (agreements.signing: the identity provider,
    # its `sub`, `acr` and the time of the re-authentication); empty for the methods that prove nothing more.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the content signed"), max_length=64)
    scan = models.FileField(_("scanned signature"), upload_to="agreements/scans/%Y/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discard_reason = models.TextField(blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["agreement_id", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "slot"], condition=Q(discarded_at__isnull=True), name="signature_once_per_slot"
            ),
        ]

    def __str__(self):
        return f"{self.signer_name} ({self.get_slot_display()})"

    def save(self, *args, **kwargs):
        if self._agreement_is_sealed():
            raise SealedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._agreement_is_sealed():
            raise SealedError()
        return super().delete(*args, **kwargs)

    @staticmethod
    def slot_in_sentence(slot: str) -> str:
        """The slot's label as it reads inside a sentence: "som ordfører", not "som Ordfører". Lazy, so that an
        e-mail rendered in its recipient's language gets the label in that language too."""
        return _lower_first(Signature.Slot(slot).label)

    @property
    def method_label(self) -> str:
        from .signing import method_label

        return method_label(self.method)

    def _agreement_is_sealed(self) -> bool:
        return Agreement.objects.filter(pk=self.agreement_id, sealed_at__isnull=False).exists()


# ---------------------------------------------------------------------------- seal


class SealQuerySet(models.QuerySet):
    def bulk_update(self, objs, fields, batch_size=None):
        raise SealedError()

    def update(self, **kwargs):
        if self.exists():
            raise SealedError()
        return super().update(**kwargs)

    def delete(self):
        if self.exists():
            raise SealedError()
        return super().delete()


class Seal(models.Model):
    """The sealed record: canonical snapshot and signed PDF, each with its SHA-256, and the keyed seal over
    them. Written once."""

    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="seal")
    sealed_at = models.DateTimeField(_("signed and sealed"))
    snapshot = models.TextField(_("canonical snapshot"))
    snapshot_sha256 = models.CharField(max_length=64, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=30, unique=True)
    pdf = models.BinaryField(_("signed PDF"))
    pdf_sha256 = models.CharField(max_length=64)
    # The keyed seal (agreements.integrity): an HMAC-SHA256 with a key that is not in the database, and
    # the id of that key. Written with the rest, in the same INSERT; empty only for seals made before it.
    hmac_sha256 = models.CharField(max_length=64, blank=True, default="")
    hmac_key_id = models.CharField(max_length=8, blank=True, default="")

    objects = SealQuerySet.as_manager()

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        indexes = [models.Index(fields=["pdf_sha256"], name="seal_pdf_sha256")]

    def __str__(self):
        return self.verification_code

    def save(self, *args, **kwargs):
        if self.pk is not None and Seal.objects.filter(pk=self.pk).exists():
            raise SealedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SealedError()


# ------------------------------------------------------------- publication and log


class Publication(models.Model):
    """A sealed agreement county staff have made public (public records are open by default)."""

    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="publication")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return str(self.agreement)


class AgreementEvent(models.Model):
    """What happened to an agreement, by whom and why (sending, withdrawal with its reason, signing ...)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Drafted")
        EDITED = "edited", _("Edited")
        SENT = "sent", _("Sent for signature")
        WITHDRAWN = "withdrawn", _("Withdrawn for changes; signatures discarded")
        SIGNED = "signed", _("Signed")
        SEALED = "sealed", _("Sealed")
        AMENDED = "amended", _("Amendment started")
        SUPERSEDED = "superseded", _("Superseded by an amendment")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("No longer published")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
