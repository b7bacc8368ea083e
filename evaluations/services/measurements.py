"""Measurements ("TTT"): the indicators, the measurement periods and each library's figures."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects import services as project_services
from projects.models import Indicator, Project
from projects.services import ensure_open
from shell.history import records_by

from ..models import MeasurementPeriod
from .base import EvaluationError


@records_by
@transaction.atomic
def save_ttt_indicator(
    *, project: Project, by, name: str, unit: str = "", indicator: Indicator | None = None
) -> Indicator:
    """What is measured before and after, per library: an indicator without a goal."""
    ensure_open(project, error=EvaluationError)
    if indicator is not None and (indicator.project_id != project.pk or indicator.goal_id is not None):
        raise ValidationError({"name": _("Choose one of the project's measurements.")})
    return project_services.save_indicator(project=project, by=by, goal=None, indicator=indicator, name=name, unit=unit)


@records_by
@transaction.atomic
def set_measurement_periods(
    *, project: Project, by, before_starts_on: date, before_ends_on: date, after_starts_on: date, after_ends_on: date
) -> list[MeasurementPeriod]:
    ensure_open(project, error=EvaluationError)
    if before_ends_on < before_starts_on:
        raise ValidationError({"before_ends_on": _("The period must end after it starts.")})
    if after_ends_on < after_starts_on:
        raise ValidationError({"after_ends_on": _("The period must end after it starts.")})
    if after_starts_on <= before_ends_on:
        raise ValidationError({"after_starts_on": _("The after period must start when the before period has ended.")})
    periods = []
    for period, starts_on, ends_on in [
        ("before", before_starts_on, before_ends_on),
        ("after", after_starts_on, after_ends_on),
    ]:
        row, _created = MeasurementPeriod.objects.update_or_create(
            project=project, period=period, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        periods.append(row)
    return periods


def measuring_libraries(project: Project):
    """Libraries of the municipalities taking part: where TTT values are counted."""
    from municipalities.models import Library

    return (
        Library.objects.filter(municipality_id__in=project.participants.taking_part().values("municipality_id"))
        .select_related("municipality")
        .order_by("municipality__number", "-is_main", "name")
    )


@records_by
@transaction.atomic
def record_library_measurement(
    *, indicator: Indicator, library, period: str, measured_on: date, value: Decimal, by, note: str = ""
):
    """A value counted in one library, inside the before or the after period."""
    project = indicator.project
    ensure_open(project, error=EvaluationError)
    if indicator.goal_id is not None:
        raise ValidationError({"indicator": _("Choose one of the project's measurements.")})
    if not measuring_libraries(project).filter(pk=library.pk).exists():
        raise ValidationError({"library": _("Choose a library of a participating municipality.")})
    window = MeasurementPeriod.objects.filter(project=project, period=period).first()
    if window is None:
        raise ValidationError({"period": _("County staff have not set this period yet.")})
    if not window.contains(measured_on):
        raise ValidationError(
            {
                "measured_on": _("The date must lie in the period, %(start)s to %(end)s.")
                % {
                    "start": date_format(window.starts_on, "SHORT_DATE_FORMAT"),
                    "end": date_format(window.ends_on, "SHORT_DATE_FORMAT"),
                }
            }
        )
    if value < 0:
        raise ValidationError({"value": _("A count cannot be negative.")})
    return project_services.record_measurement(
        indicator=indicator, by=by, value=value, measured_on=measured_on, library=library, period=period, note=note
    )
