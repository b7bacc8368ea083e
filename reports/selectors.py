"""Reading reports: the archive and one report, through what the user may read."""

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shell.start import Task, TaskSource

from .content import summary_lines
from .models import Report


def get_report(user, pk) -> Report:
    """A report the user may read; 404 otherwise."""
    return get_object_or_404(Report.objects.visible_to(user).select_related("county", "project", "municipality"), pk=pk)


def list_archive(user, *, month=None, kind: str = ""):
    """The ready reports the user may read, newest month first."""
    reports = (
        Report.objects.visible_to(user)
        .select_related("county", "project", "municipality")
        .filter(status=Report.Status.READY)
    )
    if month:
        reports = reports.filter(month=month.replace(day=1))
    if kind:
        reports = reports.filter(kind=kind)
    return reports.order_by("-month", "kind", "subject_key", "-version")


def list_pending_for(user, *, limit: int = 10):
    """The user's own on-demand reports that are not ready yet."""
    return (
        Report.objects.filter(requested_for=user)
        .exclude(status=Report.Status.READY)
        .select_related("county", "project", "municipality")[:limit]
    )


def latest_report_source(municipality_ids) -> TaskSource:
    """The latest monthly report of each of these municipalities, with its short summary (news for the
    municipality's leadership)."""
    monthly = Report.objects.filter(
        kind=Report.Kind.MUNICIPALITY, requested_for__isnull=True, status=Report.Status.READY
    )
    latest = monthly.filter(municipality_id=OuterRef("municipality_id")).order_by("-month", "-version", "-pk")

    def tasks(rows, total):
        return [
            Task(
                text=_("Monthly report for %(month)s: %(municipality)s")
                % {"month": date_format(report.month, "F Y"), "municipality": report.municipality.name},
                url=report.get_absolute_url(),
                lines=tuple(summary_lines(report.summary)),
            )
            for report in rows
        ]

    return TaskSource(
        key="latest-report",
        rows=monthly.filter(municipality_id__in=list(municipality_ids), pk=Subquery(latest.values("pk")[:1])),
        tasks=tasks,
        listed=lambda rows: rows.select_related("municipality").order_by("municipality__name"),
        news=_("News for you"),
    )
