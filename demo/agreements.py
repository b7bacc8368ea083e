"""Demo agreements for the room project, in every state, made through the real services.

- Tromsø, version 1: sealed, signed by the county, the library head and the chief executive (published);
- Tromsø, version 2: an amendment the mayor must sign too, signed by all but the mayor (awaits her);
- Harstad, version 1: sealed, with the chief executive's signature scanned from paper, then superseded by
- Harstad, version 2: sealed;
- Målselv: a draft.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from agreements.models import Agreement, Seal, Signature
from agreements.services import amendments, drafts, sending, signatures
from demo.accounts import DEMO_PASSWORD
from demo.projects import ROOM_PROJECT
from projects.models import Project

# A stand-in for a scanned page: the demo has no scanner.
DEMO_SCAN = b"%PDF-1.4\n% Fremdrift demo: signert med penn og skannet\n%%EOF\n"


def _sign(agreement, slot, user):
    return signatures.sign_agreement(
        agreement=agreement,
        slot=slot,
        user=user,
        content_sha256=agreement.content_sha256,
        data={"password": DEMO_PASSWORD},
        ip_address="127.0.0.1",
    )


def seed_agreements(county) -> list[Agreement]:
    room = Project.objects.filter(county=county, title=ROOM_PROJECT).first()
    if room is None or Agreement.objects.filter(project=room).exists():
        return []
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    head_tromso = User.objects.get(email="biblioteksjef.tromso@demo.fremdrift.no")
    chief_tromso = User.objects.get(email="radmann.tromso@demo.fremdrift.no")
    head_harstad = User.objects.get(email="biblioteksjef.harstad@demo.fremdrift.no")
    participants = {p.municipality.number: p for p in room.participants.select_related("municipality")}
    made = []

    # Tromsø: sealed, then an amendment that awaits the mayor.
    tromso = drafts.create_agreement(participant=participants["5501"], by=staff)
    drafts.update_agreement(
        agreement=tromso, by=staff, county_case_number="2025/1187-3", municipality_case_number="25/04412"
    )
    tromso = sending.send_for_signature(agreement=tromso, by=staff)
    _sign(tromso, Signature.Slot.COUNTY, staff)
    _sign(tromso, Signature.Slot.LIBRARY_HEAD, head_tromso)
    _sign(tromso, Signature.Slot.CHIEF_EXECUTIVE, chief_tromso)
    tromso.refresh_from_db()
    amendments.set_published(agreement=tromso, by=staff, published=True)
    amendment = amendments.create_amendment(agreement=tromso, by=staff)
    drafts.update_agreement(
        agreement=amendment,
        by=staff,
        requires_mayor=True,
        finance=amendment.finance + "\n\nEndring: kommunestyret har vedtatt 40 000 kr ekstra til inventar.",
    )
    amendment = sending.send_for_signature(agreement=amendment, by=staff)
    _sign(amendment, Signature.Slot.COUNTY, staff)
    _sign(amendment, Signature.Slot.LIBRARY_HEAD, head_tromso)
    _sign(amendment, Signature.Slot.CHIEF_EXECUTIVE, chief_tromso)
    made += [tromso, amendment]

    # Harstad: sealed with a scanned signature from the chief executive, then superseded by version 2.
    harstad = drafts.create_agreement(participant=participants["5503"], by=staff)
    for version in (1, 2):
        harstad = sending.send_for_signature(agreement=harstad, by=staff)
        _sign(harstad, Signature.Slot.COUNTY, staff)
        _sign(harstad, Signature.Slot.LIBRARY_HEAD, head_harstad)
        signatures.record_wet_ink_signature(
            agreement=harstad,
            slot=Signature.Slot.CHIEF_EXECUTIVE,
            by=staff,
            content_sha256=harstad.content_sha256,
            scan=SimpleUploadedFile(f"radmann-harstad-v{version}.pdf", DEMO_SCAN, content_type="application/pdf"),
        )
        harstad.refresh_from_db()
        made.append(harstad)
        if version == 1:
            harstad = amendments.create_amendment(agreement=harstad, by=staff)
            drafts.update_agreement(
                agreement=harstad, by=staff, other=harstad.other + "\n\nSluttregnskapet er godkjent; avtalen avsluttes."
            )

    # Målselv: a draft.
    made.append(drafts.create_agreement(participant=participants["5524"], by=staff))
    return made


def count_unkeyed_seals(county) -> int:
    """Demo agreements sealed before keyed seals existed (a database seeded by an older Fremdrift). A seal
    never changes, so they cannot be sealed again: `verify_agreements` reports them until the demo database
    is made anew."""
    return Seal.objects.filter(agreement__county=county, hmac_sha256="").count()
