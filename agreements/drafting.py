"""A draft from the project kit's agreement text, filled with live data.

The kit's text (`KitDocument(kind="agreement")`) is Markdown with `## Heading`
sections; each known heading becomes one section of the agreement, and the
whitelisted placeholders (`planning.kits.fill_placeholders`) are replaced with
plain text from the project, the participant, its budget, requirements,
milestones and contacts. User text is never a template: unknown placeholders
and template syntax stay exactly as written. A project without a kit starts
from the standard text (`planning.standard_kits.AGREEMENT_TEXT`).
"""

import re
from decimal import Decimal

from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from followup.models import Milestone
from municipalities.models import Contact, Position
from planning.kits import fill_placeholders
from planning.models import KitDocument
from planning.selectors import get_budget, kit_document
from planning.standard_kits import AGREEMENT_TEXT
from shell.templatetags.money import kr

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


def _number(value: Decimal) -> str:
    """150000 → "150 000", 37.5 → "37,5" (Norwegian grouping and decimal mark)."""
    value = Decimal(value)
    decimals = 0 if value == value.to_integral_value() else 2
    return kr(value, decimals).removesuffix("\xa0kr")


def _date(value) -> str:
    return formats.date_format(value, "j. F Y")


def _list(items: list[str]) -> str:
    """A Markdown list that renders as a list wherever the placeholder stands (blank line first)."""
    if not items:
        return _("(none yet)")
    return "\n\n" + "\n".join(f"- {item}" for item in items) + "\n"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def placeholder_values(participant) -> dict:
    """The whitelisted placeholders, from live data, as Norwegian plain text (call within nb)."""
    project = participant.project
    municipality = participant.municipality
    county = project.county
    library = participant.library or municipality.libraries.filter(is_main=True).first()
    budget = get_budget(participant)
    share = budget.required_local_share
    contacts = list(
        Contact.objects.filter(municipality=municipality).select_related("position").order_by("position__order", "name")
    )
    by_code = {}
    for contact in contacts:
        by_code.setdefault(contact.position.code, contact)
    milestones = (
        Milestone.objects.filter(project=project)
        .filter(Q(participant=participant) | Q(participant__isnull=True))
        .order_by("planned_on", "order", "id")
    )
    return {
        "project": _one_line(project.title),
        "county": _one_line(county.name),
        "municipality": _one_line(municipality.name),
        "library": _one_line(library.name) if library else _one_line(municipality.name),
        "county_grant": _number(budget.county_grant),
        "local_share": _number(share),
        "local_committed": _number(budget.local_committed),
        "payout_condition": _("The grant is paid out when the local share is at least %(share)s %% of the total costs.")
        % {"share": _number(share)},
        "requirements": _list([_one_line(r.text) for r in project.requirements.all()]),
        # 01.02.2026, not "1. februar": a list item starting "1. " would become a numbered list.
        "milestones": _list([f"{formats.date_format(m.planned_on, 'd.m.Y')}: {_one_line(m.name)}" for m in milestones]),
        "start_date": _date(project.start_on),
        "end_date": _date(project.end_on),
        "contacts": _list(
            [
                f"{_one_line(c.position.name)}: {_one_line(c.name)}" + (f" ({c.email})" if c.email else "")
                for c in contacts
            ]
        ),
        "library_head": _one_line(by_code[Position.Code.LIBRARY_HEAD].name)
        if Position.Code.LIBRARY_HEAD in by_code
        else "",
        "chief_executive": _one_line(by_code[Position.Code.CHIEF_EXECUTIVE].name)
        if Position.Code.CHIEF_EXECUTIVE in by_code
        else "",
        "mayor": _one_line(by_code[Position.Code.MAYOR].name) if Position.Code.MAYOR in by_code else "",
    }


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
