"""The e-mails of the follow-up: one shared template, to a user (their digest choice applies) or
to an address, each with an idempotency key so that a second run queues nothing twice."""

from django.conf import settings

from accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import queue_templated_email


def absolute(path: str) -> str:
    """An absolute link for an e-mail (made outside a request)."""
    return f"{settings.SITE_URL}{path}"


def notice(*, to, subject: str, lines: list[str], link: str = "", kind: str, county, about, key: str,
           attachments=None, email: str | None = None) -> bool:
    """One e-mail from the shared follow-up template. Returns False when a message with the same
    idempotency key was already queued."""
    if OutboxMessage.objects.filter(idempotency_key=key[:255]).exists():
        return False
    queue_templated_email(
        template="followup/email/notice",
        context={"subject": subject, "lines": lines, "link": link},
        to=email or to.email,
        user=to if isinstance(to, User) else None,
        kind=kind,
        county=county,
        about=about,
        idempotency_key=key[:255],
        attachments=attachments,
    )
    return True
