"""Ordering and making archive extracts. Writes happen here; the building is in `extract`."""

import hashlib
import logging
import tempfile
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import extract
from .models import ArchiveExport

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


def _set_progress(export_id: int, percent: int) -> None:
    ArchiveExport.objects.filter(pk=export_id, progress__lt=percent).update(progress=percent)


def make_export(*, export_id: int) -> ArchiveExport | None:
    """Builds the extract's .tar and stores it with its SHA-256. Does nothing if it is gone, ready or
    already being made by another worker."""
    with transaction.atomic():
        export = ArchiveExport.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
        if export is None or export.status != ArchiveExport.Status.PENDING:
            return export
        export.status = ArchiveExport.Status.RUNNING
        export.save(update_fields=["status"])
    try:
        with tempfile.TemporaryFile() as handle:
            built = extract.write_extract(
                scope_of(export),
                handle,
                root=str(export.uuid),
                progress=lambda percent: _set_progress(export.pk, percent),
            )
            size = handle.tell()
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            handle.seek(0)
            export.file.save(export.filename, File(handle), save=False)
    except Exception as exc:  # the extract failed as a whole: say so on its page, keep the worker alive
        logger.exception("archive extract %s failed", export.pk)
        ArchiveExport.objects.filter(pk=export.pk).update(status=ArchiveExport.Status.FAILED, error=str(exc)[:2000])
        export.refresh_from_db()
        return export
    export.sha256, export.size, export.counts = digest, size, built.counts
    export.status, export.progress, export.finished_at = ArchiveExport.Status.READY, 100, timezone.now()
    export.save(update_fields=["file", "sha256", "size", "counts", "status", "progress", "finished_at"])
    return export


def write_extract(*, scope: extract.Scope, fileobj, root: str) -> dict:
    """The command line's extract: written straight to `fileobj`; returns the counts."""
    return extract.write_extract(scope, fileobj, root=root).counts
