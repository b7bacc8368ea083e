"""Changes to newsletters, lists, subscriptions, bounces and showcases.

Sending: `send_newsletter` (or the schedule) marks the newsletter as being queued
and, after commit, a task runs `queue_recipients`, which writes one outbox row per
recipient through `notifications.services.queue_email` with the idempotency key
`newsletter:<pk>:<address>`. Running it twice, in two workers at once, or again
after a crash makes no second row; the outbox then delivers (one SMTP connection
per batch, rows claimed with SKIP LOCKED, requeued by its sweeper after a crash).
"""

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import queue_email, queue_templated_email
from shell.validators import HEADER_VALUE_MESSAGE, is_header_safe
from projects.models import Participant, Project
from planning.services import clear_infobrev_suggestion

from . import rendering, tokens
from .images import clean_image
from .models import (
    Bounce,
    MailingList,
    Newsletter,
    NewsletterImage,
    Showcase,
    ShowcasePhoto,
    Subscriber,
    Suppression,
    normalise_email,
)
from .money import money_draft
from .selectors import get_audience

logger = logging.getLogger(__name__)

QUEUE_CHUNK = 500
# A newsletter whose queuing made no progress for this long lost its worker: it is started again.
QUEUING_STALLED_AFTER = timedelta(minutes=5)


class NewsletterError(Exception):
    """A change the newsletter's state does not allow; the message is for the user."""


def check_subject(subject: str) -> str:
    """Subjects become an e-mail header: one line, not empty."""
    if not is_header_safe(subject):
        raise ValidationError({"subject": HEADER_VALUE_MESSAGE})
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": _("Write a subject.")})
    return subject


def idempotency_key(newsletter_pk: int, email: str) -> str:
    key = f"newsletter:{newsletter_pk}:{email}"
    if len(key) > 255:  # the outbox's key column; addresses may be up to 254 characters
        key = f"newsletter:{newsletter_pk}:sha256:{hashlib.sha256(email.encode()).hexdigest()}"
    return key


# ----------------------------------------------------------------- writing


def _ensure_editable(newsletter: Newsletter) -> None:
    if not newsletter.is_editable:
        raise NewsletterError(_("This infobrev has been sent and can no longer change."))


def _lock(newsletter: Newsletter) -> Newsletter:
    # of=self: PostgreSQL cannot lock the nullable side of the project join.
    queryset = Newsletter.objects.select_for_update(of=("self",)).select_related("county", "project", "mailing_list")
    return queryset.get(pk=newsletter.pk)


@transaction.atomic
def create_newsletter(*, county, by, subject: str, body: str, project: Project | None = None,
                      is_public: bool = False, money_since: datetime | None = None) -> Newsletter:
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
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = money_draft(project, since)
    return create_newsletter(county=project.county, project=project, by=by, subject=subject, body=body,
                             money_since=since)


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
    image = NewsletterImage(newsletter=newsletter, alt_text=alt_text.strip(), caption=caption.strip(),
                            order=newsletter.images.count())
    image.image.save(content.name, content, save=False)
    image.save()
    return image


@transaction.atomic
def delete_image(*, image: NewsletterImage, by) -> None:
    _ensure_editable(_lock(image.newsletter))
    name, storage = image.image.name, image.image.storage
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ----------------------------------------------------------------- sending


def _check_sendable(newsletter: Newsletter) -> None:
    """Everything that goes into every message's headers, checked once before anything is queued."""
    check_subject(newsletter.subject)
    if not is_header_safe(newsletter.county.from_email):
        raise NewsletterError(
            _("The county's sender name or address contains a line break: correct it in the county settings.")
        )


def _start_sending(newsletter: Newsletter, *, by=None) -> None:
    """Locked newsletter → being queued; the queuing task starts after commit."""
    from .tasks import queue_newsletter_task

    _check_sendable(newsletter)
    now = timezone.now()
    newsletter.status, newsletter.queuing_started_at, newsletter.queuing_progress_at = Newsletter.Status.SENDING, now, now
    newsletter.sent_by = by or newsletter.sent_by or newsletter.created_by
    newsletter.save(update_fields=["status", "queuing_started_at", "queuing_progress_at", "sent_by"])
    project = newsletter.project
    if project is not None and project.infobrev_suggested_at is not None and project.infobrev_suggested_at <= now:
        # Everyone involved now hears about the money: the project's suggestion is done.
        clear_infobrev_suggestion(project=project)
    pk = newsletter.pk
    transaction.on_commit(lambda: queue_newsletter_task.delay(pk))


@transaction.atomic
def send_newsletter(*, newsletter: Newsletter, by) -> Newsletter:
    """Draft or scheduled → being queued now. Raises NewsletterError, ValidationError (subject)."""
    newsletter = _lock(newsletter)
    _ensure_editable(newsletter)
    if not newsletter.body.strip():
        raise ValidationError({"body": _("Write the text of the infobrev first.")})
    _start_sending(newsletter, by=by)
    return newsletter


@transaction.atomic
def schedule_newsletter(*, newsletter: Newsletter, by, at: datetime) -> Newsletter:
    newsletter = _lock(newsletter)
    _ensure_editable(newsletter)
    if at <= timezone.now():
        raise ValidationError({"scheduled_at": _("Choose a time in the future.")})
    if not newsletter.body.strip():
        raise ValidationError({"body": _("Write the text of the infobrev first.")})
    check_subject(newsletter.subject)
    newsletter.status, newsletter.scheduled_at, newsletter.sent_by = Newsletter.Status.SCHEDULED, at, by
    newsletter.save(update_fields=["status", "scheduled_at", "sent_by"])
    return newsletter


@transaction.atomic
def unschedule_newsletter(*, newsletter: Newsletter, by) -> Newsletter:
    newsletter = _lock(newsletter)
    if newsletter.status != Newsletter.Status.SCHEDULED:
        raise NewsletterError(_("The infobrev is not scheduled."))
    newsletter.status, newsletter.scheduled_at = Newsletter.Status.DRAFT, None
    newsletter.save(update_fields=["status", "scheduled_at"])
    return newsletter


def start_due_newsletters(*, now: datetime | None = None) -> int:
    """Periodic: starts scheduled newsletters whose time has come, and restarts queuing that
    stalled (its worker died). Safe to run in two places at once. Returns how many started."""
    now = now or timezone.now()
    started = []
    with transaction.atomic():
        due = (
            Newsletter.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("county", "project", "mailing_list")
            .filter(status=Newsletter.Status.SCHEDULED, scheduled_at__lte=now)
        )
        for newsletter in due:
            try:
                _start_sending(newsletter)
            except (ValidationError, NewsletterError) as exc:
                # It cannot go as it is: back to a draft, so that staff see it was not sent.
                logger.warning("newsletter %s: not sent at its time: %s", newsletter.pk, exc)
                newsletter.status = Newsletter.Status.DRAFT
                newsletter.save(update_fields=["status"])
                continue
            started.append(newsletter.pk)
    from .tasks import queue_newsletter_task

    stalled = Newsletter.objects.filter(
        status=Newsletter.Status.SENDING, queuing_progress_at__lt=now - QUEUING_STALLED_AFTER
    ).exclude(pk__in=started).values_list("pk", flat=True)
    for pk in stalled:
        logger.warning("newsletter %s: queuing stalled, starting it again", pk)
        queue_newsletter_task.delay(pk)
        started.append(pk)
    return len(started)


def queue_recipients(*, newsletter_id: int, chunk_size: int = QUEUE_CHUNK) -> int:
    """Writes the outbox rows of a newsletter being queued; returns how many were new.

    Each chunk is one transaction, so a crash loses at most the chunk in progress,
    and the next run skips every address already queued (the idempotency key).
    When everything is queued the newsletter is marked sent.
    """
    newsletter = (
        Newsletter.objects.select_related("county", "project", "mailing_list").filter(pk=newsletter_id).first()
    )
    if newsletter is None or newsletter.status != Newsletter.Status.SENDING:
        return 0  # deleted, or already done by another run
    audience = get_audience(newsletter)
    rendered = rendering.render_newsletter(newsletter)
    content_type = ContentType.objects.get_for_model(Newsletter)
    already = set(
        OutboxMessage.objects.filter(content_type=content_type, object_id=newsletter.pk).values_list(
            "idempotency_key", flat=True
        )
    )
    todo = [person for person in audience.recipients if idempotency_key(newsletter.pk, person.email) not in already]
    users = User.objects.in_bulk([person.user_id for person in todo if person.user_id])
    made = 0
    for start in range(0, len(todo), chunk_size):
        with transaction.atomic():
            for person in todo[start:start + chunk_size]:
                made += _queue_one(newsletter, rendered, person, users.get(person.user_id))
            Newsletter.objects.filter(pk=newsletter.pk).update(queuing_progress_at=timezone.now())
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().filter(pk=newsletter.pk, status=Newsletter.Status.SENDING).first()
        if locked is not None:
            locked.status, locked.sent_at = Newsletter.Status.SENT, timezone.now()
            locked.recipient_count = OutboxMessage.objects.filter(content_type=content_type, object_id=locked.pk).count()
            locked.save(update_fields=["status", "sent_at", "recipient_count"])
    return made


def _queue_one(newsletter: Newsletter, rendered: rendering.Rendered, person, user) -> int:
    unsubscribe = rendering.unsubscribe_url(person.email, newsletter.mailing_list_id)
    html, text = rendered.for_recipient(
        unsubscribe_url=unsubscribe, preferences_url=rendering.preferences_url(person.email, newsletter.county_id)
    )
    # An address with a line break (entered before it was checked) makes a failed row: the others go.
    queue_email(
        to=person.email,
        subject=rendered.subject,
        body_text=text,
        body_html=html,
        kind="newsletter",
        user=user,
        county=newsletter.county,
        about=newsletter,
        idempotency_key=idempotency_key(newsletter.pk, person.email),
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    return 1


# ----------------------------------------------------------------- lists and subscriptions


@transaction.atomic
def ensure_mailing_list(*, county, project=None) -> MailingList:
    """The county's list or the project's list, made the first time it is asked for."""
    if project is not None:
        mailing_list, _created = MailingList.objects.get_or_create(project=project, defaults={"county": county})
    else:
        mailing_list, _created = MailingList.objects.get_or_create(
            county=county, project__isnull=True, defaults={"is_public": True}
        )
    return mailing_list


@transaction.atomic
def set_list_public(*, mailing_list: MailingList, by, is_public: bool) -> MailingList:
    mailing_list.is_public = is_public
    mailing_list.save(update_fields=["is_public"])
    return mailing_list


@transaction.atomic
def request_subscription(*, mailing_list: MailingList, email: str, name: str = "") -> None:
    """Double opt-in, step one: a pending subscriber and an e-mail with a signed link.

    The answer is the same whether or not the address was already subscribed, so
    the form tells nobody who is on a list. At most one confirmation e-mail per
    address and list a day.
    """
    email = normalise_email(email)
    subscriber, created = Subscriber.objects.get_or_create(
        mailing_list=mailing_list, email=email, defaults={"name": name.strip()[:150]}
    )
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.PENDING
        subscriber.save(update_fields=["status"])
    county = mailing_list.county
    confirm = rendering.absolute(
        reverse("newsletters:subscribe-confirm", kwargs={"token": tokens.make_confirm_token(email, mailing_list.pk)})
    )
    queue_templated_email(
        template="newsletters/email/confirm",
        context={"mailing_list": mailing_list, "county": county, "confirm_url": confirm,
                 "valid_days": tokens.CONFIRM_VALID_FOR.days},
        to=email,
        kind="newsletter",
        county=county,
        about=mailing_list,
        idempotency_key=f"newsletter-confirm:{mailing_list.pk}:{timezone.localdate().isoformat()}:{email}"[:255],
    )


@transaction.atomic
def confirm_subscription(*, email: str, mailing_list: MailingList) -> Subscriber:
    """Double opt-in, step two (the signed link was valid): the address is subscribed."""
    email = normalise_email(email)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(mailing_list=mailing_list, email=email)
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status, subscriber.confirmed_at, subscriber.unsubscribed_at = (
            Subscriber.Status.CONFIRMED, timezone.now(), None
        )
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    Suppression.objects.filter(email=email, mailing_list=mailing_list).delete()
    return subscriber


@transaction.atomic
def unsubscribe(*, email: str, mailing_list: MailingList) -> None:
    """One click: no more newsletters from this list to this address (stakeholder or subscriber)."""
    email = normalise_email(email)
    try:
        with transaction.atomic():
            Suppression.objects.get_or_create(email=email, mailing_list=mailing_list, defaults={"county": mailing_list.county})
    except IntegrityError:
        pass  # a second click at the same moment
    Subscriber.objects.filter(mailing_list=mailing_list, email=email).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())


def lists_for_address(email: str, county) -> list[MailingList]:
    """The county's lists this address gets (or got) newsletters from, or is subscribed to."""
    email = normalise_email(email)
    newsletter_ids = OutboxMessage.objects.filter(
        recipient__iexact=email, county=county, kind="newsletter",
        content_type=ContentType.objects.get_for_model(Newsletter),
    ).values("object_id")
    return list(
        MailingList.objects.filter(county=county)
        .filter(Q(newsletters__pk__in=newsletter_ids) | Q(subscribers__email=email) | Q(suppressions__email=email))
        .select_related("county", "project")
        .distinct()
        .order_by("-project_id")
    )


@transaction.atomic
def set_address_preferences(*, email: str, county, wanted_list_ids: set[int], nothing: bool) -> None:
    """The preferences page: which of the county's lists the address wants, or none at all."""
    email = normalise_email(email)
    lists = lists_for_address(email, county)
    for mailing_list in lists:
        if mailing_list.pk in wanted_list_ids and not nothing:
            Suppression.objects.filter(email=email, mailing_list=mailing_list).delete()
            Subscriber.objects.filter(mailing_list=mailing_list, email=email, status=Subscriber.Status.UNSUBSCRIBED).update(
                status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now(), unsubscribed_at=None
            )
        else:
            unsubscribe(email=email, mailing_list=mailing_list)
    everything = Suppression.objects.filter(email=email, county=county, mailing_list__isnull=True)
    if nothing:
        if not everything.exists():
            Suppression.objects.create(email=email, county=county)
    else:
        everything.delete()


# ----------------------------------------------------------------- bounces


@transaction.atomic
def record_bounce(*, email: str, reason: str = "", source: str = "command") -> Bounce:
    """No more newsletters to this address, from any county; its waiting newsletter rows fail."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise ValidationError({"email": _("Enter a valid e-mail address.")})
    now = timezone.now()
    bounce = Bounce.objects.select_for_update().filter(email=email).first()
    if bounce is None:
        try:
            with transaction.atomic():
                bounce = Bounce.objects.create(email=email, reason=reason[:500], source=source, first_at=now, last_at=now)
        except IntegrityError:
            bounce = Bounce.objects.select_for_update().get(email=email)
        else:
            _stop_waiting(email, now)
            return bounce
    bounce.count += 1
    bounce.last_at, bounce.reason, bounce.source = now, reason[:500] or bounce.reason, source
    bounce.save(update_fields=["count", "last_at", "reason", "source"])
    _stop_waiting(email, now)
    return bounce


def _stop_waiting(email: str, now) -> None:
    OutboxMessage.objects.filter(
        recipient__iexact=email, kind="newsletter", status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.FAILED, last_error=_("The address bounced; not sent."))


# ----------------------------------------------------------------- showcases


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
def create_showcase(*, project: Project, by, title: str, summary: str, results: str = "", participant=None,
                    slug: str = "") -> Showcase:
    county = project.county
    slug = slugify(slug or title)[:80]
    _check_showcase_fields(county, project, participant, slug)
    _unique_slug(county, slug)
    return Showcase.objects.create(county=county, project=project, participant=participant, title=title, slug=slug,
                                   summary=summary, results=results, created_by=by)


@transaction.atomic
def update_showcase(*, showcase: Showcase, by, title: str, summary: str, results: str, slug: str,
                    participant=None) -> Showcase:
    showcase = Showcase.objects.select_for_update(of=("self",)).select_related("county", "project").get(pk=showcase.pk)
    slug = slugify(slug or title)[:80]
    _check_showcase_fields(showcase.county, showcase.project, participant, slug)
    _unique_slug(showcase.county, slug, exclude_pk=showcase.pk)
    showcase.title, showcase.summary, showcase.results, showcase.slug, showcase.participant = (
        title, summary, results, slug, participant
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
    showcase = Showcase.objects.select_for_update(of=("self",)).select_related("project", "participant").get(pk=showcase.pk)
    if publish:
        if not is_finished(showcase):
            raise NewsletterError(_(
                "Only finished work can be shown: the project must be closing or closed, "
                "or the example library's participation completed."
            ))
        showcase.published_at = showcase.published_at or timezone.now()
    else:
        showcase.published_at = None
    showcase.save(update_fields=["published_at"])
    return showcase


@transaction.atomic
def add_showcase_photo(*, showcase: Showcase, by, upload, alt_text: str, caption: str = "",
                       shows_people: bool = False, consent_note: str = "") -> ShowcasePhoto:
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
        showcase=showcase, alt_text=alt_text.strip(), caption=caption.strip(), shows_people=shows_people,
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
