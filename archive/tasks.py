"""Archive extract tasks. The extract's row is the state: a repeated message finds it made and does
nothing; a task that dies leaves it "being made", and the sweep marks it failed."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3660)
def make_export_task(export_id: int) -> None:
    services.make_export(export_id=export_id)


@shared_task(acks_late=True)
def sweep_stale_exports_task() -> int:
    """Periodic (every five minutes): extracts with no progress for ARCHIVE_EXPORT_STUCK_AFTER_SECONDS are failed."""
    return services.sweep_stale_exports()
