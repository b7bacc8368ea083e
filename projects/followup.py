"""The follow-up side of projects: what milestones teach about time."""

from collections import defaultdict
from statistics import median

from .models import Kit, Milestone, Project


def learned_durations(kit: Kit) -> dict[int, int]:
    """Per kit milestone: the median days from project start to completion in the county's
    finished projects ("things take time"). Kit milestones never finished are absent."""
    done = (
        Milestone.objects.filter(
            kit_milestone__kit=kit,
            status=Milestone.Status.DONE,
            completed_on__isnull=False,
            project__county_id=kit.county_id,
            project__status=Project.Status.CLOSED,
        )
        .values_list("kit_milestone_id", "completed_on", "project__start_on")
    )
    days = defaultdict(list)
    for kit_milestone_id, completed_on, start_on in done:
        days[kit_milestone_id].append((completed_on - start_on).days)
    return {key: round(median(values)) for key, values in days.items()}
