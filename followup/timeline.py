"""The milestone timeline (documents.charts.timeline_chart) of a project, of a municipality across its
projects and of the follow-up dashboard. Each reads the milestones through the user's readable set
(`Milestone.objects.visible_to`): a municipality's users see their own participation and the
whole-project milestones, never another municipality's. A fixed number of queries whatever the size."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.charts import Chart, TimelineMark, TimelineRow, timeline_chart
from projects.models import Participant, Project

from .lateness import is_late, is_open_on, lateness
from .models import Milestone


def _status(milestone: Milestone, *, today: date) -> str:
    if milestone.status == Milestone.Status.DONE and not is_open_on(milestone, on=today):
        return "done"
    return "late" if is_late(milestone, on=today) else "coming"


def mark_of(milestone: Milestone, *, today: date, link: bool = True) -> TimelineMark:
    """A milestone as the timeline shows it: current date, original date, status, delay and link."""
    status = _status(milestone, today=today)
    label = milestone.get_status_display()
    if status == "late":
        label = _("%(status)s, late") % {"status": label}
    return TimelineMark(
        name=milestone.name,
        on=milestone.planned_on,
        original_on=milestone.original_planned_on,
        status=status,
        status_label=label,
        url=reverse("followup:milestone-detail", kwargs={"pk": milestone.project_id, "milestone_pk": milestone.pk})
        if link
        else "",
        delay_days=lateness(milestone, on=today),
    )


def _milestones(user):
    return _scoped(Milestone.objects.visible_to(user))


def _scoped(milestones):
    # Skipped milestones will not happen: they are left off the timeline.
    return (
        milestones.exclude(status=Milestone.Status.SKIPPED)
        .only("project_id", "participant_id", "name", "planned_on", "original_planned_on", "completed_on", "status")
        .order_by("planned_on", "order", "id")
    )


def project_timeline(project: Project, *, user, today: date | None = None) -> Chart:
    """Whole-project milestones on top, then one row per participant the user may read, by name."""
    participants = Participant.objects.visible_to(user).filter(project=project)
    milestones = Milestone.objects.visible_to(user).filter(project=project)
    return _project_chart(project, participants, milestones, today=today or timezone.localdate(), links=True)


def report_timeline(project: Project, *, on: date) -> Chart:
    """The same figure for the project's monthly report (which covers every participant, as the rest
    of the report does), as the plan stood on `on`; without links, since a PDF is read away from the site."""
    participants = Participant.objects.filter(project=project)
    milestones = Milestone.objects.filter(project=project)
    return _project_chart(project, participants, milestones, today=on, links=False)


def _project_chart(project, participants, milestones, *, today: date, links: bool) -> Chart:
    participants = list(
        participants.taking_part()
        .select_related("municipality")
        .only("municipality__name", "municipality__number")
        .order_by("municipality__name")
    )
    by_participant = {p.pk: [] for p in participants}
    whole = []
    for milestone in _scoped(milestones):
        mark = mark_of(milestone, today=today, link=links)
        if milestone.participant_id is None:
            whole.append(mark)
        elif milestone.participant_id in by_participant:
            by_participant[milestone.participant_id].append(mark)
    rows = [TimelineRow(_("Whole project"), whole)]
    rows += [TimelineRow(p.municipality.name, by_participant[p.pk]) for p in participants]
    return timeline_chart(
        title=_("Timeline: %(project)s") % {"project": project.title},
        description=_("Milestones by participant and month; the whole project's on the top row."),
        rows=rows,
        today=today,
        row_heading=_("Participant"),
        chart_id=f"timeline-project-{project.pk}",
    )


def municipality_timeline(municipality, *, user, today: date | None = None) -> Chart:
    """One row per project the municipality takes part in (that the user reads): its own milestones and
    the project's whole-project ones."""
    today = today or timezone.localdate()
    projects = list(
        Project.objects.visible_to(user)
        .filter(participants__municipality=municipality, participants__status__in=Participant.TAKING_PART)
        .distinct()
        .only("title", "start_on")
        .order_by("start_on", "title")
    )
    marks = {p.pk: [] for p in projects}
    milestones = _milestones(user).filter(project_id__in=list(marks)).filter(participant__isnull=True) | _milestones(
        user
    ).filter(project_id__in=list(marks), participant__municipality=municipality)
    for milestone in milestones.order_by("planned_on", "order", "id"):
        marks[milestone.project_id].append(mark_of(milestone, today=today))
    return timeline_chart(
        title=_("Timeline: %(municipality)s") % {"municipality": municipality.name},
        description=_("The municipality's milestones and the whole-project milestones, one row per project."),
        rows=[TimelineRow(p.title, marks[p.pk]) for p in projects],
        today=today,
        row_heading=_("Project"),
        chart_id=f"timeline-municipality-{municipality.pk}",
    )


def participants_timeline(participants, *, user, today: date | None = None) -> Chart:
    """The follow-up dashboard's timeline: one row per participant listed (municipality · project)."""
    today = today or timezone.localdate()
    participants = list(participants)
    by_participant = {p.pk: [] for p in participants}
    for milestone in _milestones(user).filter(participant_id__in=list(by_participant)):
        by_participant[milestone.participant_id].append(mark_of(milestone, today=today))
    return timeline_chart(
        title=_("Timeline of the participants listed"),
        description=_("Each participant's milestones by month."),
        rows=[TimelineRow(f"{p.municipality.name} · {p.project.title}", by_participant[p.pk]) for p in participants],
        today=today,
        row_heading=_("Participant"),
        chart_id="timeline-dashboard",
    )
