"""Questionnaires and their versions: a version with answers is frozen, editing makes a new one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shell.history import records_by
from shell.writes import save_changes

from ..models import (
    Answer,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)


def current_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    return questionnaire.versions.order_by("-number").first()


def version_has_answers(version: QuestionnaireVersion) -> bool:
    """Drafts count: their answers point at the version's questions too."""
    return (
        Answer.objects.filter(question__version=version).exists()
        or version.responses.filter(status=Response.Status.SUBMITTED).exists()
    )


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
def update_questionnaire(
    *, questionnaire: Questionnaire, by, title: str, kind: str, description: str = ""
) -> Questionnaire:
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
                version=copy,
                key=q.key,
                order=q.order,
                type=q.type,
                text=q.text,
                help_text=q.help_text,
                is_required=q.is_required,
                options=list(q.options),
                low_label=q.low_label,
                high_label=q.high_label,
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
