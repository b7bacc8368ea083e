import re
import uuid
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from archive.extract import Scope
from archive.services import write_extract
from municipalities.models import County
from projects.models import Project

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str) -> date:
    match = MONTH.match(value or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"{value!r} is not a month (YYYY-MM)")
    return date(int(match.group(1)), int(match.group(2)), 1)


class Command(BaseCommand):
    help = (
        "Writes a Noark 5 v5.0 extract (.tar) of one project (everything it has) or of a county for whole months: "
        "export_archive --project 12 --out x.tar | export_archive --county 55 --from 2026-01 --to 2026-12 --out x.tar"
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int)
        parser.add_argument("--county", help="The county's number, e.g. 55.")
        parser.add_argument("--from", dest="first", help="First month, YYYY-MM.")
        parser.add_argument("--to", dest="last", help="Last month, YYYY-MM.")
        parser.add_argument("--out", required=True, help="The .tar to write.")

    def handle(self, *args, project=None, county=None, first=None, last=None, out, **options):
        if (project is None) == (county is None):
            raise CommandError("Give --project or --county (with --from and --to), not both.")
        if project is not None:
            found = Project.objects.select_related("county").filter(pk=project).first()
            if found is None:
                raise CommandError(f"No project {project}.")
            scope = Scope(county=found.county, project=found)
        else:
            found = County.objects.filter(number=county).first()
            if found is None:
                raise CommandError(f"No county {county}.")
            scope = Scope(county=found, first_month=_month(first), last_month=_month(last))
            if scope.last_month < scope.first_month:
                raise CommandError("--to is before --from.")
        root = str(uuid.uuid4())
        with open(out, "wb") as handle:
            counts = write_extract(scope=scope, fileobj=handle, root=root)
        self.stdout.write(
            f"{out}: {counts['mappe']} folder(s), {counts['registrering']} registration(s), "
            f"{counts['dokumentobjekt']} document(s)."
        )
