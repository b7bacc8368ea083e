"""Putting e-mail into the outbox, sending it, and keeping it moving after failures.

Every e-mail of the application goes through `queue_email` (or, for mail that
Django or allauth send, through `backends.OutboxBackend`, which calls it): the
row is written in the caller's transaction, so a rolled-back change sends
nothing and a committed one can never lose its e-mail.
"""

import base64
import logging
import re
import smtplib
from datetime import timedelta
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shell.validators import is_header_safe, one_line

from .kinds import KINDS
from .models import DEFAULT_DIGEST_HOUR, DigestHour, NotificationPreference, OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status


class HeaderInjectionError(ValueError):
    """A header value contains a line break or a control character: the message is refused, not sent."""


# A header's name: printable ASCII without the colon (RFC 5322, 3.6.8).
_HEADER_NAME = re.compile(r"[!-9;-~]+")


def check_headers(*, to, subject, from_email, headers, attachments) -> None:
    """Every value that becomes a header of the message, including the attachments' file names and
    types. Raises HeaderInjectionError naming the first bad one."""
    values = [("To", to), ("Subject", subject), ("From", from_email)]
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.fullmatch(str(name)):
            raise HeaderInjectionError(
                _("Refused before sending: “%(name)s” is not an e-mail header name.") % {"name": one_line(name)}
            )
        values.append((name, value))
    for attachment in attachments or []:
        if isinstance(attachment, dict):
            values += [
                ("Content-Disposition", attachment.get("filename", "")),
                ("Content-Type", attachment.get("mimetype", "")),
            ]
    for name, value in values:
        if not is_header_safe(value):
            raise HeaderInjectionError(
                _("Refused before sending: the e-mail header %(name)s contains a line break or a control character.")
                % {"name": name}
            )


def _message_id() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "fremdrift.local"
    return make_msgid(domain=domain)


def _first_status(user, kind: str, *, required: bool) -> str:
    """Pending, held for the user's digest, or skipped because the user turned the kind off (never for a
    kind that cannot be turned off, nor for a `required` message: a step of the escalation ladder)."""
    definition = KINDS[kind]
    if user is None or not (definition.digestible or definition.optional):
        return Status.PENDING
    delivery = NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    if delivery == NotificationPreference.Delivery.DIGEST and definition.digestible:
        return Status.HELD
    if delivery == NotificationPreference.Delivery.OFF and definition.optional and not required:
        return Status.SKIPPED
    return Status.PENDING


def queue_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    kind: str,
    body_html: str = "",
    user=None,
    county=None,
    about=None,
    idempotency_key: str | None = None,
    from_email: str | None = None,
    headers: dict | None = None,
    attachments: list | None = None,
    required: bool = False,
    personal: dict | None = None,
) -> OutboxMessage:
    """Writes one e-mail to the outbox in the current transaction and wakes a sender after commit.

    A kind the user turned off is written as skipped (kept, never sent), unless the message is
    `required` (it carries a step of the escalation ladder).

    The same `idempotency_key` never makes a second row: the existing row is
    returned. A header with a line break or a control character (forms refuse them, but a
    value can get into the database past them) is not raised to the caller: the row is
    written as failed, with the reason, so the change that caused it and every other
    message still go through.

    `personal` names the parts of the message that are this recipient's own, each with the
    placeholder it replaced in a text shared by many rows (an infobrev's unsubscribe link):
    the sender builds the shared MIME message once and substitutes them (`_MimeTemplates`).
    """
    message = outbox_row(
        to=to,
        subject=subject,
        body_text=body_text,
        kind=kind,
        body_html=body_html,
        user=user,
        county=county,
        about=about,
        from_email=from_email,
        headers=headers,
        attachments=attachments,
        required=required,
        personal=personal,
    )
    if idempotency_key:
        message.idempotency_key = idempotency_key
        message, created = _get_or_create_by_key(message)
    else:
        message.save(force_insert=True)
        created = True
    if created and message.status == Status.PENDING:
        _wake_sender_on_commit()
    return message


def outbox_row(
    *,
    to: str,
    subject: str,
    body_text: str,
    kind: str,
    body_html: str = "",
    user=None,
    county=None,
    about=None,
    idempotency_key: str | None = None,
    from_email: str | None = None,
    headers: dict | None = None,
    attachments: list | None = None,
    required: bool = False,
    personal: dict | None = None,
) -> OutboxMessage:
    """The outbox row `queue_email` writes, unsaved (for `queue_emails`): checked, with its first status."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    from_email = from_email or (county.from_email if county else settings.DEFAULT_FROM_EMAIL)
    try:
        check_headers(to=to, subject=subject, from_email=from_email, headers=headers, attachments=attachments)
    except HeaderInjectionError as exc:
        refused = str(exc)
        logger.warning("outbox: refused a message to %r: %s", to, refused)
    else:
        refused = ""
    message = OutboxMessage(
        recipient=to,
        user=user,
        from_email=from_email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        attachments=attachments or [],
        personal=personal or {},
        kind=kind,
        county=county,
        status=_first_status(user, kind, required=required),
        message_id=_message_id(),
        idempotency_key=idempotency_key,
    )
    if refused:
        message.status, message.last_error = Status.FAILED, refused
    if about is not None:
        message.content_type = ContentType.objects.get_for_model(about)
        message.object_id = about.pk
    return message


def queue_emails(messages: list[OutboxMessage]) -> int:
    """Writes many rows made by `outbox_row`, each with an idempotency key, in one
    `INSERT … ON CONFLICT DO NOTHING`: a key already in the outbox (an earlier or a concurrent
    run) writes nothing. Returns how many rows were new; wakes a sender once after commit."""
    if not messages:
        return 0
    if any(not message.idempotency_key for message in messages):
        raise ValueError("queue_emails needs an idempotency key on every message")
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    # The Message-IDs are new, so the rows that carry them are the ones this insert wrote.
    written = OutboxMessage.objects.filter(message_id__in=[m.message_id for m in messages])
    made = written.count()
    if made and any(message.status == Status.PENDING for message in messages):
        _wake_sender_on_commit()
    return made


def _get_or_create_by_key(message: OutboxMessage) -> tuple[OutboxMessage, bool]:
    key = message.idempotency_key
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            message.save(force_insert=True)
            return message, True
    except IntegrityError:
        # Another transaction inserted the same key first (a second worker or beat).
        return OutboxMessage.objects.get(idempotency_key=key), False


def render_subject(template: str, context: dict, language: str | None = None) -> str:
    """`<template>_subject.txt` in `language` (default: Norwegian), on one line."""
    with translation.override(language or settings.LANGUAGE_CODE):
        # A title with a line break (say) in a subject becomes one line, not a refused message.
        return one_line(render_to_string(f"{template}_subject.txt", {"site_url": settings.SITE_URL, **context}))


def recipient_language(*, user=None, county=None) -> str:
    """The language of a message: the recipient user's own choice; else the written standard of the
    county the message is from (so a person without an account, a contact or a subscriber, gets the
    county's); else the user's county's; else Norwegian bokmål."""
    if user is not None and getattr(user, "language", ""):
        return user.language
    if county is not None:
        return county.written_standard
    if user is not None and hasattr(user, "preferred_language"):
        return user.preferred_language
    return settings.LANGUAGE_CODE


def queue_templated_email(*, template: str, context: dict, language: str | None = None, **kwargs):
    """Renders `<template>_subject.txt`, `<template>.txt` and `<template>.html` in `language`
    (default: `recipient_language` of the `user` and `county` arguments) and queues the result;
    other arguments as for `queue_email`. The body templates see the rendered `subject`.

    A message whose `idempotency_key` is already in the outbox is returned as it is, before
    anything is rendered: a second run costs one look-up."""
    key = kwargs.get("idempotency_key")
    if key:
        existing = OutboxMessage.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    language = language or recipient_language(user=kwargs.get("user"), county=kwargs.get("county"))
    subject = render_subject(template, context, language)
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, "subject": subject, **context}
        body_text = render_to_string(f"{template}.txt", context)
        body_html = render_to_string(f"{template}.html", context)
    return queue_email(subject=subject, body_text=body_text, body_html=body_html, **kwargs)


def _wake_sender_on_commit() -> None:
    """One wake per transaction, however many messages it queues (a newsletter queues hundreds
    per transaction). A wake registered in a savepoint that may still roll back does not count."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        open_savepoints = set(connection.savepoint_ids)
        for savepoints, func, *_rest in connection.run_on_commit:
            if func is _wake_sender and set(savepoints) <= open_savepoints:
                return
    transaction.on_commit(_wake_sender)


def _wake_sender() -> None:
    from .tasks import send_outbox_task

    send_outbox_task.delay()


# ---------------------------------------------------------------------- sending


def claim_batch(*, size: int) -> list[OutboxMessage]:
    """Marks up to `size` due rows as sending and returns them. Two workers never get the same row."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "id")[:size]
        )
        if rows:
            OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(status=Status.SENDING, claimed_at=now)
    return rows


def _build(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail of one row, checked again: the row may have been changed since it was queued."""
    check_headers(
        to=message.recipient,
        subject=message.subject,
        from_email=message.from_email,
        headers=message.headers,
        attachments=message.attachments,
    )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.recipient],
        headers={**_automatic_headers(message.kind), **message.headers, "Message-ID": message.message_id},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment_content(attachment), attachment["mimetype"])
    return email


def binary_attachment(*, filename: str, content: bytes, mimetype: str) -> dict:
    """An attachment for `queue_email` holding bytes (a PDF): kept in the row's JSON as base64."""
    return {
        "filename": filename,
        "content": base64.b64encode(content).decode("ascii"),
        "mimetype": mimetype,
        "encoding": "base64",
    }


def attachment_content(attachment: dict) -> str | bytes:
    """What an attachment of a row holds: text as written, or the bytes of a `binary_attachment`."""
    if attachment.get("encoding") == "base64":
        return base64.b64decode(attachment["content"])
    return attachment["content"]


def _automatic_headers(kind: str) -> dict[str, str]:
    """RFC 3834's mark on mail no person wrote, and Exchange's request for no auto-replies."""
    if kind in KINDS and KINDS[kind].automatic:
        return {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    return {}


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return next(iter(exc.recipients.values()))[0]
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, HeaderInjectionError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at six hours."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, 6 * 3600))


def _record_failure(message: OutboxMessage, exc: Exception, *, permanent: bool = False) -> None:
    """Transient errors are retried with backoff; a permanent one (5xx, or a message that cannot be
    built or encoded: trying again would fail the same way) marks the message failed."""
    code = _smtp_code(exc)
    attempts = message.attempts + 1
    permanent = permanent or (code is not None and 500 <= code < 600)
    if permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_attempt_at = Status.FAILED, message.next_attempt_at
    else:
        status, next_attempt_at = Status.PENDING, timezone.now() + retry_delay(attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, attempts=attempts, last_error=_describe(exc)[:2000], next_attempt_at=next_attempt_at
    )
    logger.warning("outbox %s to %s: %s (%s)", message.pk, message.recipient, _describe(exc), status)


def _rate_allowance(wanted: int) -> int:
    """How many messages this minute's rate limit still allows (shared by all workers)."""
    limit = settings.OUTBOX_RATE_PER_MINUTE
    if not limit:
        return wanted
    key = f"outbox-rate:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, 120)
    used = cache.incr(key, wanted)
    allowed = max(0, min(wanted, limit - (used - wanted)))
    if allowed < wanted:
        cache.decr(key, wanted - allowed)
    return allowed


_TO_PLACEHOLDER = "fremdrift-placeholder-to@placeholder.invalid"
_MESSAGE_ID_PLACEHOLDER = "<FREMDRIFT-PLACEHOLDER-MESSAGE-ID@placeholder.invalid>"
_DATE_PLACEHOLDER = "FREMDRIFT-PLACEHOLDER-DATE"
_LINE_LIMIT = 998  # RFC 5322, 2.1.1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # in ASCII, what `is_header_safe` refuses
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")  # what sanitize_address leaves as it is


class _MimeTemplates:
    """The bytes of a message shared by many rows (an infobrev), built once and filled in per row.

    A row's `personal` parts (say, its unsubscribe link) are put back to their placeholders; the
    shared message is then built once, with placeholders for To, Message-ID and Date too, and each
    row's bytes are those with its own values substituted. Anything the substitution could get
    wrong (a part encoded so that a placeholder does not appear as it is, a non-ASCII value, a line
    made too long) makes `bytes_for` return None: the row is then built on its own, as any other."""

    def __init__(self, size: int = 16):
        self.size = size
        self.built: dict[tuple, bytes | None] = {}
        self.senders: dict[str, str] = {}

    def envelope(self, message: OutboxMessage) -> tuple[str, list[str]]:
        """The SMTP envelope as Django's SMTP backend makes it (`sanitize_address`), the sender's once."""
        encoding = settings.DEFAULT_CHARSET
        sender = self.senders.get(message.from_email)
        if sender is None:
            if len(self.senders) > 100:
                self.senders.clear()
            sender = self.senders[message.from_email] = sanitize_address(message.from_email, encoding)
        recipient = message.recipient
        if not _PLAIN_ADDRESS.fullmatch(recipient):
            recipient = sanitize_address(recipient, encoding)
        return sender, [recipient]

    def bytes_for(self, message: OutboxMessage) -> bytes | None:
        personal = message.personal or {}
        values = [message.recipient, message.message_id, *personal.values()]
        if (
            message.attachments
            or not personal
            or not all(isinstance(v, str) and v.isascii() and not _CONTROL.search(v) for v in values)
        ):
            return None  # built on its own, and checked as any other (a line break fails the row)
        body_text, body_html, headers = message.body_text, message.body_html, dict(message.headers)
        for placeholder, value in personal.items():
            if not value or placeholder in body_text or placeholder in body_html:
                return None
            body_text, body_html = body_text.replace(value, placeholder), body_html.replace(value, placeholder)
            headers = {name: header.replace(value, placeholder) for name, header in headers.items()}
        key = (message.kind, message.from_email, message.subject, body_text, body_html, tuple(sorted(headers.items())))
        if key not in self.built:
            if len(self.built) >= self.size:
                self.built.pop(next(iter(self.built)))
            self.built[key] = self._build_shared(message, body_text, body_html, headers)
        shared = self.built.get(key)
        if shared is None:
            return None
        data = shared.replace(_MESSAGE_ID_PLACEHOLDER.encode(), message.message_id.encode())
        data = data.replace(_TO_PLACEHOLDER.encode(), message.recipient.encode())
        data = data.replace(_DATE_PLACEHOLDER.encode(), formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode())
        for placeholder, value in personal.items():
            data = data.replace(placeholder.encode(), value.encode())
        if any(len(line) > _LINE_LIMIT for line in data.split(b"\r\n")):
            return None
        return data

    def _build_shared(self, message, body_text, body_html, headers) -> bytes | None:
        """The shared bytes, or None when they cannot be (the rows are then built and checked one by one)."""
        shared = OutboxMessage(
            recipient=_TO_PLACEHOLDER,
            from_email=message.from_email,
            subject=message.subject,
            body_text=body_text,
            body_html=body_html,
            headers={**headers, "Date": _DATE_PLACEHOLDER},
            kind=message.kind,
            message_id=_MESSAGE_ID_PLACEHOLDER,
        )
        try:
            data = _build(shared).message().as_bytes(linesep="\r\n")  # checks the shared headers, once
        except Exception:  # noqa: BLE001 - each row then fails (or goes) on its own, with its own reason
            return None
        for placeholder in [_TO_PLACEHOLDER, _MESSAGE_ID_PLACEHOLDER, _DATE_PLACEHOLDER, *message.personal]:
            # Each placeholder where the text has it, unencoded; else the shared bytes cannot be filled in.
            expected = (body_text + body_html + "".join(headers.values())).count(placeholder) or 1
            if data.count(placeholder.encode()) != expected:
                return None
        return data


_mime_templates = _MimeTemplates()


def _send_one(connection, message: OutboxMessage) -> None:
    """Sends one row over an open delivery connection. Over SMTP, a row with `personal` parts is
    sent as the shared bytes filled in (`_MimeTemplates`); everything else through the backend."""
    if isinstance(connection, SMTPBackend) and connection.connection is not None:
        data = _mime_templates.bytes_for(message)
        if data is not None:
            connection.connection.sendmail(*_mime_templates.envelope(message), data)
            return
    connection.send_messages([_build(message)])


def _mark_sent(message_ids: list[int]) -> None:
    """One statement for the batch. On PostgreSQL its commit does not wait for the WAL flush
    (`synchronous_commit = off` for this transaction only): a crash of the database, not of a
    worker, may forget the marks of the last ~600 ms, and those messages are sent again."""
    if not message_ids:
        return
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        OutboxMessage.objects.filter(pk__in=message_ids).update(
            status=Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )


def send_batch(*, size: int | None = None) -> tuple[int, bool]:
    """Claims one batch and sends it over one connection. Returns (sent, more_may_be_due).

    A message that cannot be built or sent (a bad header, an address that cannot be encoded, a
    recipient the server refuses) is marked failed with the reason, and the batch goes on. The
    messages the server accepted are marked sent together, in one statement at the end of the
    batch: a worker killed mid-batch leaves the whole batch in "sending", and the sweeper sends
    it again (a duplicate is possible for the batch in flight, never for another)."""
    size = _rate_allowance(size or settings.OUTBOX_BATCH_SIZE)
    if size == 0:
        return 0, True
    rows = claim_batch(size=size)
    if not rows:
        return 0, False
    accepted: list[int] = []
    sent = 0
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.open()
        for message in rows:
            try:
                _send_one(connection, message)
            except SoftTimeLimitExceeded:
                raise
            except HeaderInjectionError as exc:
                _record_failure(message, exc, permanent=True)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                _record_failure(message, exc)
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    connection.close()
                    connection.open()
                continue
            except Exception as exc:  # noqa: BLE001 - a header or address that cannot be built or encoded (ValueError, UnicodeError, HeaderParseError)
                _record_failure(message, exc, permanent=True)
                # It may have failed halfway through the SMTP dialogue: start the next message on a fresh connection.
                connection.close()
                connection.open()
                continue
            accepted.append(message.pk)
    except (smtplib.SMTPException, OSError) as exc:
        # The server could not be reached at all: what was claimed and not sent goes back.
        logger.warning("outbox: cannot reach the mail server: %s", exc)
        _mark_sent(accepted)
        sent, accepted = len(accepted), []
        OutboxMessage.objects.filter(pk__in=[m.pk for m in rows], status=Status.SENDING).update(
            status=Status.PENDING, next_attempt_at=timezone.now() + retry_delay(1), last_error=_describe(exc)
        )
    finally:
        sent += len(accepted)
        _mark_sent(accepted)  # also when the task's time is up mid-batch: what the server took is not sent again
        connection.close()
    return sent, len(rows) == size


def sweep() -> int:
    """Puts rows stuck in "sending" (a crashed worker) back to pending; returns how many are due."""
    stuck_before = timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    requeued = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=stuck_before).update(
        status=Status.PENDING, next_attempt_at=timezone.now()
    )
    if requeued:
        logger.warning("outbox: %s message(s) stuck in sending were put back in the queue", requeued)
    return OutboxMessage.objects.due().count()


@transaction.atomic
def retry_message(*, message: OutboxMessage) -> OutboxMessage:
    """A failed message is tried again from scratch (county staff, from the outbox page)."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != Status.FAILED:
        raise ValueError(_("Only failed messages can be retried."))
    message.status, message.attempts, message.next_attempt_at = Status.PENDING, 0, timezone.now()
    fields = ["status", "attempts", "next_attempt_at"]
    if message.county_id and not is_header_safe(message.from_email):
        # Refused for the county's sender, which has been corrected since: send it with the new one.
        message.from_email = message.county.from_email
        fields.append("from_email")
    message.save(update_fields=fields)
    transaction.on_commit(_wake_sender)
    return message


# ---------------------------------------------------------------------- digests


@transaction.atomic
def build_digests(*, today=None, hour: int | None = None) -> int:
    """Gathers each recipient's held messages into one digest e-mail; returns how many were made.

    With `hour` (the hourly beat passes the current hour, Norwegian time) only the recipients whose
    digest hour it is: their chosen one (`DigestHour`), or `DEFAULT_DIGEST_HOUR`."""
    today = today or timezone.localdate()
    held = OutboxMessage.objects.select_for_update(skip_locked=True).filter(status=Status.HELD)
    if hour is not None:
        chosen = DigestHour.objects.filter(user_id=OuterRef("user_id"))
        held = held.annotate(
            digest_at=Coalesce(Subquery(chosen.values("hour")[:1]), Value(DEFAULT_DIGEST_HOUR))
        ).filter(digest_at=hour)
    held = list(held.order_by("recipient", "created_at", "id"))
    by_recipient: dict[str, list[OutboxMessage]] = {}
    for message in held:
        by_recipient.setdefault(message.recipient, []).append(message)
    made = 0
    for recipient, items in by_recipient.items():
        user = next((m.user for m in items if m.user_id), None)
        context = {"items": items, "date": today, "user": user}
        digest = queue_templated_email(
            template="notifications/email/digest",
            context=context,
            to=recipient,
            user=user,
            kind="digest",
            idempotency_key=f"digest:{recipient}:{today.isoformat()}:{items[-1].pk}",
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in items]).update(status=Status.DIGESTED, digest=digest)
        made += 1
    return made


@transaction.atomic
def set_preferences(*, user, deliveries: dict[str, str], digest_hour: int | None = None) -> None:
    """Stores the user's choice per kind (at once, in the daily digest if the kind may be gathered, off
    if it may be turned off; anything else is ignored) and the hour of their digest."""
    for kind, delivery in deliveries.items():
        definition = KINDS.get(kind)
        if definition is None:
            continue
        allowed = {NotificationPreference.Delivery.IMMEDIATE}
        if definition.digestible:
            allowed.add(NotificationPreference.Delivery.DIGEST)
        if definition.optional:
            allowed.add(NotificationPreference.Delivery.OFF)
        if delivery in allowed and (definition.digestible or definition.optional):
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    if digest_hour is not None:
        DigestHour.objects.update_or_create(user=user, defaults={"hour": digest_hour})
