"""Synthetic agreements for benchmarks: two thirds of the participants (8,000 at national scale),
most of them sealed. PDFs are short stand-in bytes, but every hash is real, so
`manage.py verify_agreements` passes on the result."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Membership
from agreements.canonical import canonical_json, sha256_hex, text_sha256, verification_code
from agreements.integrity import keyed_seal
from agreements.matrix import default_matrix
from agreements.models import Agreement, Seal, Signature
from planning.standard_kits import AGREEMENT_TITLE
from projects.models import Participant

STATES = ["sealed"] * 8 + ["sent", "draft"]


def _moment(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def generate(ctx) -> None:
    rng, size = ctx.rng, ctx.size
    target = size.participants * 2 // 3
    projects = getattr(ctx, "projects", None)
    if not target or not projects:
        return
    staff = {}
    for membership in Membership.objects.filter(role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN]):
        staff.setdefault(membership.county_id, membership.user_id)
    participants = list(
        Participant.objects.filter(project__in=projects, project__county_id__in=staff)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("project__county", "municipality")
        .order_by("pk")[:target]
    )
    matrices = {}
    agreements = []
    sealed_at = {}
    for participant in participants:
        project, county = participant.project, participant.project.county
        if county.pk not in matrices:
            matrices[county.pk] = default_matrix(county)
        state = rng.choice(STATES)
        created = _moment(project.start_on)
        agreement = Agreement(
            county=county,
            project=project,
            participant=participant,
            municipality=participant.municipality,
            title=f"{AGREEMENT_TITLE}: {project.title} – {participant.municipality.name}"[:200],
            purpose=f"{county.name} fylkesbibliotek og {participant.municipality.name} samarbeider om prosjektet.",
            finance="Fylkesbiblioteket gir et tilskudd; kommunen stiller med minst 40 % egenandel.",
            role_matrix=matrices[county.pk],
            county_representative_id=staff[county.pk],
            created_at=created,
            created_by_id=staff[county.pk],
            status=Agreement.Status.DRAFT,
        )
        if state != "draft":
            agreement.sent_at = agreement.first_sent_at = created + timedelta(days=7)
            agreement.content_snapshot = canonical_json(
                {
                    "format": "fremdrift-agreement/1",
                    "participant": participant.pk,
                    "title": agreement.title,
                    "purpose": agreement.purpose,
                    "finance": agreement.finance,
                    "role_matrix": agreement.role_matrix,
                    "sent_at": agreement.sent_at,
                }
            )
            agreement.content_sha256 = text_sha256(agreement.content_snapshot)
            agreement.status = Agreement.Status.SENT
        if state == "sealed":
            sealed_at[len(agreements)] = created + timedelta(days=7 + rng.randint(1, 40))
        agreements.append(agreement)
    # As in real life: out for signature, signed, then sealed (PostgreSQL refuses signatures on sealed rows).
    Agreement.objects.bulk_create(agreements, batch_size=1000)
    seals, signatures = [], []
    slots = [Signature.Slot.COUNTY, Signature.Slot.LIBRARY_HEAD, Signature.Slot.CHIEF_EXECUTIVE]
    to_seal = []
    for index, moment in sealed_at.items():
        agreement = agreements[index]
        agreement.status, agreement.sealed_at = Agreement.Status.SEALED, moment
        to_seal.append(agreement)
    for agreement in to_seal:
        user_id = agreement.county_representative_id
        for offset, slot in enumerate(slots):
            signatures.append(
                Signature(
                    agreement_id=agreement.pk,
                    slot=slot,
                    signer_name=f"Signatar {offset + 1}",
                    signed_by_id=user_id,
                    recorded_by_id=user_id,
                    method=Signature.Method.PASSWORD,
                    content_sha256=agreement.content_sha256,
                    signed_at=agreement.sealed_at - timedelta(hours=len(slots) - offset),
                )
            )
        snapshot = canonical_json(
            {
                "format": "fremdrift-sealed-agreement/1",
                "agreement": agreement.pk,
                "content_sha256": agreement.content_sha256,
                "signatures": [slot.value for slot in slots],
                "sealed_at": agreement.sealed_at,
            }
        )
        snapshot_sha256 = text_sha256(snapshot)
        pdf = f"%PDF-1.7\n% Fremdrift benchmark stand-in for agreement {agreement.pk}\n%%EOF\n".encode()
        pdf_sha256 = sha256_hex(pdf)
        key_id, hmac_sha256 = keyed_seal(
            agreement_id=agreement.pk,
            sealed_at=agreement.sealed_at,
            snapshot_sha256=snapshot_sha256,
            pdf_sha256=pdf_sha256,
        )
        seals.append(
            Seal(
                agreement_id=agreement.pk,
                sealed_at=agreement.sealed_at,
                snapshot=snapshot,
                snapshot_sha256=snapshot_sha256,
                verification_code=verification_code(snapshot_sha256),
                pdf=pdf,
                pdf_sha256=pdf_sha256,
                hmac_sha256=hmac_sha256,
                hmac_key_id=key_id,
            )
        )
    Signature.objects.bulk_create(signatures, batch_size=2000)
    Agreement.objects.bulk_update(to_seal, ["status", "sealed_at"], batch_size=1000)
    Seal.objects.bulk_create(seals, batch_size=1000)
