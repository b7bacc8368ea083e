"""The personal calendar feed: a secret address with the user's milestones, meetings and visits."""

from django.db import transaction
from django.utils import timezone

from ..models import CalendarFeed, new_feed_token


@transaction.atomic
def ensure_calendar_feed(*, user) -> CalendarFeed:
    """The user's feed, made the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token, feed.created_at = new_feed_token(), timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed
