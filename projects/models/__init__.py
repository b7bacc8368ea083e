"""Project models, one module per side of the work:

- core: projects, goals, indicators, participants, requirements, partners, experts
- planning: capacity, stakeholder positions, budgets and matching funds, kits, handbook, milestones
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
