"""Showcases: a project's (or participant's) public story with photos, and publishing it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from projects.models import Participant, Project

from ..images import clean_image
from ..models import (
    Showcase,
    ShowcasePhoto,
)
from .base import NewsletterError


def _check_showcase_fields(county, project, participant, slug):
    if project.county_id != county.pk:
        raise ValidationError({"project": _("Choose a project of the county.")})
    if participant is not None and participant.project_id != project.pk:
        raise ValidationError({"participant": _("Choose a participant of the project.")})
    if not slug:
        raise ValidationError({"slug": _("Choose an address with letters or numbers.")})


def _unique_slug(county, slug: str, exclude_pk=None) -> None:
    clash = Showcase.objects.filter(county=county, slug=slug)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"slug": _("Another showcase of the county has this address.")})


@transaction.atomic
def create_showcase(
    *, project: Project, by, title: str, summary: str, results: str = "", participant=None, slug: str = ""
) -> Showcase:
    county = project.county
    slug = slugify(slug or title)[:80]
    _check_showcase_fields(county, project, participant, slug)
    _unique_slug(county, slug)
    return Showcase.objects.create(
        county=county,
        project=project,
        participant=participant,
        title=title,
        slug=slug,
        summary=summary,
        results=results,
        created_by=by,
    )


@transaction.atomic
def update_showcase(
    *, showcase: Showcase, by, title: str, summary: str, results: str, slug: str, participant=None
) -> Showcase:
    showcase = Showcase.objects.select_for_update(of=("self",)).select_related("county", "project").get(pk=showcase.pk)
    slug = slugify(slug or title)[:80]
    _check_showcase_fields(showcase.county, showcase.project, participant, slug)
    _unique_slug(showcase.county, slug, exclude_pk=showcase.pk)
    showcase.title, showcase.summary, showcase.results, showcase.slug, showcase.participant = (
        title,
        summary,
        results,
        slug,
        participant,
    )
    showcase.save(update_fields=["title", "summary", "results", "slug", "participant"])
    return showcase


def is_finished(showcase: Showcase) -> bool:
    """Showcases show finished work: a closing or closed project, or a completed participant."""
    if showcase.project.status in (Project.Status.CLOSING, Project.Status.CLOSED):
        return True
    return showcase.participant is not None and showcase.participant.status == Participant.Status.COMPLETED


@transaction.atomic
def publish_showcase(*, showcase: Showcase, by, publish: bool = True) -> Showcase:
    showcase = (
        Showcase.objects.select_for_update(of=("self",)).select_related("project", "participant").get(pk=showcase.pk)
    )
    if publish:
        if not is_finished(showcase):
            raise NewsletterError(
                _(
                    "Only finished work can be shown: the project must be closing or closed, "
                    "or the example library's participation completed."
                )
            )
        showcase.published_at = showcase.published_at or timezone.now()
    else:
        showcase.published_at = None
    showcase.save(update_fields=["published_at"])
    return showcase


@transaction.atomic
def add_showcase_photo(
    *,
    showcase: Showcase,
    by,
    upload,
    alt_text: str,
    caption: str = "",
    shows_people: bool = False,
    consent_note: str = "",
) -> ShowcasePhoto:
    """A photo; when people can be recognised, their recorded consent is required."""
    errors = {}
    if not alt_text.strip():
        errors["alt_text"] = _("Describe what the photo shows.")
    if shows_people and not consent_note.strip():
        errors["consent_note"] = _("Record the consent of the people shown: who agreed, when and how.")
    try:
        content = clean_image(upload)
    except ValidationError as exc:
        errors["image"] = exc.messages
    if errors:
        raise ValidationError(errors)
    photo = ShowcasePhoto(
        showcase=showcase,
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        shows_people=shows_people,
        consent_note=consent_note.strip() if shows_people else "",
        consent_recorded_by=by if shows_people else None,
        consent_recorded_at=timezone.now() if shows_people else None,
        order=showcase.photos.count(),
    )
    photo.image.save(content.name, content, save=False)
    photo.save()
    return photo


@transaction.atomic
def delete_showcase_photo(*, photo: ShowcasePhoto, by) -> None:
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
