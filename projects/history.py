"""The change history of a project and what belongs to it, for county staff.

Reads the django-simple-history tables of the project, its goals, indicators,
participants, requirements and partners in one query each, and works out in
memory which fields each change touched with simple-history's `diff_against` (no query per entry).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Goal, Indicator, Participant, Project, ProjectPartner, Requirement, RequirementStatus

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    when: datetime
    who: object
    what: str
    label: str
    action: str
    fields: list = field(default_factory=list)  # (field label, old, new)
    reason: str = ""


def _diff(model, record, previous) -> list:
    """(field label, old, new) per field the change touched, in the model's field order, through
    simple-history's `diff_against` (many-to-many fields left out: they cost a query per record)."""
    m2m = [f.name for f in previous._history_m2m_fields]
    delta = record.diff_against(previous, excluded_fields=m2m)
    order = {f.name: index for index, f in enumerate(model._meta.concrete_fields)}
    changes = []
    for change in sorted(delta.changes, key=lambda c: order.get(c.field, len(order))):
        model_field = model._meta.get_field(change.field)
        changes.append(
            (
                model_field.verbose_name,
                _shown(model_field, previous, change.old),
                _shown(model_field, record, change.new),
            )
        )
    return changes


def _shown(model_field, record, value):
    """What a person reads for a recorded value: a choice's label, yes or no, a number in the reader's
    format without trailing zeros (600 and 1 500,50, never 600.00), the related object's name, or a
    date as dates are shown. None stays None (the template shows a dash)."""
    display = getattr(record, f"get_{model_field.name}_display", None)
    if display and model_field.choices:
        return display()
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, Decimal | float):
        value = Decimal(str(value))
        places = 0 if value == value.to_integral_value() else 2
        return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if model_field.is_relation and model_field.many_to_one:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "–"
    return value


LABELS = {
    Participant: lambda r: r.municipality.name,
    ProjectPartner: lambda r: r.organisation.name,
    RequirementStatus: lambda r: f"{r.participant.municipality.name}: {r.requirement.text}",
}


def _label(model, record) -> str:
    if model in LABELS:
        return LABELS[model](record)
    return str(getattr(record, "title", None) or getattr(record, "text", None) or getattr(record, "name", ""))[:120]


def _changes(model, records) -> list[Change]:
    by_object: dict = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        by_object.setdefault(record.id, []).append(record)
    result = []
    for history in by_object.values():
        for index, record in enumerate(history):
            previous = history[index - 1] if index else None
            fields = _diff(model, record, previous) if previous is not None and record.history_type == "~" else []
            result.append(
                Change(
                    when=record.history_date,
                    who=record.history_user,
                    what=str(model._meta.verbose_name),
                    label=_label(model, record),
                    action=ACTIONS.get(record.history_type, record.history_type),
                    fields=fields,
                    reason=record.history_change_reason or "",
                )
            )
    return result


def project_history(project: Project, *, limit: int = 100) -> list[Change]:
    sources = [
        (Project, Project.history.filter(id=project.pk)),
        (Goal, Goal.history.filter(project_id=project.pk)),
        (Indicator, Indicator.history.filter(project_id=project.pk)),
        (Participant, Participant.history.filter(project_id=project.pk).select_related("municipality")),
        (Requirement, Requirement.history.filter(project_id=project.pk)),
        (ProjectPartner, ProjectPartner.history.filter(project_id=project.pk).select_related("organisation")),
        (
            RequirementStatus,
            RequirementStatus.history.filter(participant__project_id=project.pk).select_related(
                "participant__municipality", "requirement"
            ),
        ),
    ]
    changes = []
    for model, records in sources:
        changes += _changes(
            model, list(records.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
