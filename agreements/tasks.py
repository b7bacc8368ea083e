"""Agreement tasks: the daily reminder to signatories who have not signed."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_signature_reminders_task() -> int:
    """Daily (beat): reminds signatories; each reminder has an idempotency key, so a repeat sends nothing new."""
    return services.send_signature_reminders()
