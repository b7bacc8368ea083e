"""The e-mails of the follow-up: one template per message under templates/followup/email/, to a user
(their digest choice applies) or to an address, each with an idempotency key so that a second run
queues nothing twice (and renders nothing: see `queue_templated_email`)."""

from django.conf import settings

from accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import queue_templated_email

TEMPLATES = "followup/email/"


def absolute(path: str) -> str:
    """An absolute link for an e-mail (made outside a request)."""
    return f"{settings.SITE_URL}{path}"


def notice(
    *,
    to,
    message: str,
    context: dict,
    link: str = "",
    kind: str,
    county,
    about,
    key: str,
    attachments=None,
    email: str | None = None,
) -> bool:
    """One e-mail from the template `followup/email/<message>`. Returns False when a message with
    the same idempotency key was already queued."""
    key = key[:255]
    if OutboxMessage.objects.filter(idempotency_key=key).exists():
        return False
    queue_templated_email(
        template=TEMPLATES + message,
        context={**context, "link": link},
        to=email or to.email,
        user=to if isinstance(to, User) else None,
        kind=kind,
        county=county,
        about=about,
        idempotency_key=key,
        attachments=attachments,
    )
    return True
