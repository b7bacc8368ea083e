"""Project models, one module per side of the work:

- core: projects, goals, indicators, participants, requirements, partners, experts
- planning: capacity, stakeholder positions, budgets and matching funds, kits, handbook, milestones
- followup: progress entries, visits, meetings, the escalation log, calendar feeds
"""

from .core import (  # noqa: F401
    BriefingItem,
    ExpertAssignment,
    ExpertFollowUp,
    Goal,
    Indicator,
    Measurement,
    Participant,
    Project,
    ProjectPartner,
    Requirement,
    RequirementStatus,
    participant_scope,
)
from .planning import (  # noqa: F401
    Budget,
    FinalAccount,
    GrantRelease,
    HandbookPage,
    Kit,
    KitDocument,
    KitMilestone,
    KitRequirement,
    Milestone,
    StaffCapacity,
)
from .followup import (  # noqa: F401
    CalendarFeed,
    EscalationStep,
    Meeting,
    MeetingInvitee,
    MeetingObjective,
    ProgressEntry,
    Visit,
)
