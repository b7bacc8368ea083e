import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsletters.services.bounces import record_bounce


class Command(BaseCommand):
    help = (
        "Records addresses that bounced: no more infobrev are sent to them. Give the addresses as "
        "arguments, or one per line on standard input with `-` (an optional reason after a tab)."
    )

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="+", help="Addresses, or - to read them from standard input")
        parser.add_argument("--reason", default="", help="What the mail server answered, e.g. '550 5.1.1 unknown user'")

    def handle(self, *args, emails, reason, **options):
        entries = []
        for email in emails:
            if email == "-":
                for line in sys.stdin:
                    address, _tab, line_reason = line.strip().partition("\t")
                    if address:
                        entries.append((address, line_reason or reason))
            else:
                entries.append((email, reason))
        recorded = 0
        for email, why in entries:
            try:
                record_bounce(email=email, reason=why, source="command")
            except ValidationError as exc:
                raise CommandError(f"{email}: {' '.join(exc.messages)}") from exc
            recorded += 1
        self.stdout.write(self.style.SUCCESS(f"Recorded {recorded} bounce(s)."))
