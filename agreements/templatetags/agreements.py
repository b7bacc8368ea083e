"""Agreement boxes on the participant and project pages (the projects app includes one line each)."""

from django import template

from municipalities.permissions import is_staff_of

from .. import selectors
from ..permissions import can_create_agreement

register = template.Library()


@register.inclusion_tag("agreements/partials/_participant_box.html", takes_context=True)
def participant_agreements(context, participant):
    """The participant's agreements the user may read (one query), and the button to draft one."""
    user = context["request"].user
    agreements = list(selectors.agreements_for_participant(user, participant))
    return {
        "participant": participant,
        "agreements": agreements,
        "can_create": not agreements
        and participant.status != "withdrawn"
        and not participant.project.is_closed
        and can_create_agreement(user, participant),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("agreements/partials/_project_box.html", takes_context=True)
def project_agreements(context, project, participants):
    """Each participant's current agreement, as far as the user may read it (one query)."""
    user = context["request"].user
    current = selectors.current_agreements_for_project(user, project)
    is_staff = is_staff_of(user, project.county_id)
    rows = []
    for row in participants:
        participant = row["participant"] if isinstance(row, dict) else row
        agreement = current.get(participant.pk)
        if agreement is not None or (is_staff and participant.status != "withdrawn"):
            rows.append((participant, agreement))
    return {"rows": rows}
