"""Answers: a question's form field, normalising and storing values, saving or submitting a response."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import links
from notifications.models import PersonalLink
from projects.models import Participant
from shell.history import records_by
from shell.writes import save_changes

from ..models import (
    Answer,
    Question,
    Response,
)
from ..permissions import can_answer
from .base import EvaluationError


def question_field(question: Question) -> str:
    return f"q{question.pk}"


def _normalise(question: Question, value):
    """The stored shape of one answer, or a ValidationError on the question's field."""
    field = question_field(question)
    kind = question.type
    if value in (None, "", []):
        return None
    if kind == Question.Type.TEXT:
        return str(value).strip() or None
    if kind == Question.Type.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number not in Question.SCALE_VALUES:
            raise ValidationError({field: _("Choose a value from 1 to 5.")})
        return Decimal(number)
    if kind == Question.Type.NUMBER:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError({field: _("Enter a number.")}) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValidationError({field: _("Enter a number.")})
        return number.quantize(Decimal("0.01"))
    if kind == Question.Type.YES_NO:
        if isinstance(value, bool):
            return value
        if value in ("yes", "no"):
            return value == "yes"
        raise ValidationError({field: _("Answer yes or no.")})
    chosen = [value] if isinstance(value, str) else list(value)
    if any(option not in question.options for option in chosen):
        raise ValidationError({field: _("Choose among the options given.")})
    if kind == Question.Type.SINGLE and len(chosen) != 1:
        raise ValidationError({field: _("Choose one option.")})
    return [option for option in question.options if option in chosen]  # the questionnaire's order


ANSWER_FIELDS = ["text", "number", "choices", "boolean"]


def _store(answer: Answer, question: Question, value) -> None:
    answer.text, answer.number, answer.choices, answer.boolean = "", None, [], None
    if question.type == Question.Type.TEXT:
        answer.text = value
    elif question.type in (Question.Type.SCALE, Question.Type.NUMBER):
        answer.number = value
    elif question.type == Question.Type.YES_NO:
        answer.boolean = value
    else:
        answer.choices = value


@records_by
@transaction.atomic
def save_response(*, response: Response, by, values: dict, submit: bool = False, link=None) -> Response:
    """Saves the answers as a draft, or submits them (once; required questions must be answered).
    With `link` (and `by` None), a library-head contact without a login answers through their personal
    link (notifications.links), which submitting uses up.

    `values` maps question pk to the answer. Raises EvaluationError when the user may not answer,
    the response is already submitted, the round is closed or its deadline has passed.
    """
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("round__project", "participant__municipality", "user")
        .get(pk=response.pk)
    )
    round_ = response.round
    if link is not None:
        _check_link(response, link)
    elif not can_answer(by, response):
        raise EvaluationError(_("You are not asked to answer this evaluation."))
    if response.is_submitted:
        raise EvaluationError(_("The answers were already submitted and can no longer be changed."))
    if not round_.is_open or round_.project.is_closed:
        raise EvaluationError(_("The evaluation is closed."))
    if round_.is_past_deadline:
        raise EvaluationError(_("The deadline has passed: answers are no longer taken."))
    questions = list(response.version.questions.all())
    cleaned, errors = {}, {}
    for question in questions:
        try:
            cleaned[question.pk] = _normalise(question, values.get(question.pk))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if submit and question.is_required and cleaned[question.pk] is None:
            errors[question_field(question)] = [_("This question must be answered.")]
    if errors:
        raise ValidationError(errors)
    existing = {answer.question_id: answer for answer in response.answers.all()}
    for question in questions:
        value, answer = cleaned[question.pk], existing.get(question.pk)
        if value is None:
            if answer is not None:
                answer.delete()
            continue
        answer = answer or Answer(response=response, question=question)
        _store(answer, question, value)
        save_changes(answer, ANSWER_FIELDS)
    now = timezone.now()
    response.saved_at = now
    fields = ["saved_at", "status"]
    if submit:
        response.status, response.submitted_at, response.submitted_by = Response.Status.SUBMITTED, now, by
        fields += ["submitted_at", "submitted_by"]
    else:
        response.status = Response.Status.DRAFT
    response.save(update_fields=fields)
    if submit and link is not None:
        links.use_link(link)
    return response


def _check_link(response: Response, link: PersonalLink) -> None:
    link = PersonalLink.objects.select_for_update().get(pk=link.pk)
    if link.purpose != PersonalLink.Purpose.EVALUATION_RESPONSE or link.object_id != response.pk:
        raise EvaluationError(_("You are not asked to answer this evaluation."))
    problem, _status = links.problem_of(link)
    if problem:
        raise EvaluationError(problem)
    if link.verified_at is None:
        raise EvaluationError(_("Confirm your e-mail address with the code first."))
    if response.participant_id is None or response.participant.status == Participant.Status.WITHDRAWN:
        raise EvaluationError(_("You are not asked to answer this evaluation."))
