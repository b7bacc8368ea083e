from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from municipalities.models import County
from reports import services
from reports.models import Report


class Command(BaseCommand):
    help = "Makes new versions of a month's reports (the old versions are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--county", help="Only this county (its number).")

    def handle(self, *args, month, county=None, **options):
        try:
            first = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError("--month must be YYYY-MM, e.g. 2026-10.") from None
        counties = None
        if county:
            counties = list(County.objects.filter(number=county))
            if not counties:
                raise CommandError(f"No county with number {county}.")
        reports = services.create_new_versions(month=first, counties=counties)
        ready = Report.objects.filter(pk__in=[r.pk for r in reports], status=Report.Status.READY).count()
        self.stdout.write(f"{len(reports)} report(s) queued for {month}; {ready} ready now.")
