"""Ordering and making archive extracts. Writes happen here; the building is in `extract`."""

import hashlib
import logging
import tempfile
import time
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import extract
from .models import ArchiveExport, export_path

logger = logging.getLogger(__name__)


def scope_of(export: ArchiveExport) -> extract.Scope:
    return extract.Scope(
        county=export.county, project=export.project, first_month=export.period_from, last_month=export.period_to
    )


def _check_scope(*, county, project, period_from: date | None, period_to: date | None) -> None:
    if project is not None:
        if project.county_id != county.pk:
            raise ValidationError({"project": _("Choose one of the county's projects.")})
        return
    if period_from is None or period_to is None:
        raise ValidationError(_("Choose a project, or the first and last month of the period."))
    if period_to < period_from:
        raise ValidationError({"period_to": _("The last month must not be before the first.")})


@transaction.atomic
def order_export(
    *, county, by, project=None, period_from: date | None = None, period_to: date | None = None
) -> ArchiveExport:
    """A new extract of a project (everything it has) or of the county for whole months; made by a task."""
    if project is None and period_from is not None and period_to is not None:
        period_from, period_to = period_from.replace(day=1), period_to.replace(day=1)
    _check_scope(county=county, project=project, period_from=period_from, period_to=period_to)
    export = ArchiveExport.objects.create(
        county=county,
        project=project,
        period_from=None if project else period_from,
        period_to=None if project else period_to,
        requested_by=by,
    )
    from .tasks import make_export_task

    transaction.on_commit(lambda: make_export_task.delay(export.pk))
    return export


# Progress is written at most this often: a county's year has thousands of documents.
PROGRESS_EVERY_SECONDS = 5


class _Progress:
    """Writes the extract's progress and its last sign of life (`progress_at`, what the sweep reads),
    only while it is still being made: an extract the sweep has given up on stays failed."""

    def __init__(self, export_id: int):
        self.export_id, self.written_at = export_id, 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        ArchiveExport.objects.filter(pk=self.export_id, status=ArchiveExport.Status.RUNNING).update(
            progress=Greatest(F("progress"), percent), progress_at=timezone.now()
        )


def _fail(export_id: int, reason: str) -> int:
    """Marks an extract that is not finished failed, with the reason its page shows."""
    return ArchiveExport.objects.filter(
        pk=export_id, status__in=[ArchiveExport.Status.PENDING, ArchiveExport.Status.RUNNING]
    ).update(status=ArchiveExport.Status.FAILED, error=reason[:2000], finished_at=timezone.now())


def failure_reason(exc: BaseException) -> str:
    """What the extract's page says about a failure: a document's own problem in words; anything else
    without its technical text (that goes to the log, with the paths it may hold)."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(exc, extract.ExtractError):
            return str(exc)
        if isinstance(exc, SoftTimeLimitExceeded):
            return _(
                "It took longer than an hour and was stopped. Make it again; if it stops again, tell your administrator."
            )
        return _(
            "An unexpected error stopped it (it has been logged). Make it again; if it fails again, tell your "
            "administrator."
        )


def make_export(*, export_id: int) -> ArchiveExport | None:
    """Builds the extract's .tar and stores it with its SHA-256. Does nothing if it is gone, ready or
    already being made by another worker. A failure marks it failed with the reason (never an error
    that stops the worker); an extract the sweep marked failed meanwhile keeps that and its file is
    thrown away."""
    with transaction.atomic():
        export = ArchiveExport.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
        if export is None or export.status != ArchiveExport.Status.PENDING:
            return export
        export.status, export.progress_at = ArchiveExport.Status.RUNNING, timezone.now()
        export.save(update_fields=["status", "progress_at"])
    try:
        with tempfile.TemporaryFile() as handle:
            built = extract.write_extract(
                scope_of(export), handle, root=str(export.uuid), progress=_Progress(export.pk)
            )
            size = handle.tell()
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            handle.seek(0)
            name = export.file.storage.save(export_path(export, export.filename), File(handle))
    except Exception as exc:  # the extract failed as a whole: say so on its page, keep the worker alive
        logger.exception("archive extract %s failed", export.pk)
        _fail(export.pk, failure_reason(exc))
        export.refresh_from_db()
        return export
    finished = ArchiveExport.objects.filter(pk=export.pk, status=ArchiveExport.Status.RUNNING).update(
        file=name,
        sha256=digest,
        size=size,
        counts=built.counts,
        status=ArchiveExport.Status.READY,
        progress=100,
        progress_at=timezone.now(),
        finished_at=timezone.now(),
        error="",
    )
    if not finished:  # the sweep gave up on it while it was being made: its page says failed, so it is
        export.file.storage.delete(name)
    export.refresh_from_db()
    return export


def stale_exports():
    cutoff = timezone.now() - timedelta(seconds=settings.ARCHIVE_EXPORT_STUCK_AFTER_SECONDS)
    return ArchiveExport.objects.filter(status__in=[ArchiveExport.Status.PENDING, ArchiveExport.Status.RUNNING]).filter(
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    )


def sweep_stale_exports() -> int:
    """Marks failed every extract that has shown no progress for ARCHIVE_EXPORT_STUCK_AFTER_SECONDS (its
    task died with its worker, or was never started): its page says so and staff make a new one.
    Returns how many."""
    swept = 0
    minutes = settings.ARCHIVE_EXPORT_STUCK_AFTER_SECONDS // 60
    with translation.override(settings.LANGUAGE_CODE):
        reason = ngettext(
            "It stopped without finishing: nothing happened for %(minutes)s minute, so the process making it has "
            "probably stopped. Make it again.",
            "It stopped without finishing: nothing happened for %(minutes)s minutes, so the process making it has "
            "probably stopped. Make it again.",
            minutes,
        ) % {"minutes": minutes}
    for export_id in stale_exports().values_list("pk", flat=True):
        if _fail(export_id, reason):
            logger.warning("archive extract %s had shown no progress for %s minutes: marked failed", export_id, minutes)
            swept += 1
    return swept


def write_extract(*, scope: extract.Scope, fileobj, root: str) -> dict:
    """The command line's extract: written straight to `fileobj`; returns the counts."""
    return extract.write_extract(scope, fileobj, root=root).counts
