from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3660)
def make_export_task(export_id: int) -> None:
    services.make_export(export_id=export_id)
