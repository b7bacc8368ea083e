"""Lessons learnt in a project."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from projects.models import Project
from shell.history import records_by
from shell.writes import save_changes

from ..models import Lesson


@records_by
@transaction.atomic
def save_lesson(
    *, project: Project, by, section: str, text: str, kind: str, theme=None, lesson: Lesson | None = None
) -> Lesson:
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
