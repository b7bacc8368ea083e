"""Reads for evaluations. Every page's lists are fetched in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import reachable_library_heads
from documents.charts import Chart, Series, bar_chart, before_after_chart
from followup.models import Milestone
from municipalities.models import Contact, Position
from municipalities.permissions import is_staff_of
from notifications.models import PersonalLink
from projects.models import Goal, Indicator, Measurement, Participant, Project
from shell.start import Task, TaskSource

from . import results
from .models import (
    Answer,
    Conclusion,
    CorrectionChange,
    CourseCorrection,
    Kind,
    Lesson,
    MeasurementPeriod,
    Question,
    Questionnaire,
    Response,
    Round,
)

# ---------------------------------------------------------------- contracts


def published_conclusions(county):
    """Published mapping conclusions of the county's municipalities, newest first.

    For the public county page: each has `.municipality`, `.round.project`, `.published_on`,
    `.text` (Markdown) and `get_absolute_url()` (its public page)."""
    return (
        Conclusion.objects.filter(municipality__county=county, published_on__isnull=False)
        .select_related("municipality", "round__project")
        .order_by("-published_on", "-id")
    )


# ----------------------------------------------------------- questionnaires


def list_questionnaires(county):
    return (
        Questionnaire.objects.filter(county=county)
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("kind", "title")
    )


def get_questionnaire(user, pk) -> Questionnaire:
    """A questionnaire of a county the user is staff of; 404 otherwise."""
    return get_object_or_404(
        Questionnaire.objects.select_related("county").filter(county_id__in=user.access.staff_county_ids), pk=pk
    )


def questionnaires_for(project: Project, kind: str | None = None):
    queryset = Questionnaire.objects.filter(county_id=project.county_id)
    return (
        queryset.order_by(Case(When(kind=kind, then=Value(0)), default=Value(1), output_field=IntegerField()), "title")
        if kind
        else queryset
    )


# ------------------------------------------------------------------- rounds


def get_round(user, pk) -> Round:
    """A round of a project the user may read; 404 otherwise."""
    return get_object_or_404(
        Round.objects.filter(project__in=Project.objects.visible_to(user)).select_related(
            "project__county", "project__theme", "version__questionnaire", "opened_by", "closed_by"
        ),
        pk=pk,
    )


def responses_of(round_: Round) -> list[Response]:
    return list(
        round_.responses.select_related("participant__municipality", "user", "submitted_by").order_by(
            "participant__municipality__number", "user__name", "id"
        )
    )


def round_results(round_: Round, *, charts: bool = True) -> dict:
    """Everything the results page shows, in a fixed number of queries."""
    questions = list(round_.version.questions.all())
    responses = responses_of(round_)
    submitted = [r for r in responses if r.is_submitted]
    names = {r.pk: r.respondent_name for r in submitted}
    answers = list(
        Answer.objects.filter(response__in=[r.pk for r in submitted]).only(
            "response_id", "question_id", "text", "number", "choices", "boolean"
        )
    )
    question_by_pk = {q.pk: q for q in questions}
    for answer in answers:
        answer.question = question_by_pk.get(answer.question_id) or answer.question
    return {
        "questions": questions,
        "responses": responses,
        "submitted_count": len(submitted),
        "draft_count": sum(1 for r in responses if r.status == Response.Status.DRAFT),
        "results": results.aggregate(questions, answers, names, charts=charts),
    }


def answers_of(response: Response) -> list[tuple[Question, Answer | None]]:
    answers = {a.question_id: a for a in response.answers.all()}
    questions = list(response.version.questions.all())
    for question in questions:
        if question.pk in answers:
            answers[question.pk].question = question
    return [(question, answers.get(question.pk)) for question in questions]


@dataclass
class IndicatorRow:
    indicator: Indicator
    current: Measurement | None
    chart: Chart | None
    per_municipality: list = field(default_factory=list)  # [(municipality name, newest measurement)]


@dataclass
class GoalRow:
    goal: Goal
    indicators: list[IndicatorRow] = field(default_factory=list)


def goal_progress(project: Project) -> list[GoalRow]:
    """Goal by goal: each indicator's current value against its baseline and target, with a chart.

    Project-wide: the current value is the project's own (measured for no library); without one,
    each municipality's newest is given apart (`per_municipality`), never one library's as the project's."""
    measurements = Prefetch(
        "measurements",
        queryset=Measurement.objects.select_related("library__municipality").order_by("-measured_on", "-id"),
        to_attr="newest",
    )
    goals = Goal.objects.filter(project=project).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related(measurements))
    )
    rows = []
    for goal in goals:
        row = GoalRow(goal)
        for indicator in goal.indicators.all():
            current = next((m for m in indicator.newest if m.library_id is None), None)
            by_place = {}
            if current is None:
                for measurement in indicator.newest:
                    by_place.setdefault(measurement.library.municipality.name, measurement)
            values = [indicator.baseline, current.value if current else None, indicator.target]
            chart = None
            if any(v is not None for v in values) and all(v is None or v >= 0 for v in values):
                chart = bar_chart(
                    title=indicator.name,
                    labels=[_("Baseline"), _("Current value"), _("Target")],
                    values=values,
                    label_heading=_("Value"),
                    value_heading=indicator.unit or _("Value"),
                    decimals=0 if all(v is None or v == int(v) for v in values) else 2,
                    chart_id=f"indicator-{indicator.pk}",
                )
            row.indicators.append(IndicatorRow(indicator, current, chart, sorted(by_place.items())))
        rows.append(row)
    return rows


def corrections_of(project: Project):
    return (
        CourseCorrection.objects.filter(project=project)
        .select_related("recorded_by", "round")
        .prefetch_related(
            Prefetch("changes", queryset=CorrectionChange.objects.select_related("milestone", "goal", "indicator"))
        )
    )


def get_correction(user, pk) -> CourseCorrection:
    return get_object_or_404(
        CourseCorrection.objects.filter(project__in=Project.objects.visible_to(user)).select_related(
            "project__county", "round", "recorded_by"
        ),
        pk=pk,
    )


# ------------------------------------------------------------ project summary


def project_summary(project: Project, user) -> dict:
    """What the project page shows about evaluations (a fixed number of queries)."""
    is_staff = is_staff_of(user, project.county_id)
    rounds = list(
        Round.objects.filter(project=project)
        .annotate(
            submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
            asked=Count("responses"),
        )
        .order_by("-opened_at")
    )
    today = timezone.localdate()
    has_midterm = any(r.kind == Kind.MIDTERM for r in rounds)
    half = project.start_on + (project.end_on - project.start_on) / 2
    my_responses = []
    if not is_staff:
        my_responses = list(
            Response.objects.visible_to(user)
            .filter(round__project=project, round__status=Round.Status.OPEN)
            .exclude(participant__status="withdrawn")
            .select_related("round", "participant__municipality")
        )
    # The caller shows the project, so the user may read it and the plan's changes (those of another
    # municipality's milestones excepted).
    changes = list(
        visible_changes(user, CorrectionChange.objects.filter(correction__project=project))
        .select_related("correction", "milestone")
        .order_by("-changed_at", "-id")[:20]
    )
    return {
        "rounds": rounds if is_staff else [],
        "is_staff": is_staff,
        "propose_midterm": is_staff and project.status == Project.Status.ACTIVE and not has_midterm and today >= half,
        "propose_final": is_staff
        and project.status == Project.Status.CLOSING
        and not any(r.kind == Kind.FINAL for r in rounds),
        "has_midterm": has_midterm,
        "my_responses": my_responses,
        "changes": changes,
        "lesson_count": Lesson.objects.filter(project=project).count() if is_staff else 0,
    }


# ------------------------------------------------------- measurements (TTT)


@dataclass
class LibraryValues:
    library: object
    before: list = field(default_factory=list)
    after: list = field(default_factory=list)

    @staticmethod
    def _mean(values):
        if not values:
            return None
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))

    @property
    def before_mean(self):
        return self._mean(self.before)

    @property
    def after_mean(self):
        return self._mean(self.after)


@dataclass
class TTTIndicator:
    indicator: Indicator
    libraries: list[LibraryValues]
    chart: Chart | None


def ttt_overview(project: Project, libraries) -> list[TTTIndicator]:
    """Per measurement indicator: per library the average of its before and after values, and the chart."""
    indicators = list(Indicator.objects.filter(project=project, goal__isnull=True).order_by("name", "id"))
    values = defaultdict(lambda: defaultdict(lambda: {"before": [], "after": []}))
    for indicator_id, library_id, period, value in Measurement.objects.filter(
        indicator__in=indicators, library__isnull=False, period__in=["before", "after"]
    ).values_list("indicator_id", "library_id", "period", "value"):
        values[indicator_id][library_id][period].append(value)
    overview = []
    for indicator in indicators:
        rows = []
        for library in libraries:
            found = values[indicator.pk].get(library.pk)
            if found:
                rows.append(LibraryValues(library, found["before"], found["after"]))
        chart = None
        if rows:
            label = lambda row: row.library.name  # noqa: E731
            chart = before_after_chart(
                title=indicator.name + (f" ({indicator.unit})" if indicator.unit else ""),
                labels=[label(row) for row in rows],
                before=Series(_("Before"), [row.before_mean for row in rows]),
                after=Series(_("After"), [row.after_mean for row in rows]),
                label_heading=_("Library"),
                decimals=1,
                description=_("Average of the values counted in each period."),
                chart_id=f"ttt-{indicator.pk}",
            )
        overview.append(TTTIndicator(indicator, rows, chart))
    return overview


def periods_of(project: Project) -> dict[str, MeasurementPeriod]:
    return {p.period: p for p in MeasurementPeriod.objects.filter(project=project)}


def readable_libraries(user, project: Project):
    """The measuring libraries (see `services.measurements.measuring_libraries`) whose counts the user may read:
    all of them for the county's staff and the project's experts, a municipality's own for its users."""
    from .services.measurements import measuring_libraries

    libraries = measuring_libraries(project)
    readable = Participant.objects.visible_to(user).filter(project=project).values("municipality_id")
    return libraries.filter(municipality_id__in=readable)


def recent_measurements(project: Project, *, libraries, limit: int = 50):
    """The latest values entered for `libraries` (those the reader may read)."""
    queryset = Measurement.objects.filter(
        indicator__project=project, indicator__goal__isnull=True, library__in=[library.pk for library in libraries]
    )
    return queryset.select_related("indicator", "library", "recorded_by").order_by("-recorded_at", "-id")[:limit]


def visible_changes(user, changes):
    """Course-correction changes as the user may see them: a change to another municipality's
    milestone is that municipality's (see `Milestone.objects.visible_to`)."""
    return changes.filter(Q(milestone__isnull=True) | Q(milestone__in=Milestone.objects.visible_to(user)))


# ------------------------------------------------------------------ lessons

SECTION_ORDER = Case(
    *[When(section=value, then=Value(number)) for number, value in enumerate(Lesson.SECTION_ORDER)],
    output_field=IntegerField(),
)


def list_lessons(county, *, search: str = "", project=None, theme=None, kind: str = "", section: str = "", ids=None):
    lessons = Lesson.objects.filter(county=county).select_related("project", "theme")
    if search:
        lessons = lessons.filter(Q(text__icontains=search) | Q(project__title__icontains=search))
    if project is not None:
        lessons = lessons.filter(project=project)
    if theme is not None:
        lessons = lessons.filter(theme=theme)
    if kind:
        lessons = lessons.filter(kind=kind)
    if section:
        lessons = lessons.filter(section=section)
    if ids:
        lessons = lessons.filter(pk__in=ids)
    return lessons.annotate(section_order=SECTION_ORDER).order_by(
        "section_order", "-project__end_on", "project_id", "order", "id"
    )


def by_section(lessons) -> list[tuple[str, list[Lesson]]]:
    """All five sections in the seed's order, each with its lessons (possibly none)."""
    grouped = defaultdict(list)
    for lesson in lessons:
        grouped[lesson.section].append(lesson)
    return [(Lesson.Section(value).label, grouped[value]) for value in Lesson.SECTION_ORDER]


def get_lesson(project: Project, pk) -> Lesson:
    lesson = Lesson.objects.filter(project=project, pk=pk).select_related("theme").first()
    if lesson is None:
        raise Http404
    return lesson


@dataclass(frozen=True)
class Audience:
    """Who an evaluation goes to: how many are asked, and the municipalities nobody there can be
    reached in (no library head with an e-mail address), so the page can say so before and after."""

    total: int
    unreachable: list = field(default_factory=list)  # Municipality
    by_link: list = field(default_factory=list)  # Municipality: reached through a contact's personal link

    @property
    def reached(self) -> int:
        return self.total - len(self.unreachable)


def round_audience(project: Project, *, include_experts: bool) -> Audience:
    """Before a round is opened: the participants taking part (and the experts, if asked)."""
    municipalities = [
        p.municipality
        for p in project.participants.taking_part().select_related("municipality").order_by("municipality__name")
    ]
    reachable = reachable_library_heads(m.pk for m in municipalities)
    by_link = head_contacts_without_login(m.pk for m in municipalities if m.pk not in reachable)
    experts = project.experts.filter(user__is_active=True).count() if include_experts else 0
    return Audience(
        total=len(municipalities) + experts,
        unreachable=[m for m in municipalities if m.pk not in reachable and m.pk not in by_link],
        by_link=[m for m in municipalities if m.pk in by_link],
    )


def round_reach(round_: Round) -> Audience:
    """After a round is opened: its responses, and the municipalities whose library head got nothing."""
    responses = list(round_.responses.select_related("participant__municipality"))
    municipalities = [r.participant.municipality for r in responses if r.participant_id]
    reachable = reachable_library_heads(m.pk for m in municipalities)
    by_link = head_contacts_without_login(m.pk for m in municipalities if m.pk not in reachable)
    return Audience(
        total=len(responses),
        unreachable=sorted(
            (m for m in municipalities if m.pk not in reachable and m.pk not in by_link), key=lambda m: m.name
        ),
        by_link=sorted((m for m in municipalities if m.pk in by_link), key=lambda m: m.name),
    )


def head_contacts_without_login(municipality_ids) -> dict[int, list[Contact]]:
    """{municipality id: its library-head contacts with an e-mail address and no active login}: whom a
    round reaches with a personal link where no library head can log in."""
    found: dict[int, list[Contact]] = {}
    ids = list(municipality_ids)
    if not ids:
        return found
    contacts = (
        Contact.objects.filter(municipality_id__in=ids, position__code=Position.Code.LIBRARY_HEAD)
        .exclude(email="")
        .exclude(user__is_active=True)
        .order_by("name", "pk")
    )
    for contact in contacts:
        found.setdefault(contact.municipality_id, []).append(contact)
    return found


def response_links(round_: Round) -> list:
    """The personal links sent for the round's responses, newest first (for its staff)."""
    return list(
        PersonalLink.objects.filter(
            purpose=PersonalLink.Purpose.EVALUATION_RESPONSE, object_id__in=round_.responses.values("pk")
        ).select_related("contact")
    )


# -------------------------------------------------------------- the to-do list


def _answer_tasks(rows, total):
    return [
        Task(
            text=_("Answer the evaluation: %(title)s") % {"title": response.round.title},
            url=response.get_absolute_url(),
            due_on=response.round.deadline,
            detail=response.round.project.title
            + (f" · {response.participant.municipality.name}" if response.participant_id else ""),
        )
        for response in rows
    ]


def _unanswered(today):
    return Response.objects.filter(round__status=Round.Status.OPEN, round__deadline__gte=today).exclude(
        status=Response.Status.SUBMITTED
    )


def _listed_responses(rows):
    return rows.select_related("round__project", "participant__municipality").order_by("round__deadline", "id")


def answer_source(municipality_ids, *, today) -> TaskSource:
    """Open rounds a library head's municipalities have not answered, until the end of the deadline day."""
    return TaskSource(
        key="answers",
        rows=_unanswered(today).filter(participant__municipality_id__in=list(municipality_ids)),
        tasks=_answer_tasks,
        listed=_listed_responses,
    )


def expert_answer_source(user, *, today) -> TaskSource:
    """Open rounds an external expert is asked to answer and has not."""
    return TaskSource(
        key="expert-answers", rows=_unanswered(today).filter(user=user), tasks=_answer_tasks, listed=_listed_responses
    )


def ttt_source(municipality_ids, *, period: str, today) -> TaskSource:
    """Participations whose before (or after) period has begun while none of the municipality's libraries
    has entered a value for it: the library head enters them (TTT)."""
    periods = MeasurementPeriod.objects.filter(project_id=OuterRef("project_id"), period=period)
    counted = Indicator.objects.filter(project_id=OuterRef("project_id"), goal__isnull=True)
    entered = Measurement.objects.filter(
        indicator__project_id=OuterRef("project_id"),
        indicator__goal__isnull=True,
        period=period,
        library__municipality_id=OuterRef("municipality_id"),
    )
    rows = (
        Participant.objects.taking_part()
        .filter(municipality_id__in=list(municipality_ids))
        .exclude(project__status=Project.Status.CLOSED)
        .filter(Exists(periods.filter(starts_on__lte=today)), Exists(counted), ~Exists(entered))
    )
    label = _("before") if period == "before" else _("after")

    def tasks(rows, total):
        return [
            Task(
                text=_("Enter the counted values (%(period)s)") % {"period": label},
                url=reverse("evaluations:ttt-record", kwargs={"pk": p.project_id}),
                due_on=p.period_ends_on,
                detail=f"{p.project.title} · {p.municipality.name}",
            )
            for p in rows
        ]

    return TaskSource(
        key=f"ttt-{period}",
        rows=rows,
        tasks=tasks,
        listed=lambda rows: (
            rows.select_related("project", "municipality")
            .annotate(period_ends_on=Subquery(periods.values("ends_on")[:1]))
            .order_by("project__title", "municipality__number")
        ),
    )


def closing_round_source(county_ids, *, today) -> TaskSource:
    """Open rounds of the counties' projects whose deadline is within the coming week."""

    def tasks(rows, total):
        return [
            Task(
                text=_("The evaluation closes: %(title)s") % {"title": r.title},
                url=r.get_absolute_url(),
                due_on=r.deadline,
                detail=r.project.title,
            )
            for r in rows
        ]

    return TaskSource(
        key="closing-rounds",
        rows=Round.objects.filter(
            project__county_id__in=county_ids,
            status=Round.Status.OPEN,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=7),
        ),
        tasks=tasks,
        listed=lambda rows: rows.select_related("project").order_by("deadline", "id"),
    )
