"""Project kits ("pakkeløsninger"): a project from a kit, a kit from a project, and the
placeholders of kit documents.

Placeholders are a fixed whitelist substituted as plain text. User-written
text is never rendered as a Django template: `{% include %}` or `{% debug %}`
in a kit document stays exactly as written.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from followup.models import Milestone
from municipalities.models import Contact, Position
from projects import services
from projects.models import Project
from shell.history import records_by
from shell.templatetags.money import kr

from .models import Kit, KitDocument, KitMilestone, KitRequirement, KitUse, MilestoneOrigin
from .selectors import get_budget, kit_of

PLACEHOLDERS = {
    "project": _("the project's title"),
    "county": _("the county"),
    "municipality": _("the participating municipality"),
    "library": _("the participant's library"),
    "county_grant": _("the county grant, in kroner"),
    "local_share": _("the required local share, in percent"),
    "local_committed": _("local funds committed, in kroner"),
    "payout_condition": _("when the grant is paid out"),
    "requirements": _("the participation requirements, as a list"),
    "milestones": _("the milestone plan, as a list"),
    "start_date": _("the project's start date"),
    "end_date": _("the project's end date"),
    "contacts": _("the municipality's contacts, as a list"),
    "library_head": _("the library head's name"),
    "chief_executive": _("the chief executive's name"),
    "mayor": _("the mayor's name"),
}

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")


def fill_placeholders(text: str, values: dict) -> str:
    """Replaces `{{ name }}` for whitelisted names that have a value; leaves everything else literal."""

    def replace(match):
        name = match.group(1)
        if name in PLACEHOLDERS and name in values:
            return str(values[name])
        return match.group(0)

    return _PLACEHOLDER.sub(replace, text)


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
        return gettext("(none yet)")
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
        "payout_condition": gettext(
            "The grant is paid out when the local share is at least %(share)s %% of the total costs."
        )
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


# ------------------------------------------------------------------ kit ⇄ project


@records_by
@transaction.atomic
def create_project_from_kit(
    *, kit: Kit, county, by, title: str, start_on: date, municipalities=(), end_on=None
) -> Project:
    """The whole plan with real dates: milestones, requirements, positions, hours and defaults."""
    project = services.create_project(
        county=county,
        by=by,
        title=title,
        theme=kit.theme or county.themes.get(code="other"),
        purpose=kit.description or kit.name,
        start_on=start_on,
        end_on=end_on or start_on + timedelta(days=kit.duration_days),
    )
    KitUse.objects.create(project=project, kit=kit)
    project.county_hours_per_month = kit.county_hours_per_month
    project.participant_hours_per_month = kit.participant_hours_per_month
    project.default_local_share = kit.default_local_share
    project.save(update_fields=["county_hours_per_month", "participant_hours_per_month", "default_local_share"])
    project.required_positions.set(kit.required_positions.all())
    project.handbook_pages.set(kit.handbook_pages.all())
    for requirement in kit.requirements.all():
        services.save_requirement(project=project, by=by, text=requirement.text)
    participants = services.invite_participants(project=project, municipalities=list(municipalities), by=by)
    plan_milestones(project=project, participants=participants)
    return project


def plan_milestones(*, project: Project, participants) -> list[Milestone]:
    """Creates the kit's milestones for the project (and for each given participant), each with the
    kit milestone it came from (so the kit learns how long its steps take)."""
    kit = kit_of(project)
    if kit is None:
        return []
    milestones, origins = [], []
    for kit_milestone in kit.milestones.all():
        planned = project.start_on + timedelta(days=kit_milestone.offset_days)
        targets = [None] if kit_milestone.scope == KitMilestone.Scope.PROJECT else participants
        for participant in targets:
            milestones.append(
                Milestone(
                    project=project,
                    participant=participant,
                    name=kit_milestone.name,
                    description=kit_milestone.description,
                    planned_on=planned,
                    original_planned_on=planned,
                    responsible_position=kit_milestone.responsible_position,
                    order=kit_milestone.order,
                )
            )
            origins.append(kit_milestone)
    milestones = Milestone.objects.bulk_create(milestones)
    MilestoneOrigin.objects.bulk_create(
        [
            MilestoneOrigin(milestone=milestone, kit_milestone=origin)
            for milestone, origin in zip(milestones, origins, strict=True)
        ]
    )
    return milestones


@records_by
@transaction.atomic
def save_project_as_kit(*, project: Project, name: str, by) -> Kit:
    """The reverse: the project's plan becomes a kit (offsets counted from the project start)."""
    kit = Kit.objects.create(
        county=project.county,
        name=name,
        description=project.purpose,
        theme=project.theme,
        duration_days=(project.end_on - project.start_on).days,
        default_local_share=project.default_local_share,
        county_hours_per_month=project.county_hours_per_month,
        participant_hours_per_month=project.participant_hours_per_month,
    )
    kit.required_positions.set(project.required_positions.all())
    kit.handbook_pages.set(project.handbook_pages.all())
    KitRequirement.objects.bulk_create(
        [KitRequirement(kit=kit, text=r.text, order=r.order) for r in project.requirements.all()]
    )
    seen = set()
    for milestone in project.milestones.order_by("original_planned_on", "order", "id"):
        scope = KitMilestone.Scope.PROJECT if milestone.participant_id is None else KitMilestone.Scope.PARTICIPANT
        key = (milestone.name, scope)
        if key in seen:
            continue  # one kit milestone for all participants' copies
        seen.add(key)
        KitMilestone.objects.create(
            kit=kit,
            name=milestone.name,
            description=milestone.description,
            offset_days=max(0, (milestone.original_planned_on - project.start_on).days),
            scope=scope,
            responsible_position=milestone.responsible_position,
            order=milestone.order,
        )
    source = kit_of(project)
    if source is not None:
        KitDocument.objects.bulk_create(
            [KitDocument(kit=kit, kind=d.kind, title=d.title, body=d.body) for d in source.documents.all()]
        )
    return kit


# ------------------------------------------------------------------ kit versions


@records_by
@transaction.atomic
def revise_kit_document(*, kit: Kit, by, title: str, body: str, document: KitDocument | None = None, kind=None) -> Kit:
    """A new version of `kit` with one text changed (`document`) or one added (of `kind`): plan,
    requirements, positions, handbook pages and the other texts are copied. The old version stays as it
    was, for the projects made from it (their letters and agreements keep its texts), and leaves the
    county's list. Raises ValidationError for a version that is no longer current."""
    kit = Kit.objects.select_for_update().get(pk=kit.pk)
    if not kit.is_current:
        raise ValidationError(gettext("This is an earlier version of the kit; change the current one."))
    if document is not None and document.kit_id != kit.pk:
        raise ValidationError(gettext("That text belongs to another kit."))
    kit.is_current = False
    kit.save(update_fields=["is_current"])
    new = Kit.objects.create(
        county_id=kit.county_id,
        name=kit.name,
        description=kit.description,
        theme_id=kit.theme_id,
        duration_days=kit.duration_days,
        default_local_share=kit.default_local_share,
        county_hours_per_month=kit.county_hours_per_month,
        participant_hours_per_month=kit.participant_hours_per_month,
        version=kit.version + 1,
        previous=kit,
    )
    new.required_positions.set(kit.required_positions.all())
    new.handbook_pages.set(kit.handbook_pages.all())
    KitMilestone.objects.bulk_create(
        [
            KitMilestone(
                kit=new,
                name=m.name,
                description=m.description,
                offset_days=m.offset_days,
                scope=m.scope,
                responsible_position_id=m.responsible_position_id,
                order=m.order,
            )
            for m in kit.milestones.all()
        ]
    )
    KitRequirement.objects.bulk_create(
        [KitRequirement(kit=new, text=r.text, order=r.order) for r in kit.requirements.all()]
    )
    documents = []
    for existing in kit.documents.all():
        if document is not None and existing.pk == document.pk:
            documents.append(KitDocument(kit=new, kind=existing.kind, title=title, body=body))
        else:
            documents.append(KitDocument(kit=new, kind=existing.kind, title=existing.title, body=existing.body))
    if document is None:
        documents.append(KitDocument(kit=new, kind=kind or KitDocument.Kind.LETTER, title=title, body=body))
    KitDocument.objects.bulk_create(documents)
    return new
