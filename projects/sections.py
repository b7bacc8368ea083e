"""The parts other apps add to the project page and the participant page.

Projects knows nothing of planning, follow-up, evaluations or agreements; each of them registers
its part here in its AppConfig.ready(). The project page loads its parts after it (htmx, or a page
of its own without JavaScript); the participant page renders them in place, in `order`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the part's name in the page's address ("plan", "oppfolging", …)
    label: str  # a lazy translation
    template: str
    context: Callable  # (request, project or participant) -> dict
    staff_only: bool = False  # the county staff's part: 404 for everyone else
    order: int = 100


PROJECT_SECTIONS: dict[str, Section] = {}
PARTICIPANT_SECTIONS: dict[str, Section] = {}


def register_project_section(section: Section) -> None:
    PROJECT_SECTIONS[section.key] = section


def register_participant_section(section: Section) -> None:
    PARTICIPANT_SECTIONS[section.key] = section


def project_sections() -> list[Section]:
    return sorted(PROJECT_SECTIONS.values(), key=lambda section: section.order)


def participant_sections() -> list[Section]:
    return sorted(PARTICIPANT_SECTIONS.values(), key=lambda section: section.order)
