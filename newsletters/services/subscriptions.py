"""Mailing lists and subscriptions: public lists, subscribing with confirmation, unsubscribing, an address's
preferences."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import queue_templated_email

from .. import rendering, tokens
from ..models import (
    MailingList,
    Newsletter,
    Subscriber,
    Suppression,
    normalise_email,
)


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
        context={
            "mailing_list": mailing_list,
            "county": county,
            "confirm_url": confirm,
            "valid_days": tokens.CONFIRM_VALID_FOR.days,
        },
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
            Subscriber.Status.CONFIRMED,
            timezone.now(),
            None,
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
            Suppression.objects.get_or_create(
                email=email, mailing_list=mailing_list, defaults={"county": mailing_list.county}
            )
    except IntegrityError:
        pass  # a second click at the same moment
    Subscriber.objects.filter(mailing_list=mailing_list, email=email).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())


def lists_for_address(email: str, county) -> list[MailingList]:
    """The county's lists this address gets (or got) newsletters from, or is subscribed to."""
    email = normalise_email(email)
    newsletter_ids = OutboxMessage.objects.filter(
        recipient__iexact=email,
        county=county,
        kind="newsletter",
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
            Subscriber.objects.filter(
                mailing_list=mailing_list, email=email, status=Subscriber.Status.UNSUBSCRIBED
            ).update(status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now(), unsubscribed_at=None)
        else:
            unsubscribe(email=email, mailing_list=mailing_list)
    everything = Suppression.objects.filter(email=email, county=county, mailing_list__isnull=True)
    if nothing:
        if not everything.exists():
            Suppression.objects.create(email=email, county=county)
    else:
        everything.delete()
