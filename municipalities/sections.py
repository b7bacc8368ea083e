"""The parts other apps add to the county page and the municipality page, and the filters they
answer on the municipality list.

Places and people know no projects: projects and planning register here in their
AppConfig.ready() (the county's capacity, stakeholder gaps and money; the municipalities in no
active project; a municipality's projects; "takes part in an active project" on the list).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable  # (request, county or municipality) -> dict
    order: int = 100


COUNTY_SECTIONS: dict[str, Section] = {}
MUNICIPALITY_SECTIONS: dict[str, Section] = {}
# name of a filter field of the municipality list -> (queryset, value) -> queryset
LIST_FILTERS: dict[str, Callable] = {}


def register_county_section(section: Section) -> None:
    COUNTY_SECTIONS[section.key] = section


def register_municipality_section(section: Section) -> None:
    MUNICIPALITY_SECTIONS[section.key] = section


def register_list_filter(name: str, apply: Callable) -> None:
    LIST_FILTERS[name] = apply


def render_sections(request, sections: dict[str, Section], obj, **context) -> list[str]:
    """Each registered part rendered for `obj`, in order (HTML for the page to place)."""
    from django.template.loader import render_to_string

    return [
        render_to_string(section.template, {**context, **section.context(request, obj)}, request=request)
        for section in sorted(sections.values(), key=lambda section: section.order)
    ]
