"""Bounces: a bounced address gets no more newsletters, from any county, and its waiting newsletter rows fail."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import OutboxMessage

from ..models import (
    Bounce,
    normalise_email,
)


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
                bounce = Bounce.objects.create(
                    email=email, reason=reason[:500], source=source, first_at=now, last_at=now
                )
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
