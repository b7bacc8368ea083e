"""A draft from the project kit's agreement text, filled with live data.

The kit's text (`KitDocument(kind="agreement")`) is Markdown with `## Heading`
sections; each known heading becomes one section of the agreement, and the
whitelisted placeholders (`planning.kits.fill_placeholders`) are replaced with
plain text from the project, the participant, its budget, requirements,
milestones and contacts (`planning.kits.placeholder_values`, which kit letters
use too). User text is never a template: unknown placeholders
and template syntax stay exactly as written. A project without a kit starts
from the standard text (`planning.standard_kits.AGREEMENT_TEXT`).
"""

import re

from django.utils import translation

from municipalities.models import Contact, Position
from planning.kits import fill_placeholders, placeholder_values
from planning.models import KitDocument
from planning.selectors import kit_document
from planning.standard_kits import AGREEMENT_TEXT

# Headings of the kit's agreement text (lower case) → section field.
HEADINGS = {
    "formål": "purpose",
    "partenes forpliktelser": "obligations",
    "forpliktelser": "obligations",
    "finansiering": "finance",
    "deltakelseskrav": "requirements",
    "fremdriftsplan": "progress_plan",
    "rolleavklaring": "roles",
    "varighet og oppsigelse": "duration",
    "annet": "other",
}

_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def split_sections(text: str) -> dict[str, str]:
    """Markdown with `## Heading` lines → {section field: text}. Text before the first heading
    joins the purpose; a heading that is no section is kept (as ###) in "other"."""
    sections: dict[str, list[str]] = {}
    current = "purpose"
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _HEADING.match(line)
        if match:
            heading = match.group(1).strip()
            key = HEADINGS.get(heading.casefold())
            if key:
                current = key
                continue
            current = "other"
            sections.setdefault(current, []).append(f"### {heading}")
            continue
        sections.setdefault(current, []).append(line)
    return {key: "\n".join(lines).strip() for key, lines in sections.items()}


def kit_agreement_text(project) -> str:
    document = kit_document(project, KitDocument.Kind.AGREEMENT)
    return document.body if document is not None else AGREEMENT_TEXT


def draft_sections(participant) -> dict[str, str]:
    """Every section's text for a new agreement, in the county's written standard."""
    with translation.override(participant.project.county.written_standard):
        values = placeholder_values(participant)
        sections = split_sections(kit_agreement_text(participant.project))
        return {key: fill_placeholders(text, values).strip() for key, text in sections.items()}


def default_signatories(participant) -> dict:
    """The municipality's first contact for each signing position."""
    contacts = {}
    for contact in (
        Contact.objects.filter(municipality=participant.municipality).select_related("position").order_by("name")
    ):
        contacts.setdefault(contact.position.code, contact)
    return {
        "library_head_contact": contacts.get(Position.Code.LIBRARY_HEAD),
        "chief_executive_contact": contacts.get(Position.Code.CHIEF_EXECUTIVE),
        "mayor_contact": contacts.get(Position.Code.MAYOR),
    }
