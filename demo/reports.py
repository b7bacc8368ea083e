"""Demo reports: last month's reports are in the archive."""

from django.utils import timezone

from reports import services
from reports.content import Period


def seed_reports(county) -> list:
    return services.plan_scheduled_run(month=Period.of(timezone.localdate()).previous().first, counties=[county])
