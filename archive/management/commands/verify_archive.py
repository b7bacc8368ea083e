from django.core.management.base import BaseCommand, CommandError

from archive.verify import verify


class Command(BaseCommand):
    help = (
        "Checks a Noark 5 extract (.tar): every XML file against the National Archives' schemas, every "
        "document against its sjekksum. Exits with status 1 naming each file that fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The extract, a .tar made by export_archive or downloaded.")

    def handle(self, *args, path, **options):
        problems = verify(path)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{path}: {len(problems)} problem(s)", returncode=1)
        self.stdout.write(f"{path}: the extract is sound (XML valid, every checksum matches).")
