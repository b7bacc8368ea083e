"""Agreement tasks: the daily reminder to signatories who have not signed."""

from celery import shared_task

from .services import reminders


@shared_task(acks_late=True)
def send_signature_reminders_task() -> int:
    """Daily (beat): reminds signatories; each reminder has an idempotency key, so a repeat sends nothing new."""
    return reminders.send_signature_reminders()
