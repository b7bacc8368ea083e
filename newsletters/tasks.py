"""Newsletter tasks. Both read everything from the database and are safe to run twice or in
two workers at once: the outbox's idempotency key allows one row per recipient."""

from celery import shared_task

from .services import sending


@shared_task(acks_late=True, soft_time_limit=1500, time_limit=1800)
def queue_newsletter_task(newsletter_id: int) -> int:
    """Writes the newsletter's outbox rows (one per recipient) and marks it sent."""
    return sending.queue_recipients(newsletter_id=newsletter_id)


@shared_task(acks_late=True)
def start_due_newsletters_task() -> int:
    """Periodic (every minute): scheduled newsletters whose time has come; stalled queuing."""
    return sending.start_due_newsletters()
