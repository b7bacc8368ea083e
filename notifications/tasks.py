"""Outbox tasks. They hold no state of their own: everything is read from the outbox table,
so a lost or repeated task message changes nothing but timing."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def send_outbox_task() -> int:
    """Sends due messages batch by batch until none are due (or the rate limit is reached)."""
    total = 0
    for _ in range(100):  # bounded: a task never runs forever, the sweeper wakes the next one
        sent, more = services.send_batch()
        total += sent
        if not more:
            break
        if sent == 0:
            # The minute's rate limit is used up: try again at the start of the next minute.
            send_outbox_task.apply_async(countdown=60)
            break
    return total


@shared_task(acks_late=True)
def sweep_outbox_task() -> None:
    """Periodic (every minute): requeues messages a crashed worker left, and wakes a sender."""
    if services.sweep():
        send_outbox_task.delay()


@shared_task(acks_late=True)
def send_digests_task() -> int:
    """Hourly: one digest e-mail per recipient with held messages whose digest hour it is."""
    from django.utils import timezone

    return services.build_digests(hour=timezone.localtime().hour)
