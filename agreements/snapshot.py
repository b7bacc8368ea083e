"""The structured content of an agreement (what is signed) and of a sealed agreement (plus the signatures).

Both are plain dicts that `canonical.canonical_json` turns into the bytes that
are hashed; the PDF is rendered from the same dicts, so the document shows
exactly what the hash covers.
"""

from django.utils import translation

from documents.markdown import render_markdown

from .models import Agreement, Signature
from .signing import method_label

CONTENT_FORMAT = "fremdrift-agreement/1"
SEALED_FORMAT = "fremdrift-sealed-agreement/1"


def signer_name(who) -> str:
    if who is None:
        return ""
    return who.get_full_name() if hasattr(who, "get_full_name") else who.name


def _signatory(slot: str, who) -> dict:
    if who is None:
        return {"slot": slot, "label": str(Signature.Slot(slot).label), "name": "", "title": ""}
    if hasattr(who, "get_full_name"):  # the county representative: a user
        return {
            "slot": slot,
            "label": str(Signature.Slot(slot).label),
            "name": who.get_full_name(),
            "title": "",
            "user_id": who.pk,
            "email": who.email,
        }
    return {
        "slot": slot,
        "label": str(Signature.Slot(slot).label),
        "name": who.name,
        "title": who.title or who.position.name,
        "contact_id": who.pk,
        "email": who.email,
    }


def library_name(agreement: Agreement) -> str:
    participant = agreement.participant
    library = participant.library or participant.municipality.libraries.filter(is_main=True).first()
    return library.name if library else ""


def build_content(agreement: Agreement, *, sent_at=None) -> dict:
    """What goes out for signature: the structured data and the rendered text of every section, in the
    county's written standard (one text for every signatory and for the archive)."""
    with translation.override(agreement.county.written_standard):
        project = agreement.project
        return {
            "format": CONTENT_FORMAT,
            "agreement": {
                "id": agreement.pk,
                "version": agreement.version,
                "amends": agreement.amends_id,
                "title": agreement.title,
                "county_case_number": agreement.county_case_number,
                "municipality_case_number": agreement.municipality_case_number,
            },
            "county": {"number": agreement.county.number, "name": agreement.county.name},
            "municipality": {"number": agreement.municipality.number, "name": agreement.municipality.name},
            "library": library_name(agreement),
            "project": {
                "id": project.pk,
                "title": project.title,
                "start_on": project.start_on,
                "end_on": project.end_on,
            },
            "sections": [
                {"key": key, "heading": str(label), "markdown": text, "html": str(render_markdown(text))}
                for key, label, text in agreement.sections()
            ],
            "role_matrix": agreement.role_matrix,
            "signatories": [_signatory(slot, who) for slot, who in agreement.signatory_slots()],
            "sent_at": sent_at or agreement.sent_at,
        }


def signature_record(signature: Signature) -> dict:
    record = {
        "slot": signature.slot,
        "label": str(Signature.Slot(signature.slot).label),
        "name": signature.signer_name,
        "method": signature.method,
        "method_label": method_label(signature.method),
        "signed_at": signature.signed_at,
        "ip_address": signature.ip_address,
        "content_sha256": signature.content_sha256,
        "user_id": signature.signed_by_id,
        "recorded_by_id": signature.recorded_by_id,
        "scan_sha256": signature.scan_sha256,
        # Since signing methods became a registry: the method's own words, and the address a contact
        # without a login proved with a one-time code.
        "method_description": signature.method_description,
        "email": signature.signer_email,
    }
    if signature.evidence:
        # Only where a method proved more (re-authentication with the identity provider): the snapshots
        # of the other methods stay exactly as they were.
        record["evidence"] = signature.evidence
    return record


def build_sealed(
    *, content: dict, content_sha256: str, signatures: list[Signature], sealed_at, language: str = "nb"
) -> dict:
    """The sealed record; its labels in `language`, the county's written standard."""
    order = [slot for slot, _label in Signature.Slot.choices]
    with translation.override(language):
        return {
            "format": SEALED_FORMAT,
            "content": content,
            "content_sha256": content_sha256,
            "signatures": [signature_record(s) for s in sorted(signatures, key=lambda s: order.index(s.slot))],
            "sealed_at": sealed_at,
        }
