from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from municipalities.models import County
from municipalities.services import MunicipalityImportError, import_municipalities


class Command(BaseCommand):
    help = "Imports Statistics Norway's municipality list (CSV, semicolon-separated) into a county."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8 or Windows-1252).")
        parser.add_argument("--county", required=True, help="The county number, e.g. 55.")

    def handle(self, *args, file: Path, county: str, **options):
        try:
            county_obj = County.objects.get(number=county)
        except County.DoesNotExist:
            raise CommandError(f"No county with number {county}.") from None
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            result = import_municipalities(county=county_obj, data=data)
        except MunicipalityImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError("Nothing was imported.") from None
        self.stdout.write(
            f"{len(result.created)} created, {len(result.updated)} updated, {len(result.unchanged)} unchanged, "
            f"{len(result.skipped)} skipped (other county)."
        )
