from django.core.mail.backends.base import BaseEmailBackend

from .services import queue_email


class OutboxBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND: e-mail sent by Django or allauth goes into the outbox.

    Each recipient gets a row of its own, written in the caller's transaction.
    The real delivery backend is OUTBOX_DELIVERY_BACKEND (from EMAIL_URL).
    """

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            html = next(
                (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
            )
            for recipient in message.recipients():
                queue_email(
                    to=recipient,
                    subject=message.subject,
                    body_text=message.body,
                    body_html=html,
                    from_email=message.from_email,
                    headers={k: v for k, v in message.extra_headers.items() if k.lower() != "message-id"},
                    kind="account",
                )
            count += 1
        return count
