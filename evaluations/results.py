"""Aggregating answers: per question the distribution and mean, or every free-text answer.

`aggregate` is a pure function over questions and answers already in memory, so the
results page costs the same number of queries for 5 and for 50 respondents, and the
arithmetic can be tested with generated answer sets. Only submitted responses may be
passed in: drafts are not counted.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from documents.charts import Chart, bar_chart

from .models import Answer, Question

TWO_PLACES = Decimal("0.01")


@dataclass
class Bucket:
    label: str
    count: int
    percent: Decimal  # of those who answered the question


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    buckets: list[Bucket] = field(default_factory=list)
    mean: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (respondent, text)
    chart: Chart | None = None

    @property
    def has_distribution(self) -> bool:
        return self.question.type not in (Question.Type.TEXT, Question.Type.NUMBER)


def _percent(count: int, total: int) -> Decimal:
    if not total:
        return Decimal("0")
    return (Decimal(count) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def scale_label(question: Question, value: int) -> str:
    if value == 1 and question.low_label:
        return f"1 – {question.low_label}"
    if value == 5 and question.high_label:
        return f"5 – {question.high_label}"
    return str(value)


def _labelled_counts(question: Question, answers: list[Answer]) -> list[tuple[str, int]]:
    """Counts per possible answer, in the questionnaire's order; a value the questionnaire does not
    (or no longer) offer is counted under its own label, so the counts always add up."""
    kind = question.type
    if kind == Question.Type.SCALE:
        counts = Counter(int(a.number) for a in answers)
        known = [(scale_label(question, v), counts.pop(v, 0)) for v in Question.SCALE_VALUES]
    elif kind == Question.Type.YES_NO:
        counts = Counter(a.boolean for a in answers)
        known = [(_("Yes"), counts.pop(True, 0)), (_("No"), counts.pop(False, 0))]
    else:
        counts = Counter(option for a in answers for option in a.choices)
        known = [(option, counts.pop(option, 0)) for option in question.options]
    return known + [(str(value), count) for value, count in sorted(counts.items(), key=lambda item: str(item[0]))]


def aggregate(
    questions, answers, respondent_names: dict | None = None, *, charts: bool = False
) -> list[QuestionResult]:
    """One result per question. `answers` are the answers of submitted responses; empty answers
    are ignored. `respondent_names` maps response id to the name shown with a free-text answer."""
    names = respondent_names or {}
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        if not answer.is_empty:
            by_question.setdefault(answer.question_id, []).append(answer)
    results = []
    for question in questions:
        given = by_question.get(question.pk, [])
        result = QuestionResult(question=question, answered=len(given))
        if question.type == Question.Type.TEXT:
            result.texts = [(names.get(a.response_id, ""), a.text) for a in given]
        elif question.type == Question.Type.NUMBER:
            values = [a.number for a in given]
            result.mean = _mean(values)
            result.minimum, result.maximum = (min(values), max(values)) if values else (None, None)
        else:
            result.buckets = [
                Bucket(label, count, _percent(count, result.answered))
                for label, count in _labelled_counts(question, given)
            ]
            if question.type == Question.Type.SCALE:
                result.mean = _mean([a.number for a in given])
            if charts:
                result.chart = bar_chart(
                    title=question.text,
                    labels=[b.label for b in result.buckets],
                    values=[b.count for b in result.buckets],
                    label_heading=_("Answer"),
                    value_heading=_("Number of answers"),
                    chart_id=f"question-{question.pk}",
                )
        results.append(result)
    return results
