"""Noark 5 archive extracts and the archive identities (systemID) of what they contain.

Every element of an extract has a `systemID` that must never change between extracts, so an
archive system that imports a second, complete extract recognises what it already has. The ids
live here, one row per exported thing (`SystemId.key`, e.g. "registrering:agreement:12"),
rather than as a column on the things themselves: a sealed agreement, its signatures and its
seal cannot be updated (not even by a migration on PostgreSQL: a trigger refuses it), and an id
given the first time something is exported is as stable as one given when it was made.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SystemId(models.Model):
    """The systemID of one element of the archive structure; made once, never changed or deleted."""

    key = models.CharField(max_length=80, unique=True)
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("archive system id")
        verbose_name_plural = _("archive system ids")

    def __str__(self):
        return f"{self.key}: {self.system_id}"


class ArchiveExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff: their counties' extracts. Nobody else: nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(county_id__in=user.access.staff_county_ids)


def export_path(export, filename):
    return f"archive/{export.created_at:%Y}/{filename}"


class ArchiveExport(models.Model):
    """One extract: of a project (everything it has), or of the county for a period of months."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # The extract's own id: the name of the folder inside the .tar, as the National Archives' tools expect.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey("municipalities.County", on_delete=models.PROTECT, related_name="archive_exports")
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archive_exports",
        verbose_name=_("project"),
    )
    period_from = models.DateField(_("from month"), null=True, blank=True)
    period_to = models.DateField(_("to month"), null=True, blank=True, help_text=_("The first day of the last month."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The last sign of life of the task making it: a task that died leaves this behind, and the sweep
    # (`sweep_stale_exports`) marks the extract failed once it is older than ARCHIVE_EXPORT_STUCK_AFTER_SECONDS.
    progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(upload_to=export_path, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    counts = models.JSONField(
        default=dict, blank=True, help_text=_("Folders, registrations and documents in the extract.")
    )

    objects = ArchiveExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive extract")
        verbose_name_plural = _("archive extracts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["county", "-created_at"], name="archive_export_county")]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("archive:export-detail", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def scope_label(self) -> str:
        if self.project_id:
            return self.project.title
        return f"{self.county.name} {self.period_from:%Y-%m}–{self.period_to:%Y-%m}"

    @property
    def filename(self) -> str:
        if self.project_id:
            scope = f"prosjekt-{self.project_id}"
        else:
            scope = f"fylke-{self.county.number}-{self.period_from:%Y-%m}-{self.period_to:%Y-%m}"
        return f"noark5-{scope}-{self.pk}.tar"
