"""Re-hashes every sealed agreement's stored bytes and reports any mismatch (exit status 1).

Nothing is rendered again: the stored snapshot, the stored PDF and every stored
scan of a signature on paper are read and hashed as they are.
"""

from django.core.management.base import BaseCommand, CommandError

from agreements.canonical import sha256_hex, text_sha256, verification_code
from agreements.models import Seal, Signature


class Command(BaseCommand):
    help = "Checks the SHA-256 of every sealed agreement's snapshot, PDF and scanned signatures."

    def handle(self, *args, **options):
        problems = []
        count = 0
        for seal in Seal.objects.select_related("agreement").order_by("pk").iterator(chunk_size=100):
            count += 1
            label = f"agreement {seal.agreement_id} ({seal.verification_code})"
            if text_sha256(seal.snapshot) != seal.snapshot_sha256:
                problems.append(f"{label}: the snapshot does not match its SHA-256")
            if verification_code(seal.snapshot_sha256) != seal.verification_code:
                problems.append(f"{label}: the verification code does not match the snapshot's SHA-256")
            if sha256_hex(bytes(seal.pdf)) != seal.pdf_sha256:
                problems.append(f"{label}: the PDF does not match its SHA-256")
        scans = Signature.objects.filter(agreement__sealed_at__isnull=False, discarded_at__isnull=True).exclude(scan="")
        for signature in scans.order_by("pk").iterator(chunk_size=100):
            try:
                with signature.scan.open("rb") as scan:
                    digest = sha256_hex(scan.read())
            except OSError:
                problems.append(f"agreement {signature.agreement_id}: the scanned signature {signature.scan.name} is missing")
                continue
            if digest != signature.scan_sha256:
                problems.append(f"agreement {signature.agreement_id}: the scanned signature {signature.scan.name} "
                                "does not match its SHA-256")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} mismatch(es) in {count} sealed agreements.")
        self.stdout.write(self.style.SUCCESS(f"{count} sealed agreements verified: every hash matches."))
