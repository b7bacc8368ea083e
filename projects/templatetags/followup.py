from django import template
from django.utils.translation import gettext as _

from projects.followup_services import describe_reason

register = template.Library()



@register.filter
def health_reason(reason: dict) -> str:
    """{{ reason|health_reason }}: a stored health reason in the current language."""
    return describe_reason(reason)


@register.inclusion_tag("projects/partials/_health.html")
def health_badge(participant):
    """The health as a word and a symbol, never as a colour alone."""
    labels = {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}
    symbols = {"green": "●", "yellow": "▲", "red": "■"}
    return {"health": participant.health, "label": labels.get(participant.health, participant.health),
            "symbol": symbols.get(participant.health, "")}
