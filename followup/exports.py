"""The milestones of a project as a spreadsheet: per participant (and the whole project's), each with
its planned, original and actual date, its delay and how far it moved (both from `lateness`), and its
status. Only the milestones the user may read (`Milestone.objects.visible_to`: a municipality's users
see their own and the whole project's). Registered in FollowupConfig.ready()."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.exports import Export
from documents.spreadsheet import Column, Kind, Table
from projects.access import access_project

from .lateness import lateness, slippage
from .models import Milestone

CHUNK = 2000

MILESTONE_COLUMNS = [
    Column(gettext_lazy("Participant")),
    Column(gettext_lazy("Milestone")),
    Column(gettext_lazy("Status")),
    Column(gettext_lazy("Planned date"), Kind.DATE),
    Column(gettext_lazy("Originally planned"), Kind.DATE),
    Column(gettext_lazy("Completed"), Kind.DATE),
    Column(gettext_lazy("Delay (days)"), Kind.INTEGER),
    Column(gettext_lazy("Moved (days)"), Kind.INTEGER),
    Column(gettext_lazy("Responsible")),
]


def _milestones(user, project):
    return (
        Milestone.objects.visible_to(user)
        .filter(project=project)
        .select_related("participant__municipality", "responsible_position")
        # The whole project's first (on every database), then participant by participant.
        .order_by(F("participant__municipality__name").asc(nulls_first=True), "planned_on", "order", "id")
    )


def _rows(milestones):
    today = timezone.localdate()
    whole = _("Whole project")
    for milestone in milestones.iterator(chunk_size=CHUNK):
        participant = milestone.participant
        yield [
            participant.municipality.name if participant else whole,
            milestone.name,
            milestone.get_status_display(),
            milestone.planned_on,
            milestone.original_planned_on,
            milestone.completed_on,
            lateness(milestone, on=today),
            slippage(milestone),
            milestone.responsible_position.name if milestone.responsible_position else None,
        ]


def milestone_export(user, params: dict) -> Export:
    project = access_project(user, params.get("project"))
    milestones = _milestones(user, project)
    return Export(
        filename=f"milepaeler-prosjekt-{project.pk}",
        title=_("Milestones: %(project)s") % {"project": project.title},
        tables=[Table(gettext_lazy("Milestones"), MILESTONE_COLUMNS, _rows(milestones))],
        count=milestones.count(),
        back_url=project.get_absolute_url(),
    )
