"""The personal calendar feed: a secret address with the user's milestones, meetings and visits."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import CalendarFeed, new_feed_token


@transaction.atomic
def ensure_calendar_feed(*, user, language: str = settings.LANGUAGE_CODE) -> CalendarFeed:
    """The user's feed, made the first time it is asked for, in `language` (the user's, as they ask)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"language": language})
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user, language: str = settings.LANGUAGE_CODE) -> CalendarFeed:
    """A new secret address (in `language`); the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.get_or_create(user=user, defaults={"language": language})
    if not created:
        feed.token, feed.created_at, feed.language = new_feed_token(), timezone.now(), language
        feed.save(update_fields=["token", "created_at", "language"])
    return feed
