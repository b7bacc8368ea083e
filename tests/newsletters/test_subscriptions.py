"""Subscribing (double opt-in), unsubscribing in one click, preferences and bounces."""

import json
import time
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse

from newsletters import tokens
from newsletters.models import Bounce, Subscriber, Suppression
from newsletters.services import bounces, sending
from newsletters.services.base import ensure_mailing_list
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_list(county):
    mailing_list = ensure_mailing_list(county=county)
    assert mailing_list.is_public
    return mailing_list


def _link(body: str, marker: str) -> str:
    return next(word for word in body.split() if marker in word).removeprefix("http://127.0.0.1:8000")


def _subscribe(client, county, email="Ny.Leser@Example.no"):
    lists = ensure_mailing_list(county=county)
    with_callbacks = client.post(
        reverse("newsletters:subscribe", kwargs={"number": county.number}), {"email": email, "lists": [lists.pk]}
    )
    return with_callbacks


def test_subscribing_needs_the_confirmation_link(client, county, county_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, county)
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("ny.leser@example.no", Subscriber.Status.PENDING)
    (message,) = mail.outbox
    assert message.to == ["ny.leser@example.no"]
    link = _link(message.body, "/offentlig/abonnement/bekreft/")
    # Opening the link (a mail scanner does that) changes nothing; pressing the button does.
    assert client.get(link).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    response = client.post(link)
    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_tampered_confirmation_link_subscribes_nobody(client, county, county_list):
    token = tokens.make_confirm_token("ny@example.no", county_list.pk)
    payload, rest = token.split(":", 1)
    forged = tokens.make_confirm_token("annen@example.no", county_list.pk).split(":", 1)[0] + ":" + rest
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "tull"):
        response = client.post(reverse("newsletters:subscribe-confirm", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "Lenken virker ikke" in response.content.decode()
    assert not Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exists()


def test_an_expired_confirmation_link_is_refused_with_a_clear_page(client, county, county_list, monkeypatch):
    token = tokens.make_confirm_token("ny@example.no", county_list.pk)
    later = time.time() + tokens.CONFIRM_VALID_FOR.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(reverse("newsletters:subscribe-confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert "Lenken er utløpt" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_token_for_one_purpose_is_refused_for_another(client, county_list):
    unsubscribe_token = tokens.make_unsubscribe_token("ny@example.no", county_list.pk)
    response = client.post(reverse("newsletters:subscribe-confirm", kwargs={"token": unsubscribe_token}))
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_the_subscribe_form_does_not_tell_who_is_subscribed(
    client, county, county_list, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(mailing_list=county_list, email="kjent@example.no", status=Subscriber.Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        known = _subscribe(client, county, "kjent@example.no")
        unknown = _subscribe(client, county, "ukjent@example.no")

    def main(response, email):
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")].replace(email, "X")

    assert main(known, "kjent@example.no") == main(unknown, "ukjent@example.no")
    assert [m.to for m in mail.outbox] == [["ukjent@example.no"]]


def test_a_bad_address_gets_a_norwegian_message_on_the_field(client, county, county_list):
    response = client.post(
        reverse("newsletters:subscribe", kwargs={"number": county.number}),
        {"email": "ikke-en-adresse", "lists": [county_list.pk]},
    )
    assert response.status_code == 200
    assert "Oppgi en gyldig e-postadresse" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_one_click_unsubscribe_by_post_without_csrf(county_list, stakeholders):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token = tokens.make_unsubscribe_token("teknisk@tromso.example.no", stakeholders.mailing_list.pk)
    url = reverse("newsletters:unsubscribe", kwargs={"token": token})
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Suppression.objects.filter(
        email="teknisk@tromso.example.no", mailing_list=stakeholders.mailing_list
    ).exists()
    assert client.post(url).status_code == 200  # a second click is fine


def test_a_tampered_unsubscribe_link_unsubscribes_nobody(client, stakeholders):
    token = tokens.make_unsubscribe_token("fan@example.no", stakeholders.mailing_list.pk)
    response = client.post(reverse("newsletters:unsubscribe", kwargs={"token": token.replace(":", ":x", 1)}))
    assert response.status_code == 400
    assert not Suppression.objects.exists()
    assert Subscriber.objects.get(email="fan@example.no").status == Subscriber.Status.CONFIRMED


def test_preferences_page_lets_a_subscriber_pick_lists_and_come_back(client, county, stakeholders):
    county_list = ensure_mailing_list(county=county)
    Subscriber.objects.create(mailing_list=county_list, email="fan@example.no", status=Subscriber.Status.CONFIRMED)
    url = reverse(
        "newsletters:preferences", kwargs={"token": tokens.make_preferences_token("fan@example.no", county.pk)}
    )
    page = client.get(url).content.decode()
    assert stakeholders.project.title in page and "Infobrev fra Troms" in page
    client.post(url, {"lists": [county_list.pk]})
    assert (
        Subscriber.objects.get(email="fan@example.no", mailing_list=stakeholders.mailing_list).status == "unsubscribed"
    )
    assert Subscriber.objects.get(email="fan@example.no", mailing_list=county_list).status == "confirmed"
    client.post(url, {"lists": [county_list.pk, stakeholders.mailing_list.pk]})
    assert Subscriber.objects.get(email="fan@example.no", mailing_list=stakeholders.mailing_list).status == "confirmed"
    client.post(url, {"nothing": "on"})
    assert Suppression.objects.filter(email="fan@example.no", county=county, mailing_list__isnull=True).exists()
    client.post(url, {"lists": [county_list.pk]})
    assert not Suppression.objects.filter(email="fan@example.no", mailing_list__isnull=True).exists()
    client.post(url, {})  # every box unticked: the browser posts nothing at all
    assert set(Subscriber.objects.filter(email="fan@example.no").values_list("status", flat=True)) == {"unsubscribed"}


def test_bounces_from_the_command_stop_further_sending(newsletter, django_capture_on_commit_callbacks):
    out = StringIO()
    call_command("record_bounce", "Fan@Example.no", "expert@example.no", reason="550 unknown user", stdout=out)
    assert "Recorded 2" in out.getvalue()
    assert set(Bounce.objects.values_list("email", flat=True)) == {"fan@example.no", "expert@example.no"}
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    recipients = set(OutboxMessage.objects.filter(kind="newsletter").values_list("recipient", flat=True))
    assert not recipients & {"fan@example.no", "expert@example.no"}


def test_a_bounce_fails_newsletter_rows_still_waiting(newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
        sending.queue_recipients(newsletter_id=newsletter.pk)
    bounces.record_bounce(email="fan@example.no", reason="552 mailbox full")
    row = OutboxMessage.objects.get(recipient="fan@example.no")
    assert row.status == OutboxMessage.Status.FAILED
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() > 0  # the others still go


def _post_bounce(client, payload, **headers):
    return client.post(
        reverse("newsletters:bounce"), data=json.dumps(payload), content_type="application/json", **headers
    )


def test_the_bounce_endpoint_needs_the_shared_secret(client, settings):
    settings.NEWSLETTER_BOUNCE_SECRET = "s3cret-for-bounces"
    payload = {"email": "borte@example.no", "reason": "550 no such user"}
    assert _post_bounce(client, payload).status_code == 403
    assert _post_bounce(client, payload, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert _post_bounce(client, payload, HTTP_AUTHORIZATION="Bearer s3cret-for-bounce").status_code == 403
    assert not Bounce.objects.exists()
    response = _post_bounce(client, payload, HTTP_AUTHORIZATION="Bearer s3cret-for-bounces")
    assert response.status_code == 200 and response.json() == {"recorded": 1}
    response = _post_bounce(
        client,
        {"bounces": [{"email": "a@example.no"}, {"email": "B@example.no"}]},
        HTTP_X_BOUNCE_SECRET="s3cret-for-bounces",
    )
    assert response.json() == {"recorded": 2}
    assert set(Bounce.objects.values_list("email", flat=True)) == {"borte@example.no", "a@example.no", "b@example.no"}
    assert _post_bounce(client, {"nothing": 1}, HTTP_AUTHORIZATION="Bearer s3cret-for-bounces").status_code == 400


def test_the_bounce_endpoint_compares_in_constant_time(client, settings, monkeypatch):
    import hmac

    settings.NEWSLETTER_BOUNCE_SECRET = "s3cret"
    seen = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr("newsletters.views.bounces.hmac.compare_digest", spy)
    _post_bounce(client, {"email": "x@example.no"}, HTTP_AUTHORIZATION="Bearer guess")
    assert seen == [(b"guess", b"s3cret")]


def test_without_a_secret_the_bounce_endpoint_does_not_exist(client, settings):
    settings.NEWSLETTER_BOUNCE_SECRET = ""
    assert _post_bounce(client, {"email": "x@example.no"}, HTTP_AUTHORIZATION="Bearer ").status_code == 404


# ------------------------------------------------------------- limits per client behind the proxy

PROXY = {"REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_two_subscribers_behind_the_proxy_do_not_share_a_limit(client, county, county_list, settings, fresh_cache):
    from newsletters.views.subscriptions import SUBSCRIBE_LIMIT

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = reverse("newsletters:subscribe", kwargs={"number": county.number})
    data = {"email": "ny.leser@example.no", "lists": [county_list.pk]}
    for _ in range(SUBSCRIBE_LIMIT.limit):
        assert client.post(url, data, HTTP_X_FORWARDED_FOR="198.51.100.1", **PROXY).status_code == 200
    response = client.post(url, data, HTTP_X_FORWARDED_FOR="198.51.100.1", **PROXY)
    assert response.status_code == 429 and "For mange forsøk" in response.content.decode()
    response = client.post(
        url,
        {"email": "annen@example.no", "lists": [county_list.pk]},
        HTTP_X_FORWARDED_FOR="203.0.113.4, 198.51.100.2",
        **PROXY,
    )
    assert response.status_code == 200 and "annen@example.no" in response.content.decode()


def test_a_spoofed_address_does_not_escape_the_subscribe_limit_without_trusted_proxies(
    client, county, county_list, settings, fresh_cache
):
    from newsletters.views.subscriptions import SUBSCRIBE_LIMIT

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    url = reverse("newsletters:subscribe", kwargs={"number": county.number})
    data = {"email": "ny.leser@example.no", "lists": [county_list.pk]}
    for n in range(SUBSCRIBE_LIMIT.limit):
        client.post(url, data, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", REMOTE_ADDR="198.51.100.9")
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.250", REMOTE_ADDR="198.51.100.9").status_code == 429


def test_wrong_bounce_secrets_lock_out_only_the_client_that_guessed(client, settings, fresh_cache):
    from newsletters.views.bounces import BOUNCE_FAILURE_LIMIT

    settings.NEWSLETTER_BOUNCE_SECRET = "s3cret-for-bounces"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    payload = {"email": "borte@example.no", "reason": "550 no such user"}
    guesser = {"HTTP_X_FORWARDED_FOR": "203.0.113.66", **PROXY}
    for n in range(BOUNCE_FAILURE_LIMIT.limit):
        assert _post_bounce(client, payload, HTTP_AUTHORIZATION=f"Bearer guess-{n}", **guesser).status_code == 403
    # Locked out, even once it has the secret.
    response = _post_bounce(client, payload, HTTP_AUTHORIZATION="Bearer s3cret-for-bounces", **guesser)
    assert response.status_code == 429 and not Bounce.objects.exists()
    mail_server = {"HTTP_X_FORWARDED_FOR": "198.51.100.25", **PROXY}
    response = _post_bounce(client, payload, HTTP_AUTHORIZATION="Bearer s3cret-for-bounces", **mail_server)
    assert response.status_code == 200 and response.json() == {"recorded": 1}
