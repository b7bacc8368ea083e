from celery import shared_task
from django.utils import timezone

from . import services
from .content import Period


@shared_task(acks_late=True)
def monthly_reports_task(month: str | None = None) -> int:
    """Beat, the 1st at 06:00 Europe/Oslo: the previous month's run. Idempotent."""
    period = (
        Period.of(timezone.localdate()).previous()
        if month is None
        else Period.of(timezone.datetime.fromisoformat(month).date())
    )
    return len(services.plan_scheduled_run(month=period.first))


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, soft_time_limit=600, time_limit=660
)
def render_report_task(report_id: int) -> None:
    services.render_report(report_id=report_id)
