"""Project kits ("pakkeløsninger"): a project from a kit, a kit from a project, and the
placeholders of kit documents.

Placeholders are a fixed whitelist substituted as plain text. User-written
text is never rendered as a Django template: `{% include %}` or `{% debug %}`
in a kit document stays exactly as written.
"""

import re
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from followup.models import Milestone
from projects import services
from projects.models import Project
from shell.history import records_by

from .models import Kit, KitDocument, KitMilestone, KitRequirement, KitUse, MilestoneOrigin
from .selectors import kit_of

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
