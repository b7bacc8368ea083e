"""Periodic follow-up jobs (scheduled in settings.CELERY_BEAT_SCHEDULE). Both are idempotent:
the reminders through idempotency keys and unique ladder steps, health by recomputing from scratch."""

from celery import shared_task

from . import health
from .services import escalation


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def send_reminders_task() -> dict:
    """Daily at 07:00 Europe/Oslo: milestone reminders and the escalation ladder into the outbox."""
    run = escalation.run_reminders()
    return {"upcoming": run.upcoming, "overdue": run.overdue, "steps": run.steps, "messages": run.messages}


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def recompute_health_task() -> int:
    """Nightly: every participant's health, with its reasons."""
    return health.recompute_all()
