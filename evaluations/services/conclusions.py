"""The county's conclusion per round and municipality, and publishing it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shell.history import records_by

from ..models import (
    Conclusion,
    Kind,
    Round,
)
from .base import EvaluationError


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
