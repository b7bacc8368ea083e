from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from followup import lateness as late
from followup.health import describe_reason

register = template.Library()


@register.filter
def health_reason(reason: dict) -> str:
    """{{ reason|health_reason }}: a stored health reason in the current language."""
    return describe_reason(reason)


@register.filter
def lateness(milestone, on) -> int:
    """{{ milestone|lateness:today }}: days late against the current due date (`followup.lateness`)."""
    return late.lateness(milestone, on=on)


@register.simple_tag
def health_badge(participant):
    """The health as a word and a symbol, never as a colour alone.

    Built in Python rather than from an included template: the follow-up dashboard
    shows one per row."""
    labels = {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}
    symbols = {"green": "●", "yellow": "▲", "red": "■"}
    health = participant.health
    return format_html(
        '<span class="fd-health fd-health-{} fw-semibold"><span aria-hidden="true">{}</span> {}</span>',
        health, symbols.get(health, ""), labels.get(health, health),
    )
