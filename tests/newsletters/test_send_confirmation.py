"""Sending an infobrev as county staff see it: a confirmation that says how many get it and who cannot be
reached, one confirmed POST, and afterwards the truth ("Sendt til 7 av 10") on the page and in the message,
also when the SMTP server refuses one address."""

import html
import re

import pytest
from django.urls import reverse

from newsletters.models import Newsletter
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

# The stakeholders fixture: 7 get it; the mayor has no address, one subscriber unsubscribed, one never confirmed.
LEFT_OUT = [
    "Ordfører Uten Adresse kan ikke nås: ingen e-postadresse.",
    "gikk@example.no kan ikke nås: avmeldt.",
    "venter@example.no kan ikke nås: har ikke bekreftet abonnementet.",
]


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def _rows(newsletter):
    return OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")


def _send_url(newsletter):
    return reverse("newsletters:newsletter-send", kwargs={"pk": newsletter.pk})


def test_the_confirmation_shows_the_count_and_who_cannot_be_reached_and_sends_nothing(client, county_staff, newsletter):
    client.force_login(county_staff)
    page = _text(client.get(newsletter.get_absolute_url()))
    assert f'action="{_send_url(newsletter)}"' in page  # the page's send button leads to the confirmation
    confirmation = _text(client.get(_send_url(newsletter), {"when": "now"}))
    assert "«Nytt fra bibliotekrommet» går til 7 av 10." in confirmation
    for line in LEFT_OUT:
        assert line in confirmation
    assert "Bekreft utsending til 7 mottakere" in confirmation
    # Posting the choice without the explicit confirmation only shows the confirmation again.
    again = client.post(_send_url(newsletter), {"when": "now"})
    assert again.status_code == 200 and "Bekreft utsending til 7 mottakere" in _text(again)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT and not _rows(newsletter).exists()


def test_confirming_sends_once_and_says_how_many_got_it(
    client, county_staff, newsletter, django_capture_on_commit_callbacks
):
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_send_url(newsletter), {"when": "now", "confirm": "yes"})
    # The queuing and delivery ran after the request's commit: the message said what was about to happen.
    text = _text(client.get(response.url))
    assert "Infobrevet sendes til 7 av 10. Følg fremdriften nedenfor." in text
    for line in LEFT_OUT:
        assert line in text
    # The progress box, now that it is done, says what happened, in the past tense.
    progress = text.split('id="newsletter-progress"')[1]
    assert 'data-progress="sent">7<' in progress and 'data-progress="skipped">3<' in progress
    assert 'data-progress="summary">Sendt til 7 av 10.' in progress
    for line in LEFT_OUT:
        assert line.replace("kan ikke nås", "kunne ikke nås") in progress
    assert _rows(newsletter).count() == 7

    # A second click, the back button and confirm again: nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(_send_url(newsletter), {"when": "now", "confirm": "yes"}, follow=True)
    assert "Dette infobrevet er sendt og kan ikke lenger endres." in _text(second)
    assert _rows(newsletter).count() == 7


def test_scheduling_shows_the_same_count_before_it_is_confirmed(client, county_staff, newsletter):
    client.force_login(county_staff)
    choice = {"when": "later", "scheduled_at": "2099-01-01T10:00"}
    confirmation = _text(client.get(_send_url(newsletter), choice))
    assert "«Nytt fra bibliotekrommet» blir sendt 1.1.2099 10:00 til 7 av 10." in confirmation
    assert "Bekreft planlagt utsending til 7 mottakere" in confirmation
    for line in LEFT_OUT:
        assert line in confirmation
    response = client.post(_send_url(newsletter), choice | {"confirm": "yes"}, follow=True)
    assert "Infobrevet blir sendt 1.1.2099 10:00 til 7 av 10." in _text(response)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED and not _rows(newsletter).exists()


def test_a_time_in_the_past_is_refused_on_the_field_of_the_confirmation(client, county_staff, newsletter):
    client.force_login(county_staff)
    page = _text(client.get(_send_url(newsletter), {"when": "later", "scheduled_at": "2020-01-01T10:00"}))
    assert "Velg et tidspunkt fram i tid." in page and 'name="confirm"' not in page


def test_an_address_the_smtp_server_refuses_stops_no_other_and_the_page_says_so(
    client, county_staff, newsletter, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    smtp_server.recorder.reject["teknisk@tromso.example.no"] = (550, "5.1.1 No such user")
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_send_url(newsletter), {"when": "now", "confirm": "yes"})
    received = {rcpt for message in smtp_server.messages for rcpt in message["to"]}
    assert len(received) == 6 and "teknisk@tromso.example.no" not in received
    progress = _text(client.get(newsletter.get_absolute_url())).split('id="newsletter-progress"')[1]
    assert 'data-progress="sent">6<' in progress and 'data-progress="failed">1<' in progress
    assert 'data-progress="skipped">3<' in progress
    assert "Sendt til 6 av 10." in progress and "1 melding kunne ikke leveres: se utgående e-post." in progress
    assert "Ordfører Uten Adresse kunne ikke nås: ingen e-postadresse." in progress
