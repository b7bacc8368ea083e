"""Reading reports: the archive and one report, through what the user may read."""

from django.shortcuts import get_object_or_404

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
