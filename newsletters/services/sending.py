"""Sending newsletters: now, scheduled or unscheduled, and queuing one outbox row per recipient.

Sending: `send_newsletter` (or the schedule) marks the newsletter as being queued
and, after commit, a task runs `queue_recipients`, which writes one outbox row per
recipient through `notifications.services.queue_emails` (one `INSERT … ON CONFLICT DO
NOTHING` per chunk) with the idempotency key `newsletter:<pk>:<address>`. Running it
twice, in two workers at once, or again after a crash makes no second row; the outbox
then delivers (one SMTP connection
per batch, rows claimed with SKIP LOCKED, requeued by its sweeper after a crash).
"""

import hashlib
import logging
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import outbox_row, queue_emails
from planning.services import clear_infobrev_suggestion
from shell.validators import is_header_safe

from .. import rendering
from ..models import Newsletter
from ..selectors import get_audience, left_out_of
from .base import NewsletterError, _ensure_editable, _lock
from .writing import check_subject

logger = logging.getLogger(__name__)


QUEUE_CHUNK = 500


# A newsletter whose queuing made no progress for this long lost its worker: it is started again.
QUEUING_STALLED_AFTER = timedelta(minutes=5)


def idempotency_key(newsletter_pk: int, email: str) -> str:
    key = f"newsletter:{newsletter_pk}:{email}"
    if len(key) > 255:  # the outbox's key column; addresses may be up to 254 characters
        key = f"newsletter:{newsletter_pk}:sha256:{hashlib.sha256(email.encode()).hexdigest()}"
    return key


def _check_sendable(newsletter: Newsletter) -> None:
    """Everything that goes into every message's headers, checked once before anything is queued."""
    check_subject(newsletter.subject)
    if not is_header_safe(newsletter.county.from_email):
        raise NewsletterError(
            _("The county's sender name or address contains a line break: correct it in the county settings.")
        )


def _start_sending(newsletter: Newsletter, *, by=None) -> None:
    """Locked newsletter → being queued; the queuing task starts after commit."""
    from ..tasks import queue_newsletter_task

    _check_sendable(newsletter)
    now = timezone.now()
    newsletter.status, newsletter.queuing_started_at, newsletter.queuing_progress_at = (
        Newsletter.Status.SENDING,
        now,
        now,
    )
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
    from ..tasks import queue_newsletter_task

    stalled = (
        Newsletter.objects.filter(status=Newsletter.Status.SENDING, queuing_progress_at__lt=now - QUEUING_STALLED_AFTER)
        .exclude(pk__in=started)
        .values_list("pk", flat=True)
    )
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
    newsletter = Newsletter.objects.select_related("county", "project", "mailing_list").filter(pk=newsletter_id).first()
    if newsletter is None or newsletter.status != Newsletter.Status.SENDING:
        return 0  # deleted, or already done by another run
    audience = get_audience(newsletter)
    rendered = rendering.render_newsletter(newsletter, language=newsletter.county.written_standard)
    content_type = ContentType.objects.get_for_model(Newsletter)
    already = set(
        OutboxMessage.objects.filter(content_type=content_type, object_id=newsletter.pk).values_list(
            "idempotency_key", flat=True
        )
    )
    todo = [person for person in audience.recipients if idempotency_key(newsletter.pk, person.email) not in already]
    # Someone queued by an earlier run and left out now (they unsubscribed in between) got it: not left out.
    left_out = left_out_of(
        item
        for item in audience.excluded
        if not item.person.email or idempotency_key(newsletter.pk, item.person.email) not in already
    )
    users = User.objects.in_bulk([person.user_id for person in todo if person.user_id])
    links = rendering.PersonalLinks(newsletter)
    made = 0
    for start in range(0, len(todo), chunk_size):
        with transaction.atomic():
            rows = [
                _queue_one(newsletter, rendered, person, users.get(person.user_id), links)
                for person in todo[start : start + chunk_size]
            ]
            # One INSERT … ON CONFLICT DO NOTHING per chunk: a key a concurrent run wrote first is skipped.
            made += queue_emails(rows)
            Newsletter.objects.filter(pk=newsletter.pk).update(queuing_progress_at=timezone.now())
    with transaction.atomic():
        locked = (
            Newsletter.objects.select_for_update().filter(pk=newsletter.pk, status=Newsletter.Status.SENDING).first()
        )
        if locked is not None:
            locked.status, locked.sent_at, locked.left_out = Newsletter.Status.SENT, timezone.now(), left_out
            locked.recipient_count = OutboxMessage.objects.filter(
                content_type=content_type, object_id=locked.pk
            ).count()
            locked.save(update_fields=["status", "sent_at", "recipient_count", "left_out"])
    return made


def _queue_one(
    newsletter: Newsletter, rendered: rendering.Rendered, person, user, links: rendering.PersonalLinks
) -> OutboxMessage:
    """The (unsaved) outbox row of one recipient."""
    unsubscribe = links.unsubscribe_url(person.email)
    preferences = links.preferences_url(person.email)
    html, text = rendered.for_recipient(unsubscribe_url=unsubscribe, preferences_url=preferences)
    # An address with a line break (entered before it was checked) makes a failed row: the others go.
    return outbox_row(
        to=person.email,
        subject=rendered.subject,
        body_text=text,
        body_html=html,
        kind="newsletter",
        user=user,
        county=newsletter.county,
        about=newsletter,
        idempotency_key=idempotency_key(newsletter.pk, person.email),
        headers=links.list_headers(unsubscribe_url=unsubscribe),
        personal={rendering.UNSUBSCRIBE_PLACEHOLDER: unsubscribe, rendering.PREFERENCES_PLACEHOLDER: preferences},
    )
