"""Export jobs: a spreadsheet too large to build within a web request, built by a task and then offered
for download. The job belongs to the person who asked for it (its rows are the ones they may read)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """One's own jobs only: what a job holds was read with its requester's rights."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(requested_by=user)


def export_job_path(job, filename):
    return f"exports/{job.created_at:%Y/%m}/{job.pk}-{filename}"


class ExportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"

    kind = models.CharField(max_length=60)  # a key of documents.exports.EXPORT_KINDS
    params = models.JSONField(default=dict, blank=True)  # what the kind's builder takes (filters, ids)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.XLSX)
    title = models.CharField(_("title"), max_length=200)
    back_url = models.CharField(max_length=500, blank=True)  # the page the export was asked for on
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # The last sign of life of the task building it: the sweep fails a job silent for EXPORT_JOB_STUCK_AFTER_SECONDS.
    progress_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to=export_job_path, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_job_owner")]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("documents:export-job", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def progress(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(99, self.rows_done * 100 // self.total_rows) if self.total_rows else 0
