from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from demo.accounts import describe_logins, seed_logins
from demo.agreements import count_unkeyed_seals, seed_agreements
from demo.evaluations import seed_evaluations
from demo.municipalities import seed_places
from demo.newsletters import seed_newsletters
from demo.projects import seed_projects
from demo.reports import seed_reports
from demo.vestland import seed_vestland


def load_demo():
    """Every app's demo for Troms, in order, then Vestland (a county writing nynorsk); each part is safe
    to run again. Returns Troms."""
    county = seed_places()
    seed_logins(county)
    seed_projects(county)
    seed_evaluations(county)
    seed_agreements(county)
    seed_newsletters(county)
    # Last: the reports are snapshots of everything above.
    seed_reports(county)
    seed_vestland()
    return county


class Command(BaseCommand):
    help = "Loads the demo: Troms (bokmål) and Vestland (nynorsk) with their people, logins, projects, agreements, evaluations, infobrev and reports. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-demo",
            action="store_true",
            dest="confirmed",
            help="Load the demo even with debug off (the demo password is public).",
        )

    def handle(self, *args, confirmed=False, **options):
        if not settings.DEBUG and not confirmed:
            raise CommandError(
                "The demo has public passwords. Run it with DJANGO_DEBUG=1, or add --i-know-this-is-demo."
            )
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            county = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        unkeyed = count_unkeyed_seals(county)
        if unkeyed:
            self.stdout.write(
                self.style.WARNING(
                    f"{unkeyed} demo agreements were sealed by an older Fremdrift, without a keyed seal, and sealed "
                    "agreements never change: verify_agreements reports them. For a demo that verifies, start from "
                    "an empty database (remove var/db.sqlite3, then make run)."
                )
            )
        self.stdout.write(describe_logins())
