"""Changes in evaluations. Each function is one transaction.

Errors the user can correct on a form field are `ValidationError({field: message})`;
a state that forbids the change is `EvaluationError`.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from notifications.services import queue_templated_email
from projects import services as project_services
from projects.models import Goal, Indicator, Project
from projects.services import ensure_open
from followup.models import Milestone
from shell.history import records_by
from shell.writes import save_changes

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
    QuestionnaireVersion,
    Response,
    Round,
)
from .permissions import can_answer


class EvaluationError(Exception):
    """The change is not possible in the current state; the message is for the user."""


# -------------------------------------------------------------- questionnaires


def current_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    return questionnaire.versions.order_by("-number").first()


def version_has_answers(version: QuestionnaireVersion) -> bool:
    """Drafts count: their answers point at the version's questions too."""
    return Answer.objects.filter(question__version=version).exists() or version.responses.filter(
        status=Response.Status.SUBMITTED
    ).exists()


@records_by
@transaction.atomic
def create_questionnaire(*, county, by, title: str, kind: str, description: str = "") -> Questionnaire:
    if Questionnaire.objects.filter(county=county, title=title).exists():
        raise ValidationError({"title": _("The county already has a questionnaire with this title.")})
    questionnaire = Questionnaire.objects.create(
        county=county, title=title, kind=kind, description=description, created_by=by
    )
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1, created_by=by)
    return questionnaire


@records_by
@transaction.atomic
def update_questionnaire(*, questionnaire: Questionnaire, by, title: str, kind: str, description: str = "") -> Questionnaire:
    """Title, purpose and introduction are not answered, so they change in place."""
    if Questionnaire.objects.filter(county=questionnaire.county, title=title).exclude(pk=questionnaire.pk).exists():
        raise ValidationError({"title": _("The county already has a questionnaire with this title.")})
    questionnaire.title, questionnaire.kind, questionnaire.description = title, kind, description
    questionnaire.save(update_fields=["title", "kind", "description"])
    return questionnaire


@records_by
@transaction.atomic
def version_for_edit(*, questionnaire: Questionnaire, by) -> QuestionnaireVersion:
    """The version edits go into: the current one, or a copy of it when it has answers."""
    Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    version = current_version(questionnaire)
    if not version_has_answers(version):
        return version
    copy = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=version.number + 1, created_by=by)
    Question.objects.bulk_create(
        [
            Question(
                version=copy, key=q.key, order=q.order, type=q.type, text=q.text, help_text=q.help_text,
                is_required=q.is_required, options=list(q.options), low_label=q.low_label, high_label=q.high_label,
            )
            for q in version.questions.all()
        ]
    )
    return copy


def _clean_question(fields: dict) -> dict:
    kind = fields["type"]
    options = [o.strip() for o in fields.get("options") or [] if o and o.strip()]
    if kind in Question.CHOICE_TYPES:
        if len(options) < 2:
            raise ValidationError({"options": _("Give at least two options, one per line.")})
        if len(set(options)) != len(options):
            raise ValidationError({"options": _("Each option must be different.")})
    else:
        options = []
    fields["options"] = options
    if kind != Question.Type.SCALE:
        fields["low_label"] = fields["high_label"] = ""
    return fields


QUESTION_FIELDS = ("type", "text", "help_text", "is_required", "options", "low_label", "high_label", "order")


@records_by
@transaction.atomic
def save_question(*, questionnaire: Questionnaire, by, question: Question | None = None, **fields) -> Question:
    """Adds or changes a question. A version with answers is never changed: the change goes into
    a new version (answers keep pointing at the version they answered)."""
    fields = _clean_question({k: v for k, v in fields.items() if k in QUESTION_FIELDS})
    version = version_for_edit(questionnaire=questionnaire, by=by)
    if question is None:
        target = Question(version=version)
        if fields.get("order") is None:
            fields["order"] = (version.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    else:
        target = version.questions.get(key=question.key)
        if fields.get("order") is None:
            fields["order"] = target.order
    for name, value in fields.items():
        setattr(target, name, value)
    save_changes(target, fields)
    return target


@records_by
@transaction.atomic
def delete_question(*, questionnaire: Questionnaire, question: Question, by) -> QuestionnaireVersion:
    version = version_for_edit(questionnaire=questionnaire, by=by)
    version.questions.filter(key=question.key).delete()
    return version


# ------------------------------------------------------------------- rounds

def _round_title(kind: str, project: Project) -> str:
    titles = {
        Kind.MAPPING: _("Mapping: %(project)s"),
        Kind.MIDTERM: _("Mid-term evaluation: %(project)s"),
        Kind.FINAL: _("Final evaluation: %(project)s"),
        Kind.OTHER: _("Evaluation: %(project)s"),
    }
    return titles[Kind(kind)] % {"project": project.title}


def respondent_users(response: Response) -> list[User]:
    """Who is asked to answer a response: the municipality's library heads, or the expert."""
    if response.user_id:
        return [response.user] if response.user.is_active else []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.LIBRARY_HEAD,
            memberships__municipality_id=response.participant.municipality_id,
        ).distinct()
    )


def _mail_respondents(response: Response, *, template: str, key: str) -> int:
    round_ = response.round
    sent = 0
    for user in respondent_users(response):
        queue_templated_email(
            template=f"evaluations/email/{template}",
            context={"round": round_, "project": round_.project, "response": response, "user": user,
                     "answer_path": reverse("evaluations:response", kwargs={"pk": round_.pk, "response_pk": response.pk})},
            to=user.email,
            user=user,
            kind="evaluation",
            county=round_.project.county,
            about=round_,
            idempotency_key=f"evaluation-{key}:{response.pk}:{user.pk}",
        )
        sent += 1
    return sent


@records_by
@transaction.atomic
def open_round(
    *, project: Project, by, kind: str, questionnaire: Questionnaire, deadline: date, include_experts: bool = False,
    title: str = "",
) -> Round:
    """Sends the questionnaire's current version to every taking-part participant (answered by its
    library head) and, if asked, to the attached experts; e-mails them through the outbox."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open(project, error=EvaluationError)
    if questionnaire.county_id != project.county_id:
        raise ValidationError({"questionnaire": _("Choose one of the county's questionnaires.")})
    version = current_version(questionnaire)
    if not version.questions.exists():
        raise ValidationError({"questionnaire": _("The questionnaire has no questions yet.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if project.evaluation_rounds.filter(kind=kind, status=Round.Status.OPEN).exists():
        raise ValidationError({"kind": _("An evaluation of this kind is already open for the project.")})
    participants = list(project.participants.taking_part().select_related("municipality"))
    experts = list(project.experts.select_related("user")) if include_experts else []
    if not participants and not experts:
        raise ValidationError({"kind": _("Nobody to ask: the project has no participants yet.")})
    round_ = Round.objects.create(
        project=project, kind=kind, title=title.strip() or _round_title(kind, project), version=version,
        deadline=deadline, include_experts=include_experts, opened_by=by,
    )
    responses = Response.objects.bulk_create(
        [Response(round=round_, version=version, participant=p) for p in participants]
        + [Response(round=round_, version=version, user=e.user) for e in experts]
    )
    for response in responses:
        response.round = round_
        _mail_respondents(response, template="invitation", key="invitation")
    return round_


def participants_not_asked(round: Round):
    """Participants taking part now that the round has no response for (they joined later)."""
    return round.project.participants.taking_part().exclude(pk__in=round.responses.filter(
        participant__isnull=False).values("participant_id")).select_related("municipality")


@records_by
@transaction.atomic
def ask_new_participants(*, round: Round, by) -> int:
    """Sends an open round to the participants who joined after it was opened. Returns how many."""
    round_ = Round.objects.select_for_update().select_related("project").get(pk=round.pk)
    if not round_.is_open or round_.is_past_deadline:
        raise EvaluationError(_("Only an open evaluation before its deadline can be sent to more participants."))
    ensure_open(round_.project, error=EvaluationError)
    responses = Response.objects.bulk_create(
        [Response(round=round_, version=round_.version, participant=p) for p in participants_not_asked(round_)]
    )
    for response in responses:
        response.round = round_
        _mail_respondents(response, template="invitation", key="invitation")
    return len(responses)


@records_by
@transaction.atomic
def close_round(*, round: Round, by) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if not round_.is_open:
        raise EvaluationError(_("The evaluation is already closed."))
    round_.status, round_.closed_at, round_.closed_by = Round.Status.CLOSED, timezone.now(), by
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    return round_


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
def save_response(*, response: Response, by, values: dict, submit: bool = False) -> Response:
    """Saves the answers as a draft, or submits them (once; required questions must be answered).

    `values` maps question pk to the answer. Raises EvaluationError when the user may not answer,
    the response is already submitted, the round is closed or its deadline has passed.
    """
    response = Response.objects.select_for_update(of=("self",)).select_related(
        "round__project", "participant__municipality", "user"
    ).get(pk=response.pk)
    round_ = response.round
    if not can_answer(by, response):
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
    return response


def send_reminders(*, today: date | None = None) -> int:
    """Daily: respondents who have not submitted are reminded once, the county's number of days
    before the deadline (or later, if the round opened inside that window). Returns e-mails queued."""
    today = today or timezone.localdate()
    queued = 0
    rounds = Round.objects.open().filter(deadline__gte=today).select_related("project__county")
    for round_ in rounds:
        if today < round_.deadline - timedelta(days=round_.project.county.evaluation_reminder_days):
            continue
        if round_.project.is_closed:
            continue
        with transaction.atomic():
            pending = round_.responses.exclude(status=Response.Status.SUBMITTED).select_related(
                "participant__municipality", "user"
            )
            for response in pending:
                response.round = round_
                queued += _mail_respondents(response, template="reminder", key="reminder")
    return queued


# -------------------------------------------------------------- conclusions


@records_by
@transaction.atomic
def save_conclusion(*, round: Round, municipality, by, text: str) -> Conclusion:
    if round.kind != Kind.MAPPING:
        raise EvaluationError(_("Conclusions are written after a mapping."))
    if not round.responses.filter(participant__municipality=municipality).exists():
        raise ValidationError({"text": _("The municipality was not part of this mapping.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the conclusion.")})
    conclusion, _created = Conclusion.objects.get_or_create(
        round=round, municipality=municipality, defaults={"text": text.strip(), "written_by": by}
    )
    if not _created:
        conclusion.text, conclusion.written_by, conclusion.written_at = text.strip(), by, timezone.now()
        conclusion.save(update_fields=["text", "written_by", "written_at"])
    return conclusion


@records_by
@transaction.atomic
def publish_conclusion(*, conclusion: Conclusion, by, publish: bool = True) -> Conclusion:
    """Publishes the conclusion, dated today, on the municipality's public page (or withdraws it)."""
    conclusion = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    if publish:
        conclusion.published_on, conclusion.published_by = timezone.localdate(), by
    else:
        conclusion.published_on, conclusion.published_by = None, None
    conclusion.save(update_fields=["published_on", "published_by"])
    return conclusion


# -------------------------------------------------------- course corrections


def _reason(correction: CourseCorrection) -> str:
    return _("Course correction: %(decision)s") % {"decision": correction.decision[:80]}


@records_by
@transaction.atomic
def record_correction(
    *, project: Project, by, decision: str, rationale: str, decided_by: str, decided_on: date, round: Round | None = None
) -> CourseCorrection:
    ensure_open(project, error=EvaluationError)
    if round is not None and round.project_id != project.pk:
        raise ValidationError({"round": _("The evaluation belongs to another project.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision cannot be taken in the future.")})
    return CourseCorrection.objects.create(
        project=project, round=round, decision=decision.strip(), rationale=rationale.strip(),
        decided_by=decided_by.strip(), decided_on=decided_on, recorded_by=by,
    )


@records_by
@transaction.atomic
def move_milestone(*, correction: CourseCorrection, milestone: Milestone, planned_on: date, by) -> CorrectionChange:
    """Moves the milestone's planned date; the original date stays for slippage."""
    ensure_open(correction.project, error=EvaluationError)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.project_id != correction.project_id:
        raise ValidationError({"milestone": _("Choose one of the project's milestones.")})
    if milestone.status in (Milestone.Status.DONE, Milestone.Status.SKIPPED):
        raise ValidationError({"milestone": _("A finished or skipped milestone cannot be moved.")})
    if planned_on == milestone.planned_on:
        raise ValidationError({"planned_on": _("Choose a date other than the planned one.")})
    old = milestone.planned_on
    milestone.planned_on = planned_on
    milestone._change_reason = _reason(correction)
    milestone.save(update_fields=["planned_on"])
    return CorrectionChange.objects.create(
        correction=correction, type=CorrectionChange.Type.MILESTONE_DATE, milestone=milestone, label=milestone.name,
        old_value=old.isoformat(), new_value=planned_on.isoformat(), changed_by=by,
    )


@records_by
@transaction.atomic
def change_goal(*, correction: CourseCorrection, by, text: str, goal: Goal | None = None) -> CorrectionChange:
    """Rewords a goal, or adds a new one (goal=None)."""
    ensure_open(correction.project, error=EvaluationError)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the goal.")})
    if goal is None:
        goal = Goal(project=correction.project, order=correction.project.goals.count() + 1)
        old, kind = "", CorrectionChange.Type.GOAL_ADDED
    else:
        if goal.project_id != correction.project_id:
            raise ValidationError({"goal": _("Choose one of the project's goals.")})
        if goal.text == text:
            raise ValidationError({"text": _("The goal already reads like this.")})
        old, kind = goal.text, CorrectionChange.Type.GOAL_TEXT
    goal.text = text
    goal._change_reason = _reason(correction)
    save_changes(goal, ["text"])
    return CorrectionChange.objects.create(
        correction=correction, type=kind, goal=goal, label=text[:300], old_value=old, new_value=text, changed_by=by
    )


@records_by
@transaction.atomic
def change_target(*, correction: CourseCorrection, indicator: Indicator, target: Decimal, by) -> CorrectionChange:
    ensure_open(correction.project, error=EvaluationError)
    if indicator.project_id != correction.project_id:
        raise ValidationError({"indicator": _("Choose one of the project's indicators.")})
    if indicator.target == target:
        raise ValidationError({"target": _("The target is already this value.")})
    if indicator.baseline is not None and indicator.baseline == target:
        raise ValidationError({"target": _("The target must differ from the baseline.")})
    old = indicator.target
    indicator.target = target
    indicator._change_reason = _reason(correction)
    indicator.save(update_fields=["target"])
    return CorrectionChange.objects.create(
        correction=correction, type=CorrectionChange.Type.TARGET, indicator=indicator, label=indicator.name,
        old_value="" if old is None else str(old), new_value=str(target), changed_by=by,
    )


# ---------------------------------------------------------------- closing gate


def has_midterm(project: Project) -> bool:
    return project.evaluation_rounds.filter(kind=Kind.MIDTERM).exists()


@records_by
def midterm_gate(project: Project, *, by, reason: str) -> list[str]:
    """Called by projects.services.change_project_status on active → closing (project locked).

    Passes with a mid-term evaluation or a recorded reason for skipping it; a reason given with the
    status change is recorded (with who and when). Returns the project fields it set."""
    if has_midterm(project) or project.midterm_skip_reason.strip():
        return []
    if not reason.strip():
        raise ValidationError(
            {"reason": _("The project has had no mid-term evaluation. Open one, or record why it is skipped, before closing.")}
        )
    project.midterm_skip_reason = reason.strip()
    project.midterm_skip_by, project.midterm_skip_at = by, timezone.now()
    return ["midterm_skip_reason", "midterm_skip_by", "midterm_skip_at"]


@records_by
@transaction.atomic
def skip_midterm(*, project: Project, by, reason: str) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open(project, error=EvaluationError)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for skipping the mid-term evaluation.")})
    if has_midterm(project):
        raise EvaluationError(_("The project already has a mid-term evaluation."))
    project.midterm_skip_reason = reason.strip()
    project.midterm_skip_by, project.midterm_skip_at = by, timezone.now()
    project.save(update_fields=["midterm_skip_reason", "midterm_skip_by", "midterm_skip_at"])
    return project


# ------------------------------------------------------- measurements ("TTT")


@records_by
@transaction.atomic
def save_ttt_indicator(*, project: Project, by, name: str, unit: str = "", indicator: Indicator | None = None) -> Indicator:
    """What is measured before and after, per library: an indicator without a goal."""
    ensure_open(project, error=EvaluationError)
    if indicator is not None and (indicator.project_id != project.pk or indicator.goal_id is not None):
        raise ValidationError({"name": _("Choose one of the project's measurements.")})
    return project_services.save_indicator(project=project, by=by, goal=None, indicator=indicator, name=name, unit=unit)


@records_by
@transaction.atomic
def set_measurement_periods(
    *, project: Project, by, before_starts_on: date, before_ends_on: date, after_starts_on: date, after_ends_on: date
) -> list[MeasurementPeriod]:
    ensure_open(project, error=EvaluationError)
    if before_ends_on < before_starts_on:
        raise ValidationError({"before_ends_on": _("The period must end after it starts.")})
    if after_ends_on < after_starts_on:
        raise ValidationError({"after_ends_on": _("The period must end after it starts.")})
    if after_starts_on <= before_ends_on:
        raise ValidationError({"after_starts_on": _("The after period must start when the before period has ended.")})
    periods = []
    for period, starts_on, ends_on in [("before", before_starts_on, before_ends_on), ("after", after_starts_on, after_ends_on)]:
        row, _created = MeasurementPeriod.objects.update_or_create(
            project=project, period=period, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        periods.append(row)
    return periods


def measuring_libraries(project: Project):
    """Libraries of the municipalities taking part: where TTT values are counted."""
    from municipalities.models import Library

    return Library.objects.filter(
        municipality_id__in=project.participants.taking_part().values("municipality_id")
    ).select_related("municipality").order_by("municipality__number", "-is_main", "name")


@records_by
@transaction.atomic
def record_library_measurement(
    *, indicator: Indicator, library, period: str, measured_on: date, value: Decimal, by, note: str = ""
):
    """A value counted in one library, inside the before or the after period."""
    project = indicator.project
    ensure_open(project, error=EvaluationError)
    if indicator.goal_id is not None:
        raise ValidationError({"indicator": _("Choose one of the project's measurements.")})
    if not measuring_libraries(project).filter(pk=library.pk).exists():
        raise ValidationError({"library": _("Choose a library of a participating municipality.")})
    window = MeasurementPeriod.objects.filter(project=project, period=period).first()
    if window is None:
        raise ValidationError({"period": _("County staff have not set this period yet.")})
    if not window.contains(measured_on):
        raise ValidationError(
            {"measured_on": _("The date must lie in the period, %(start)s to %(end)s.")
             % {"start": date_format(window.starts_on, "SHORT_DATE_FORMAT"), "end": date_format(window.ends_on, "SHORT_DATE_FORMAT")}}
        )
    if value < 0:
        raise ValidationError({"value": _("A count cannot be negative.")})
    return project_services.record_measurement(
        indicator=indicator, by=by, value=value, measured_on=measured_on, library=library, period=period, note=note
    )


# -------------------------------------------------------------------- lessons


@records_by
@transaction.atomic
def save_lesson(*, project: Project, by, section: str, text: str, kind: str, theme=None, lesson: Lesson | None = None) -> Lesson:
    if not text.strip():
        raise ValidationError({"text": _("Write the lesson.")})
    if theme is not None and theme.county_id != project.county_id:
        raise ValidationError({"theme": _("Choose one of the county's themes.")})
    if lesson is None:
        last = Lesson.objects.filter(project=project).aggregate(m=Max("order"))["m"] or 0
        lesson = Lesson(project=project, county_id=project.county_id, created_by=by, order=last + 1)
    lesson.section, lesson.text, lesson.kind, lesson.theme = section, text.strip(), kind, theme
    save_changes(lesson, ["section", "text", "kind", "theme"])
    return lesson


@records_by
@transaction.atomic
def delete_lesson(*, lesson: Lesson, by) -> None:
    lesson.delete()
