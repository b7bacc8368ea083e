"""Visits from the county library to a participating municipality: planned, done or cancelled."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.permissions import is_staff_of
from projects.models import Participant
from projects.services import ensure_open
from shell.history import records_by
from shell.writes import save_changes

from .. import health
from ..models import Visit


@records_by
@transaction.atomic
def save_visit(
    *,
    participant: Participant,
    by,
    planned_on: date,
    purpose: str,
    visitors=(),
    status: str = Visit.Status.PLANNED,
    notes: str = "",
    follow_up_points: str = "",
    visit: Visit | None = None,
) -> Visit:
    """A planned, done or cancelled visit. A visit cannot be done on a day still to come."""
    ensure_open(participant.project)
    if status == Visit.Status.DONE and planned_on > timezone.localdate():
        raise ValidationError({"planned_on": _("A visit that is done cannot have a date in the future.")})
    county_id = participant.project.county_id
    if not all(is_staff_of(user, county_id) for user in visitors):
        raise ValidationError({"visitors": _("Visitors are county staff.")})
    visit = visit or Visit(participant=participant, created_by=by)
    visit.planned_on, visit.purpose, visit.status = planned_on, purpose, status
    visit.notes, visit.follow_up_points = notes, follow_up_points
    save_changes(visit, ["planned_on", "purpose", "status", "notes", "follow_up_points"])
    visit.visitors.set(visitors)
    health.recompute(participant)
    return visit
