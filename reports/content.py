"""What a monthly report says: the data of a county, project or municipality for one month.

Each builder reads a fixed number of queries per project (never per
milestone or participant) and returns plain values, so the PDF is a dated
snapshot of the data as it stood when it was made.
"""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from documents.charts import Series, bar_chart, stacked_bar_chart
from evaluations.models import CorrectionChange, CourseCorrection, Round
from followup import health
from followup.lateness import is_late, lateness, slippage
from followup.models import Meeting, Milestone, ProgressEntry, Visit
from followup.timeline import report_timeline
from newsletters.models import Newsletter
from planning.models import Budget
from planning.selectors import MoneyTotals, money_totals
from projects.models import Goal, Indicator, Measurement, Participant, Project

HEALTH_ORDER = Participant.Health.values  # green, yellow, red
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """A calendar month: `first` and `last` day, and the month after it (what is due next)."""

    first: date

    @property
    def last(self) -> date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def next_first(self) -> date:
        return self.last + timedelta(days=1)

    @property
    def next_last(self) -> date:
        return Period(self.next_first).last

    @property
    def as_of(self) -> date:
        """The day lateness is measured on: the month's last day, or today in a month not over yet."""
        return min(self.last, timezone.localdate())

    @classmethod
    def of(cls, day: date) -> "Period":
        return cls(day.replace(day=1))

    def previous(self) -> "Period":
        return Period.of(self.first - timedelta(days=1))


@dataclass
class ProjectSection:
    project: Project
    goals: list = field(default_factory=list)  # [(goal, [(indicator, latest value or None)])]
    participants: list = field(default_factory=list)
    done: list = field(default_factory=list)  # milestones completed in the month
    late: list = field(default_factory=list)  # milestones past their date at the end of the month, not finished
    late_whole_project: list = field(default_factory=list)  # in a municipality's report: the project's own, apart
    due_next: list = field(default_factory=list)
    slippage_days: int = 0
    money: MoneyTotals = field(default_factory=MoneyTotals)
    budgets: dict = field(default_factory=dict)
    visits: list = field(default_factory=list)  # visits done in the month
    meetings: list = field(default_factory=list)  # meetings held in the month
    progress: list = field(default_factory=list)  # progress entries written in the month
    agreements: list = field(default_factory=list)  # agreements signed and sealed in the month
    rounds: list = field(default_factory=list)  # evaluation rounds open at some time in the month
    corrections: list = field(default_factory=list)  # course corrections decided in the month
    newsletters: list = field(default_factory=list)  # infobrev sent in the month


def active_in(period: Period, projects):
    """Projects running at some time during the month (not ideas, not closed before it)."""
    return projects.filter(start_on__lte=period.last, end_on__gte=period.first).exclude(
        status__in=[Project.Status.IDEA]
    )


def project_sections(projects, period: Period, *, municipality=None) -> list[ProjectSection]:
    """One section per project; with `municipality`, only that participant's part."""
    projects = list(projects.select_related("theme", "county").order_by("title"))
    ids = [p.pk for p in projects]
    measurements = Measurement.objects.filter(measured_on__lte=period.last).select_related("library__municipality")
    if municipality is not None:
        measurements = measurements.filter(library__municipality=municipality)
    indicators = Indicator.objects.filter(project_id__in=ids, goal__isnull=False).prefetch_related(
        Prefetch("measurements", queryset=measurements.order_by("-measured_on", "-id"), to_attr="as_of")
    )
    by_goal = defaultdict(list)
    for indicator in indicators:
        by_goal[indicator.goal_id].append((indicator, _current_value(indicator, scoped=municipality is not None)))
    participants = (
        Participant.objects.filter(project_id__in=ids).taking_part().select_related("municipality", "project__county")
    )
    milestones = Milestone.objects.filter(project_id__in=ids).select_related("participant__municipality")
    budgets = Budget.objects.filter(participant__project_id__in=ids).select_related("participant")
    if municipality is not None:
        participants = participants.filter(municipality=municipality)
        milestones = milestones.filter(Q(participant__municipality=municipality) | Q(participant__isnull=True))
        budgets = budgets.filter(participant__municipality=municipality)
    budgets = budgets.annotate(released_sum=Sum("releases__amount", filter=Q(releases__released_on__lte=period.last)))
    sections = {p.pk: ProjectSection(project=p) for p in projects}
    for goal_project_id, goal_id, goal_text in Goal.objects.filter(project_id__in=ids).values_list(
        "project_id", "id", "text"
    ):
        sections[goal_project_id].goals.append((goal_text, by_goal.get(goal_id, [])))
    participants = list(participants)
    for participant in participants:
        sections[participant.project_id].participants.append(participant)
    late_of = defaultdict(list)  # participant id → its milestones late at the end of the month
    for milestone in milestones.order_by("planned_on", "order", "id"):
        section = sections[milestone.project_id]
        # The two numbers of `followup.lateness`, as the milestone stood at the end of the month.
        milestone.late_days, milestone.moved_days = lateness(milestone, on=period.as_of), slippage(milestone)
        if milestone.completed_on and period.first <= milestone.completed_on <= period.last:
            section.done.append(milestone)
        elif is_late(milestone, on=period.as_of):
            late_of[milestone.participant_id].append(milestone)
            apart = municipality is not None and milestone.participant_id is None
            (section.late_whole_project if apart else section.late).append(milestone)
        if period.next_first <= milestone.planned_on <= period.next_last and milestone.status in Milestone.OPEN:
            section.due_next.append(milestone)
        section.slippage_days += milestone.moved_days
    _health_as_of(participants, late_of, on=period.as_of)
    _add_followup(sections, ids, period, municipality)
    _add_agreements_and_evaluations(sections, ids, period, municipality)
    by_project = defaultdict(list)
    for budget in budgets:
        by_project[budget.participant.project_id].append(budget)
    for project_id, project_budgets in by_project.items():
        sections[project_id].money = money_totals(project_budgets)
        sections[project_id].budgets = {b.participant_id: b for b in project_budgets}
    return list(sections.values())


def _health_as_of(participants: list, late_of: dict, *, on: date) -> None:
    """Each participant's health and reasons as they stood on `on` (the month's end), not as stored
    today: a November report says a milestone due 2 November is 28 days late, however late it is made.
    The late milestones are the report's own (`followup.lateness` on `on`)."""
    facts = health.health_facts(participants, today=on)
    for participant in participants:
        late = late_of.get(participant.pk, [])
        facts[participant.pk].overdue = len(late)
        facts[participant.pk].most_late = max((m.late_days for m in late), default=0)
        participant.health, participant.health_reasons = health.assess(participant, facts[participant.pk], today=on)


def _current_value(indicator, *, scoped: bool):
    """The indicator's value at the end of the month, from `indicator.as_of` (newest first, already
    scoped to the reader). A municipality's report holds only its own libraries' measurements; a
    project-wide one shows the project's own value (measured for no library) or, without one, each
    municipality's newest in `indicator.per_municipality` and returns None."""
    indicator.per_municipality = []
    if scoped:
        return indicator.as_of[0].value if indicator.as_of else None
    own = next((m for m in indicator.as_of if m.library_id is None), None)
    if own is not None or not indicator.as_of:
        return own.value if own is not None else None
    newest = {}
    for measurement in indicator.as_of:
        newest.setdefault(measurement.library.municipality.name, measurement.value)
    indicator.per_municipality = sorted(newest.items())
    return None


def _add_followup(sections: dict, ids: list, period: Period, municipality) -> None:
    """Visits done, meetings held and progress written in the month (three queries)."""
    visits = Visit.objects.filter(
        participant__project_id__in=ids, status=Visit.Status.DONE, planned_on__range=(period.first, period.last)
    ).select_related("participant__municipality")
    meetings = Meeting.objects.filter(
        project_id__in=ids, status=Meeting.Status.HELD, starts_at__date__range=(period.first, period.last)
    ).prefetch_related("objectives")
    progress = ProgressEntry.objects.filter(
        project_id__in=ids, written_at__date__range=(period.first, period.last)
    ).select_related("milestone", "participant__municipality", "written_by")
    if municipality is not None:
        visits = visits.filter(participant__municipality=municipality)
        meetings = meetings.filter(invitees__municipality=municipality).distinct()
        progress = progress.filter(participant__municipality=municipality)
    for visit in visits.order_by("planned_on"):
        sections[visit.participant.project_id].visits.append(visit)
    for meeting in meetings.order_by("starts_at"):
        sections[meeting.project_id].meetings.append(meeting)
    for entry in progress.order_by("written_at"):
        sections[entry.project_id].progress.append(entry)


def _add_agreements_and_evaluations(sections: dict, ids: list, period: Period, municipality) -> None:
    """Agreements sealed, evaluation rounds running, course corrections decided and infobrev sent in the
    month (four queries)."""
    agreements = Agreement.objects.filter(
        participant__project_id__in=ids, sealed_at__date__range=(period.first, period.last)
    ).select_related("participant__municipality")
    if municipality is not None:
        agreements = agreements.filter(participant__municipality=municipality)
    by_participant = {}
    for agreement in agreements.order_by("sealed_at", "version"):
        # One line per participant, naming each version signed in the month (an amendment and the
        # agreement it replaces are the same agreement to a reader).
        line = by_participant.get(agreement.participant_id)
        if line is None:
            line = by_participant[agreement.participant_id] = {"participant": agreement.participant, "versions": []}
            sections[agreement.participant.project_id].agreements.append(line)
        line["title"] = agreement.title
        line["versions"].append(agreement)
    rounds = Round.objects.filter(project_id__in=ids, opened_at__date__lte=period.last).filter(
        Q(closed_at__isnull=True) | Q(closed_at__date__gte=period.first)
    )
    for round_ in rounds.order_by("opened_at"):
        sections[round_.project_id].rounds.append(round_)
    corrections = CourseCorrection.objects.filter(
        project_id__in=ids, decided_on__range=(period.first, period.last)
    ).prefetch_related(
        Prefetch(
            "changes",
            queryset=CorrectionChange.objects.select_related("milestone__participant__municipality").order_by("id"),
        )
    )
    for correction in corrections.order_by("decided_on", "id"):
        changes = list(correction.changes.all())
        mine = [c for c in changes if _change_in_scope(c, municipality)]
        if changes and not mine:
            continue  # it changed only other municipalities' plans: theirs to read
        correction.lines = [describe_change(c) for c in mine]
        sections[correction.project_id].corrections.append(correction)
    newsletters = Newsletter.objects.filter(
        project_id__in=ids, status=Newsletter.Status.SENT, sent_at__date__range=(period.first, period.last)
    ).only("project_id", "subject", "sent_at", "recipient_count")
    for newsletter in newsletters.order_by("sent_at"):
        sections[newsletter.project_id].newsletters.append(newsletter)


def _change_in_scope(change: CorrectionChange, municipality) -> bool:
    """A change to a milestone of one municipality is that municipality's; the rest is the project's."""
    if municipality is None:
        return True
    if change.milestone is None:  # a goal or a target; a deleted milestone's place is unknown: not shown
        return change.type != CorrectionChange.Type.MILESTONE_DATE
    if change.milestone.participant_id is None:
        return True
    return change.milestone.participant.municipality_id == municipality.pk


def describe_change(change: CorrectionChange) -> str:
    """What a course correction changed, in words: what moved, from what, to what."""
    Type = CorrectionChange.Type
    if change.type == Type.MILESTONE_DATE:
        milestone = change.milestone
        if milestone is None:  # deleted since: its name was kept, its place was not
            return _("%(name)s moved from %(old)s to %(new)s") % {
                "name": change.label,
                "old": _day(change.old_value),
                "new": _day(change.new_value),
            }
        where = milestone.participant.municipality.name if milestone.participant_id else _("whole project")
        return _("%(name)s (%(where)s) moved from %(old)s to %(new)s") % {
            "name": change.label,
            "where": where,
            "old": _day(change.old_value),
            "new": _day(change.new_value),
        }
    if change.type == Type.GOAL_ADDED:
        return _("Goal added: %(new)s") % {"new": change.new_value}
    if change.type == Type.GOAL_TEXT:
        return _("Goal changed from “%(old)s” to “%(new)s”") % {"old": change.old_value, "new": change.new_value}
    return _("Target of %(name)s changed from %(old)s to %(new)s") % {
        "name": change.label,
        "old": change.old_value or "–",
        "new": change.new_value,
    }


def _day(value: str) -> str:
    if not value:
        return "–"
    day = date.fromisoformat(value)
    return f"{day.day}.{day.month}.{day.year}"


def county_newsletters(county, period: Period) -> list:
    """The county-wide infobrev (of no one project) sent in the month: every report lists them."""
    return list(
        Newsletter.objects.filter(
            county=county,
            project__isnull=True,
            status=Newsletter.Status.SENT,
            sent_at__date__range=(period.first, period.last),
        )
        .only("project_id", "subject", "sent_at", "recipient_count")
        .order_by("sent_at")
    )


def _with_county_newsletters(sections: list[ProjectSection], county_wide: list) -> list:
    """The county-wide infobrev reached every project's readers too: each section lists them with its
    own, so the summary and the sections tell the same month (one list, `county_newsletters`)."""
    for section in sections:
        section.newsletters = sorted(section.newsletters + county_wide, key=lambda n: (n.sent_at, n.pk))
    return county_wide


def _headline(sections: list[ProjectSection], status_counts: Counter) -> dict:
    health = Counter(p.health for s in sections for p in s.participants)
    money = MoneyTotals()
    for section in sections:
        money.granted += section.money.granted
        money.released += section.money.released
        money.local_committed += section.money.local_committed
    done = sum(len(s.done) for s in sections)
    late = sum(len(s.late) for s in sections)
    return {
        "status_counts": status_counts,
        "health": health,
        "done": done,
        "late": late,
        "late_whole_project": sum(len(s.late_whole_project) for s in sections),
        "money": money,
        "charts": [
            bar_chart(
                title=_("Projects by status"),
                labels=[str(Project.Status(s).label) for s in Project.Status.values],
                values=[status_counts.get(s, 0) for s in Project.Status.values],
                label_heading=_("Status"),
                value_heading=_("Projects"),
                chart_id="chart-status",
            ),
            bar_chart(
                title=_("Participants by health"),
                labels=[str(label) for label in Participant.Health.labels],
                values=[health.get(h, 0) for h in HEALTH_ORDER],
                label_heading=_("Health"),
                value_heading=_("Participants"),
                chart_id="chart-health",
            ),
            stacked_bar_chart(
                title=_("Milestones this month"),
                labels=[_("Milestones")],
                series=[Series(_("Done"), [done]), Series(_("Late"), [late])],
                label_heading=_("Milestones"),
                chart_id="chart-milestones",
            ),
            bar_chart(
                title=_("Money (NOK)"),
                labels=[_("Granted"), _("Released"), _("Local funds committed")],
                values=[money.granted, money.released, money.local_committed],
                label_heading=_("Money"),
                value_heading=_("NOK"),
                chart_id="chart-money",
            ),
        ],
    }


def starting_later(projects, period: Period) -> list[Project]:
    """Active projects that start after the month: they are not reported on yet, but they are
    named with their start date (an active project is never "no active project")."""
    return list(projects.filter(status=Project.Status.ACTIVE, start_on__gt=period.last).order_by("start_on", "title"))


def county_context(county, period: Period) -> dict:
    projects = Project.objects.filter(county=county)
    status_counts = Counter(projects.values_list("status", flat=True))
    sections = project_sections(
        active_in(period, projects.filter(status__in=[Project.Status.ACTIVE, Project.Status.CLOSING])), period
    )
    return {
        "county": county,
        "period": period,
        "sections": sections,
        "headline": _headline(sections, status_counts),
        "starting_later": starting_later(projects, period),
        "county_newsletters": _with_county_newsletters(sections, county_newsletters(county, period)),
    }


def project_context(project: Project, period: Period) -> dict:
    sections = project_sections(Project.objects.filter(pk=project.pk), period)
    return {
        "county": project.county,
        "period": period,
        "sections": sections,
        "headline": _headline(sections, Counter([project.status])),
        "project": project,
        "timeline": report_timeline(project, on=period.as_of),
        "county_newsletters": _with_county_newsletters(sections, county_newsletters(project.county, period)),
    }


def municipality_context(municipality, period: Period) -> dict:
    taking_part = Participant.objects.filter(municipality=municipality).taking_part().values("project_id")
    projects = Project.objects.filter(pk__in=taking_part)
    sections = project_sections(active_in(period, projects), period, municipality=municipality)
    return {
        "county": municipality.county,
        "period": period,
        "sections": sections,
        "headline": _headline(sections, Counter(s.project.status for s in sections)),
        "municipality": municipality,
        "starting_later": starting_later(projects, period),
        "county_newsletters": _with_county_newsletters(sections, county_newsletters(municipality.county, period)),
    }


def summary_of(context: dict) -> dict:
    """The figures a report states, kept beside the PDF (and used by tests to compare with the database)."""
    money = context["headline"]["money"]
    return {
        "projects": [s.project.pk for s in context["sections"]],
        "granted": str(Decimal(money.granted).quantize(CENT)),
        "released": str(Decimal(money.released).quantize(CENT)),
        "local_committed": str(Decimal(money.local_committed).quantize(CENT)),
        "done": context["headline"]["done"],
        "late": context["headline"]["late"],
        "late_milestones": [m.pk for s in context["sections"] for m in s.late],
        "late_whole_project": context["headline"]["late_whole_project"],
        "most_late_days": max((m.late_days for s in context["sections"] for m in s.late), default=0),
        "next_deadlines": [
            [m.planned_on.isoformat(), m.name, m.participant.municipality.name if m.participant_id else s.project.title]
            for m, s in sorted(
                ((m, s) for s in context["sections"] for m in s.due_next),
                key=lambda pair: (pair[0].planned_on, pair[0].name),
            )[:3]
        ],
    }


def summary_lines(summary: dict) -> list[str]:
    """What the report says in 3–4 lines, in the current language: milestones done and late, money
    released, the next deadlines. From the figures kept with the report (older reports lack some)."""
    from django.utils.formats import date_format
    from django.utils.translation import ngettext

    from shell.templatetags.money import kr

    if not summary:
        return []
    done, late = summary.get("done", 0), summary.get("late", 0)
    lines = [
        ngettext("%(count)s milestone done this month.", "%(count)s milestones done this month.", done)
        % {"count": done}
    ]
    late_line = ngettext("%(count)s milestone late", "%(count)s milestones late", late) % {"count": late}
    if late and summary.get("most_late_days"):
        late_line += " " + ngettext(
            "(the latest by %(days)s day)", "(the latest by %(days)s days)", summary["most_late_days"]
        ) % {"days": summary["most_late_days"]}
    if summary.get("late_whole_project"):
        late_line += "; " + ngettext(
            "%(count)s shared (whole project)", "%(count)s shared (whole project)", summary["late_whole_project"]
        ) % {"count": summary["late_whole_project"]}
    lines.append(late_line + ".")
    lines.append(
        _("Released by the county: %(released)s of %(granted)s granted.")
        % {"released": kr(summary.get("released", 0), 0), "granted": kr(summary.get("granted", 0), 0)}
    )
    deadlines = summary.get("next_deadlines") or []
    if deadlines:
        lines.append(
            _("Next deadlines: %(deadlines)s.")
            % {
                "deadlines": "; ".join(
                    _("“%(name)s” (%(where)s) %(date)s")
                    % {"name": name, "where": where, "date": date_format(date.fromisoformat(day), "j.n.Y")}
                    for day, name, where in deadlines
                )
            }
        )
    else:
        lines.append(_("No deadlines next month."))
    return lines
