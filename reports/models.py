"""Monthly PDF reports: dated snapshots, archived, one row per (month, kind, subject, version)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shell.slugs import ascii_slug


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff: their counties' reports. Municipal users: their municipality's reports.
        On-demand reports: only the person who asked for them. Nobody sees another county's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        access = user.access
        shared = Q(requested_for__isnull=True) & (
            Q(county_id__in=access.staff_county_ids)
            | Q(kind=Report.Kind.MUNICIPALITY, municipality_id__in=access.municipality_ids)
        )
        return self.filter(shared | Q(requested_for=user))


def report_path(report, filename):
    return f"reports/{report.month:%Y-%m}/{report.kind}-{report.subject_key.replace(':', '-')}-v{report.version}-{report.pk or 'x'}.pdf"


class Report(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("County report")
        PROJECT = "project", _("Project report")
        MUNICIPALITY = "municipality", _("Municipality report")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    county = models.ForeignKey("municipalities.County", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    # "county:55", "project:12", "municipality:5501": one key, so the uniqueness rule below stays simple.
    subject_key = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    requested_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="on_demand_reports",
        help_text=_("An on-demand report, visible only to this person."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    pdf = models.FileField(upload_to=report_path, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    archive_case_number = models.CharField(_("archive case number"), max_length=50, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text=_("Headline figures as they stood when generated."))

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-month", "kind", "subject_key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month", "subject_key", "version"],
                condition=Q(requested_for__isnull=True),
                name="report_once_per_version",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "-month", "kind"], name="report_archive"),
            models.Index(fields=["municipality", "-month"], name="report_municipality"),
            models.Index(fields=["status", "created_at"], name="report_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%Y-%m} {self.subject_name} v{self.version}"

    def get_absolute_url(self):
        return reverse("reports:report-detail", kwargs={"pk": self.pk})

    @property
    def subject_name(self) -> str:
        if self.kind == self.Kind.PROJECT and self.project_id:
            return self.project.title
        if self.kind == self.Kind.MUNICIPALITY and self.municipality_id:
            return self.municipality.name
        return self.county.name

    @property
    def filename(self) -> str:
        """ "manedsrapport-tromso-2026-11.pdf", "-v2" and up for later versions."""
        version = f"-v{self.version}" if self.version > 1 else ""
        return f"manedsrapport-{ascii_slug(self.subject_name) or self.kind}-{self.month:%Y-%m}{version}.pdf"
