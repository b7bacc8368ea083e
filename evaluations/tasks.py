"""Evaluation tasks. Reminders are idempotent: each respondent's reminder has its own outbox key."""

from celery import shared_task

from .services import rounds


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def send_evaluation_reminders_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminds respondents who have not answered before the deadline."""
    return rounds.send_reminders()
