"""Writing newsletters: drafts (also the money draft from a project), their subject, and images."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from projects.models import Project
from shell.validators import HEADER_VALUE_MESSAGE, is_header_safe

from ..images import clean_image
from ..models import (
    Newsletter,
    NewsletterImage,
)
from ..money import money_draft
from .base import NewsletterError, _ensure_editable, _lock, ensure_mailing_list


def check_subject(subject: str) -> str:
    """Subjects become an e-mail header: one line, not empty."""
    if not is_header_safe(subject):
        raise ValidationError({"subject": HEADER_VALUE_MESSAGE})
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": _("Write a subject.")})
    return subject


@transaction.atomic
def create_newsletter(
    *,
    county,
    by,
    subject: str,
    body: str,
    project: Project | None = None,
    is_public: bool = False,
    money_since: datetime | None = None,
) -> Newsletter:
    if project is not None and project.county_id != county.pk:
        raise ValidationError({"project": _("Choose a project of the county.")})
    return Newsletter.objects.create(
        county=county,
        project=project,
        mailing_list=ensure_mailing_list(county=county, project=project),
        subject=check_subject(subject),
        body=body,
        is_public=is_public,
        money_since=money_since,
        created_by=by,
    )


@transaction.atomic
def update_newsletter(*, newsletter: Newsletter, by, subject: str, body: str, is_public: bool) -> Newsletter:
    newsletter = _lock(newsletter)
    _ensure_editable(newsletter)
    newsletter.subject, newsletter.body, newsletter.is_public = check_subject(subject), body, is_public
    newsletter.save(update_fields=["subject", "body", "is_public"])
    return newsletter


@transaction.atomic
def delete_newsletter(*, newsletter: Newsletter, by) -> None:
    newsletter = _lock(newsletter)
    if newsletter.status != Newsletter.Status.DRAFT:
        raise NewsletterError(_("Only drafts can be deleted."))
    for image in newsletter.images.all():
        transaction.on_commit(lambda name=image.image.name, storage=image.image.storage: storage.delete(name))
    newsletter.delete()


@transaction.atomic
def create_money_draft(*, project: Project, by) -> Newsletter:
    """A draft listing the money changes since the project was marked "infobrev suggested"."""
    since = project.infobrev_suggested_at
    if since is None:
        raise NewsletterError(_("No money changes are waiting for an infobrev."))
    with translation.override(project.county.written_standard):
        subject, body = money_draft(project, since)
    return create_newsletter(
        county=project.county, project=project, by=by, subject=subject, body=body, money_since=since
    )


@transaction.atomic
def add_image(*, newsletter: Newsletter, by, upload, alt_text: str, caption: str = "") -> NewsletterImage:
    newsletter = _lock(newsletter)
    _ensure_editable(newsletter)
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe what the image shows.")})
    try:
        content = clean_image(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from exc
    image = NewsletterImage(
        newsletter=newsletter, alt_text=alt_text.strip(), caption=caption.strip(), order=newsletter.images.count()
    )
    image.image.save(content.name, content, save=False)
    image.save()
    return image


@transaction.atomic
def delete_image(*, image: NewsletterImage, by) -> None:
    _ensure_editable(_lock(image.newsletter))
    name, storage = image.image.name, image.image.storage
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))
