"""Have we thought of everyone? The one rule for stakeholder gaps: a position the project requires
that nobody in the participant's municipality fills (a contact in that position). The project's and
participant's pages, the county page and participant health all count gaps with it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from municipalities.models import Contact, Position
from projects.models import Participant, Project


@dataclass
class StakeholderRow:
    participant: Participant
    filled: dict  # position -> [contacts]
    missing: list  # positions nobody fills


def required_positions(project_ids: Iterable[int]) -> dict[int, list[Position]]:
    """Per project: the positions every participant must involve (one query)."""
    through = Project.required_positions.through
    required = defaultdict(list)
    for row in (
        through.objects.filter(project_id__in=set(project_ids))
        .select_related("position")
        .order_by("position__order", "position__name")
    ):
        required[row.project_id].append(row.position)
    return required


def _unfilled(required: list[Position], filled: set[tuple[int, int]], municipality_id: int) -> list[Position]:
    """The rule: the required positions for which no contact of the municipality holds that position
    (`filled` holds the (municipality id, position id) pairs someone fills)."""
    return [position for position in required if (municipality_id, position.pk) not in filled]


def missing_positions(participations: Iterable[tuple[int, int, int]]) -> dict[int, list[Position]]:
    """The gaps of many participations at once, given as (participant id, project id, municipality id):
    per participant, the required positions nobody in its municipality fills (two queries)."""
    participations = list(participations)
    required = required_positions({project_id for _pk, project_id, _municipality in participations})
    position_ids = {position.pk for positions in required.values() for position in positions}
    filled = set()
    if position_ids:
        filled = set(
            Contact.objects.filter(
                municipality_id__in={municipality for _pk, _project, municipality in participations},
                position_id__in=position_ids,
            ).values_list("municipality_id", "position_id")
        )
    return {
        pk: _unfilled(required[project_id], filled, municipality_id)
        for pk, project_id, municipality_id in participations
    }


def stakeholder_check(project: Project, participants=None) -> list[StakeholderRow]:
    """Per participant: who fills each required position, and which positions nobody fills (2 queries)."""
    positions = required_positions([project.pk])[project.pk]
    participants = (
        participants
        if participants is not None
        else list(project.participants.taking_part().select_related("municipality"))
    )
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(
        municipality_id__in=[p.municipality_id for p in participants], position__in=positions
    ).select_related("position"):
        contacts[(contact.municipality_id, contact.position_id)].append(contact)
    someone = set(contacts)  # before the lookups below add empty lists
    rows = []
    for participant in participants:
        filled = {position: contacts[(participant.municipality_id, position.pk)] for position in positions}
        rows.append(StakeholderRow(participant, filled, _unfilled(positions, someone, participant.municipality_id)))
    return rows


def gap_count(rows: Iterable[StakeholderRow]) -> int:
    """How many required positions nobody fills, over the rows of `stakeholder_check`."""
    return sum(len(row.missing) for row in rows)


def stakeholder_gap_count(project: Project) -> int:
    return gap_count(stakeholder_check(project))


def county_stakeholder_gaps(county) -> int:
    """Unfilled required positions across the county's active projects (three queries in all)."""
    participations = (
        Participant.objects.taking_part()
        .filter(project__county=county, project__status=Project.Status.ACTIVE)
        .values_list("pk", "project_id", "municipality_id")
    )
    return sum(len(missing) for missing in missing_positions(participations).values())


def health_input(participants, facts) -> None:
    """Participant health's stakeholder input (registered with `followup.health` by PlanningConfig)."""
    gaps = missing_positions((p.pk, p.project_id, p.municipality_id) for p in participants)
    for participant in participants:
        facts[participant.pk].missing_positions = tuple(position.name for position in gaps.get(participant.pk, []))
