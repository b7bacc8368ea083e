"""Export jobs: the job's row is the state (a repeated message finds it built and does nothing)."""

from celery import shared_task

from . import exports


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1860)
def build_export_job_task(job_id: int) -> None:
    exports.build_export_job(job_id=job_id)


@shared_task(acks_late=True)
def sweep_export_jobs_task() -> tuple[int, int]:
    """Periodic (every five minutes): stuck jobs failed, old ones deleted with their files."""
    return exports.sweep_export_jobs()
