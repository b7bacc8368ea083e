"""How late a milestone is, and how far its plan has moved: the two numbers every page, PDF, e-mail,
health rule and the dashboard show ("Forsinkelse" and "Flyttet"). Nothing else computes them.

- *Lateness* is measured against the **current** due date (`planned_on`): an open milestone is
  `on − planned_on` days late (never negative); a done one was `completed_on − planned_on` days late.
  `on` is today, or the last day a report covers: a milestone completed after `on` was still open then.
  A skipped milestone is never late.
- *Slippage* is how far the plan has moved: `planned_on − original_planned_on` (negative when the
  date was moved earlier).
"""

from datetime import date

from django.db.models import Q

from .models import Milestone


def days_late(due_on: date, *, on: date) -> int:
    """Days past `due_on` on the day `on` (0 when not past)."""
    return max(0, (on - due_on).days)


def is_open_on(milestone: Milestone, *, on: date) -> bool:
    """Neither done nor skipped as the milestone stood on `on` (done later counts as open then)."""
    if milestone.status == Milestone.Status.SKIPPED:
        return False
    if milestone.status == Milestone.Status.DONE:
        return bool(milestone.completed_on) and milestone.completed_on > on
    return True


def lateness(milestone: Milestone, *, on: date) -> int:
    """Days the milestone is (open) or was (done) late against its current due date, as of `on`."""
    if is_open_on(milestone, on=on):
        return days_late(milestone.planned_on, on=on)
    if milestone.status == Milestone.Status.DONE and milestone.completed_on:
        return days_late(milestone.planned_on, on=milestone.completed_on)
    return 0


def is_late(milestone: Milestone, *, on: date) -> bool:
    """Open on `on` and past its due date: what "late milestones" count."""
    return is_open_on(milestone, on=on) and lateness(milestone, on=on) > 0


def slippage(milestone: Milestone) -> int:
    """Days the current due date lies after the original plan (negative: moved earlier)."""
    return (milestone.planned_on - milestone.original_planned_on).days


def late_q(*, on: date, prefix: str = "") -> Q:
    """The database filter for `is_late` on today's data (open now, due before `on`), for counts
    in queries; `prefix` is the path to the milestone ("milestones__")."""
    return Q(**{f"{prefix}status__in": Milestone.OPEN, f"{prefix}planned_on__lt": on})
