"""Checks every sealed agreement's stored bytes and keyed seal and reports each problem (exit status 1).

Nothing is rendered again: the stored snapshot, the stored PDF and every stored
scan of a signature on paper are read and hashed as they are, and each seal's
keyed seal (an HMAC with AGREEMENT_SEAL_KEY, see agreements.integrity) is
recomputed, so a row rewritten together with its hashes is found too.
"""

from django.core.management.base import BaseCommand, CommandError

from agreements.canonical import sha256_hex
from agreements.integrity import is_sealed_with_an_old_key, seal_problems, sealed_scan_hashes
from agreements.models import Seal, Signature


class Command(BaseCommand):
    help = (
        "Checks the SHA-256 of every sealed agreement's snapshot, PDF and scanned signatures, "
        "and its keyed seal (AGREEMENT_SEAL_KEY, AGREEMENT_SEAL_OLD_KEYS)."
    )

    def handle(self, *args, **options):
        problems = []
        count = old_keys = 0
        sealed_scans = {}  # agreement id -> {slot: the scan's SHA-256 in the sealed snapshot}
        for seal in Seal.objects.order_by("pk").iterator(chunk_size=100):
            count += 1
            label = f"agreement {seal.agreement_id} ({seal.verification_code})"
            found = seal_problems(seal)
            problems += [f"{label}: {problem}" for problem in found]
            if not found and is_sealed_with_an_old_key(seal):
                old_keys += 1
            scans = sealed_scan_hashes(seal)
            if scans:
                sealed_scans[seal.agreement_id] = scans
        scans = Signature.objects.filter(agreement__sealed_at__isnull=False, discarded_at__isnull=True).exclude(scan="")
        for signature in scans.order_by("pk").iterator(chunk_size=100):
            label = f"agreement {signature.agreement_id}: the scanned signature {signature.scan.name}"
            try:
                with signature.scan.open("rb") as scan:
                    digest = sha256_hex(scan.read())
            except OSError:
                problems.append(f"{label} is missing")
                continue
            if digest != signature.scan_sha256:
                problems.append(f"{label} does not match its SHA-256")
            elif digest != sealed_scans.get(signature.agreement_id, {}).get(signature.slot):
                problems.append(f"{label} is not the one sealed (its SHA-256 is not the one in the sealed snapshot)")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} mismatch(es) in {count} sealed agreements.")
        message = f"{count} sealed agreements verified: every hash and keyed seal matches."
        if old_keys:
            message += f" {old_keys} with an old key (AGREEMENT_SEAL_OLD_KEYS): keep it listed."
        self.stdout.write(self.style.SUCCESS(message))
