from django import template
from django.utils.html import format_html

from followup import lateness as late
from followup.health import describe_reason
from projects.models import Participant

register = template.Library()


@register.filter
def health_reason(reason: dict) -> str:
    """{{ reason|health_reason }}: a stored health reason in the current language."""
    return describe_reason(reason)


SYMBOLS = {Participant.Health.GREEN: "●", Participant.Health.YELLOW: "▲", Participant.Health.RED: "■"}


@register.filter
def lateness(milestone, on) -> int:
    """{{ milestone|lateness:today }}: days late against the current due date (`followup.lateness`)."""
    return late.lateness(milestone, on=on)


@register.simple_tag
def health_badge(participant):
    """The health as a word and a symbol, never as a colour alone.

    Built in Python rather than from an included template: the follow-up dashboard
    shows one per row."""
    health = participant.health
    label = Participant.Health(health).label if health in Participant.Health.values else health
    return format_html(
        '<span class="fd-health fd-health-{} fw-semibold"><span aria-hidden="true">{}</span> {}</span>',
        health,
        SYMBOLS.get(health, ""),
        label,
    )
