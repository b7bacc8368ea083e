"""Spreadsheet exports of evaluations: a round's results, a project's before/after (TTT) measurements and
the lessons-log selection. Registered in EvaluationsConfig.ready() as kinds of `documents.exports`.

- Round results (the county's staff, as the results page: `access_round`): one sheet of answers per type
  of question the questionnaire has (a row per submitted answer), and one sheet that sums up each question.
- TTT measurements: the values of the libraries the user may read (`readable_libraries`: a municipality's
  users their own libraries only).
- Lessons: the log's selection, as filtered (the county's staff).
"""

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.exports import Export
from documents.spreadsheet import Column, Kind, Table
from municipalities.selectors import get_county_for_staff
from projects.access import access_project
from projects.models import Measurement

from . import selectors
from .access import access_round
from .forms import LessonFilterForm
from .models import Answer, Question

CHUNK = 2000
ANSWER_KIND = {
    Question.Type.TEXT: Kind.TEXT,
    Question.Type.SCALE: Kind.INTEGER,
    Question.Type.NUMBER: Kind.DECIMAL,
    Question.Type.SINGLE: Kind.TEXT,
    Question.Type.MULTIPLE: Kind.TEXT,
    Question.Type.YES_NO: Kind.TEXT,
}

SUMMARY_COLUMNS = [
    Column(gettext_lazy("No."), Kind.INTEGER),
    Column(gettext_lazy("Question")),
    Column(gettext_lazy("Type of answer")),
    Column(gettext_lazy("Answered"), Kind.INTEGER),
    Column(gettext_lazy("Mean"), Kind.DECIMAL),
    Column(gettext_lazy("Lowest"), Kind.DECIMAL),
    Column(gettext_lazy("Highest"), Kind.DECIMAL),
    Column(gettext_lazy("Distribution"), width=50),
]


def _answer_value(answer: Answer, question: Question):
    kind = question.type
    if kind == Question.Type.YES_NO:
        return None if answer.boolean is None else (_("Yes") if answer.boolean else _("No"))
    if kind == Question.Type.MULTIPLE:
        return ", ".join(answer.choices)
    return answer.value


def _answer_rows(answers, question_type, questions, names, submitted_at):
    number = {question.pk: index for index, question in enumerate(questions, start=1)}
    by_pk = {question.pk: question for question in questions}
    for answer in answers:
        question = by_pk[answer.question_id]
        if question.type != question_type or answer.is_empty:
            continue
        yield [
            names[answer.response_id],
            number[question.pk],
            question.text,
            _answer_value(answer, question),
            submitted_at[answer.response_id],
        ]


def _summary_rows(questions, aggregated):
    for index, result in enumerate(aggregated, start=1):
        distribution = "; ".join(f"{b.label}: {b.count} ({str(b.percent).replace('.', ',')} %)" for b in result.buckets)
        yield [
            index,
            result.question.text,
            result.question.get_type_display(),
            result.answered,
            result.mean,
            result.minimum,
            result.maximum,
            distribution or None,
        ]


def round_export(user, params: dict) -> Export:
    round_ = access_round(user, params.get("round"))
    data = selectors.round_results(round_, charts=False)
    questions = data["questions"]
    submitted = [response for response in data["responses"] if response.is_submitted]
    names = {response.pk: response.respondent_name for response in submitted}
    submitted_at = {response.pk: response.submitted_at for response in submitted}
    answers = list(
        Answer.objects.filter(response__in=list(names))
        .order_by("response_id", "question_id")
        .only("response_id", "question_id", "text", "number", "choices", "boolean")
    )
    by_pk = {question.pk: question for question in questions}
    for answer in answers:
        answer.question = by_pk.get(answer.question_id) or answer.question
    tables = []
    for question_type, label in Question.Type.choices:
        if not any(question.type == question_type for question in questions):
            continue
        columns = [
            Column(gettext_lazy("Respondent")),
            Column(gettext_lazy("No."), Kind.INTEGER),
            Column(gettext_lazy("Question")),
            Column(gettext_lazy("Answer"), ANSWER_KIND[question_type], width=60 if question_type == "text" else None),
            Column(gettext_lazy("Submitted"), Kind.DATETIME),
        ]
        name = _("Answers – %(type)s") % {"type": label}
        tables.append(Table(name, columns, _answer_rows(answers, question_type, questions, names, submitted_at)))
    tables.append(Table(gettext_lazy("Summary"), SUMMARY_COLUMNS, _summary_rows(questions, data["results"])))
    return Export(
        filename=f"evaluering-{round_.pk}",
        title=_("Evaluation: %(round)s") % {"round": round_.title},
        tables=tables,
        count=len(answers) + len(questions),
        back_url=reverse("evaluations:round-detail", kwargs={"pk": round_.pk}),
    )


TTT_COLUMNS = [
    Column(gettext_lazy("Indicator")),
    Column(gettext_lazy("Unit")),
    Column(gettext_lazy("Municipality")),
    Column(gettext_lazy("Library")),
    Column(gettext_lazy("Period")),
    Column(gettext_lazy("Measured on"), Kind.DATE),
    Column(gettext_lazy("Value"), Kind.DECIMAL),
    Column(gettext_lazy("Note")),
]


def _ttt_rows(measurements):
    for measurement in measurements.iterator(chunk_size=CHUNK):
        yield [
            measurement.indicator.name,
            measurement.indicator.unit,
            measurement.library.municipality.name,
            measurement.library.name,
            measurement.get_period_display(),
            measurement.measured_on,
            measurement.value,
            measurement.note,
        ]


def ttt_export(user, params: dict) -> Export:
    project = access_project(user, params.get("project"))
    libraries = selectors.readable_libraries(user, project)
    measurements = (
        Measurement.objects.filter(
            indicator__project=project, indicator__goal__isnull=True, library__in=libraries.values("pk")
        )
        .select_related("indicator", "library__municipality")
        .order_by(
            "indicator__name", "indicator_id", "library__municipality__name", "library__name", "measured_on", "id"
        )
    )
    return Export(
        filename=f"ttt-prosjekt-{project.pk}",
        title=_("Before and after: %(project)s") % {"project": project.title},
        tables=[Table(gettext_lazy("Before and after"), TTT_COLUMNS, _ttt_rows(measurements))],
        count=measurements.count(),
        back_url=reverse("evaluations:ttt", kwargs={"pk": project.pk}),
    )


LESSON_COLUMNS = [
    Column(gettext_lazy("Section")),
    Column(gettext_lazy("Lesson"), width=80),
    Column(gettext_lazy("Project")),
    Column(gettext_lazy("Theme")),
    Column(gettext_lazy("Kind")),
    Column(gettext_lazy("Written"), Kind.DATE),
]


def _lesson_rows(lessons):
    for lesson in lessons.iterator(chunk_size=CHUNK):
        yield [
            lesson.get_section_display(),
            lesson.text,
            lesson.project.title,
            lesson.theme.name if lesson.theme_id else None,
            lesson.get_kind_display(),
            lesson.created_at,
        ]


def filtered_lessons(county, params: dict):
    """The lessons log's selection, from its filter's parameters (name -> list of values, as the query
    string had them), as the page and its other exports make it."""
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, [str(value) for value in (values if isinstance(values, list) else [values])])
    filters = LessonFilterForm(query or None, county=county)
    data = filters.cleaned_data if filters.is_valid() else {}
    return selectors.list_lessons(
        county,
        search=data.get("q", ""),
        project=data.get("project"),
        theme=data.get("theme"),
        kind=data.get("kind", ""),
        section=data.get("section", ""),
        ids=data.get("id") or None,
    )


def lessons_export(user, params: dict) -> Export:
    county = get_county_for_staff(user, params.get("number", ""))
    lessons = filtered_lessons(county, params.get("filters") or {}).select_related("project", "theme")
    return Export(
        filename=f"erfaringer-{county.number}-{timezone.localdate():%Y-%m-%d}",
        title=_("Lessons learned – %(county)s") % {"county": county.name},
        tables=[Table(gettext_lazy("Lessons learned"), LESSON_COLUMNS, _lesson_rows(lessons))],
        count=lessons.count(),
        back_url=reverse("evaluations:lessons-log", kwargs={"number": county.number}),
    )
