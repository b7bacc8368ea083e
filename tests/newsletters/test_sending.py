"""Sending an infobrev: one outbox row per recipient, whatever happens, with the unsubscribe headers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsletters import tasks
from newsletters.models import Newsletter
from newsletters.services import bounces, sending, subscriptions, writing
from newsletters.services.base import NewsletterError
from notifications.models import OutboxMessage
from notifications.services import queue_email
from tests.newsletters.conftest import EXPECTED_RECIPIENTS

pytestmark = pytest.mark.django_db


def _rows(newsletter):
    return OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")


def test_sending_queues_one_row_per_recipient_and_delivers_each_once(newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.recipient_count == len(EXPECTED_RECIPIENTS)
    assert {row.recipient for row in _rows(newsletter)} == EXPECTED_RECIPIENTS
    assert sorted(m.to[0] for m in mail.outbox) == sorted(EXPECTED_RECIPIENTS)


def test_queuing_twice_makes_no_second_row(newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    first = sending.queue_recipients(newsletter_id=newsletter.pk)
    # A second run (a repeated task, a second worker) while it still looks unfinished.
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENDING)
    second = sending.queue_recipients(newsletter_id=newsletter.pk)
    assert (first, second) == (len(EXPECTED_RECIPIENTS), 0)
    assert _rows(newsletter).count() == len(EXPECTED_RECIPIENTS)
    assert tasks.queue_newsletter_task.apply(args=[newsletter.pk]).get() == 0  # done: a no-op


def test_a_crash_halfway_through_queuing_is_finished_by_the_next_run(
    newsletter, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    real = sending._queue_one
    calls = {"n": 0}

    def crash_on_the_fifth(*args):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("worker killed")
        return real(*args)

    monkeypatch.setattr(sending, "_queue_one", crash_on_the_fifth)
    with pytest.raises(RuntimeError):
        sending.queue_recipients(newsletter_id=newsletter.pk, chunk_size=2)
    assert _rows(newsletter).count() == 4  # two chunks of two were committed, the third rolled back
    monkeypatch.setattr(sending, "_queue_one", real)
    # The periodic task finds the stalled newsletter and starts it again.
    Newsletter.objects.filter(pk=newsletter.pk).update(queuing_progress_at=timezone.now() - timedelta(minutes=10))
    assert sending.start_due_newsletters() == 1
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert _rows(newsletter).count() == len(EXPECTED_RECIPIENTS)


def test_every_message_carries_the_unsubscribe_headers_and_a_personal_link(
    newsletter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    links = set()
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = message.extra_headers["List-Unsubscribe"]
        assert link.startswith("<http") and "/offentlig/abonnement/avmeld/" in link
        assert link[1:-1] in message.body
        html = message.alternatives[0][0]
        assert link[1:-1] in html
        links.add(link)
    assert len(links) == len(mail.outbox)  # everyone has their own


def test_html_and_text_parts_come_from_the_same_source_with_the_countys_footer(
    newsletter, county, django_capture_on_commit_callbacks
):
    county.sender_name, county.sender_email = "Troms fylkesbibliotek", "fylkesbiblioteket@example.no"
    county.save()
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>kommet i gang</strong>" in html and '<a href="https://example.no/rom"' in html
    assert "kommet i gang" in message.body and "nettsiden (https://example.no/rom)" in message.body
    assert "**" not in message.body
    for part in (html, message.body):
        assert "Troms fylkesbibliotek" in part and "fylkesbiblioteket@example.no" in part
        assert "Avmeld" in part
    assert message.from_email == "Troms fylkesbibliotek <fylkesbiblioteket@example.no>"
    assert message.subject == "Nytt fra bibliotekrommet"


def test_unsubscribed_and_bounced_addresses_are_skipped(newsletter, stakeholders, django_capture_on_commit_callbacks):
    subscriptions.unsubscribe(email="fan@example.no", mailing_list=stakeholders.mailing_list)
    bounces.record_bounce(email="Expert@Example.no", reason="550 5.1.1 unknown")
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    recipients = {row.recipient for row in _rows(newsletter)}
    assert recipients == EXPECTED_RECIPIENTS - {"fan@example.no", "expert@example.no"}


def test_a_subject_with_a_line_break_is_refused(newsletter, county, county_staff, stakeholders):
    with pytest.raises(ValidationError) as error:
        writing.create_newsletter(county=county, by=county_staff, subject="Hei\nBcc: alle@example.no", body="x")
    assert "subject" in error.value.message_dict
    with pytest.raises(ValidationError):
        writing.update_newsletter(
            newsletter=newsletter, by=county_staff, subject="Hei\r\nBcc: x@example.no", body="x", is_public=False
        )
    # And the outbox itself refuses a header with a line break, whatever the caller: the message fails.
    refused = queue_email(to="a@example.no", subject="Hei\nBcc: x@example.no", body_text="x", kind="newsletter")
    assert refused.status == OutboxMessage.Status.FAILED
    newsletter.refresh_from_db()
    assert newsletter.subject == "Nytt fra bibliotekrommet"


def test_a_sent_newsletter_cannot_change_or_be_sent_again(newsletter, county_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
    with pytest.raises(NewsletterError):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
    with pytest.raises(NewsletterError):
        writing.update_newsletter(newsletter=newsletter, by=county_staff, subject="Ny", body="Ny", is_public=False)
    assert _rows(newsletter).count() == len(EXPECTED_RECIPIENTS)


def test_scheduled_newsletter_is_sent_when_its_time_comes(newsletter, county_staff, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    sending.schedule_newsletter(newsletter=newsletter, by=county_staff, at=at)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.start_due_newsletters(now=timezone.now()) == 0
    assert _rows(newsletter).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.start_due_newsletters_task.apply().get() == 0
        assert sending.start_due_newsletters(now=at + timedelta(seconds=1)) == 1
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert _rows(newsletter).count() == len(EXPECTED_RECIPIENTS)


def test_scheduling_in_the_past_is_refused(newsletter, county_staff):
    with pytest.raises(ValidationError) as error:
        sending.schedule_newsletter(newsletter=newsletter, by=county_staff, at=timezone.now() - timedelta(minutes=1))
    assert "scheduled_at" in error.value.message_dict
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT


def test_a_thousand_queued_rows_wake_the_sender_once_per_transaction(newsletter, django_capture_on_commit_callbacks):
    from newsletters.models import Subscriber

    Subscriber.objects.bulk_create(
        [
            Subscriber(
                mailing_list=newsletter.mailing_list, email=f"leser{i}@example.no", status=Subscriber.Status.CONFIRMED
            )
            for i in range(40)
        ]
    )
    with django_capture_on_commit_callbacks(execute=False):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    with django_capture_on_commit_callbacks(execute=False) as wakes:
        sending.queue_recipients(newsletter_id=newsletter.pk, chunk_size=20)
    assert _rows(newsletter).count() == 40 + len(EXPECTED_RECIPIENTS)
    assert len(wakes) == 3  # one per chunk of 20, not one per message


def test_a_sender_name_with_a_line_break_stops_the_send_before_anything_is_queued(newsletter, county, county_staff):
    county.sender_name, county.sender_email = "Troms\nBcc: alle@example.no", "fylket@example.no"
    county.save()
    newsletter.refresh_from_db()
    with pytest.raises(NewsletterError):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT and not _rows(newsletter).exists()
    sending.schedule_newsletter(newsletter=newsletter, by=county_staff, at=timezone.now() + timedelta(minutes=5))
    assert sending.start_due_newsletters(now=timezone.now() + timedelta(minutes=6)) == 0
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT and not _rows(newsletter).exists()


def test_the_links_made_once_per_newsletter_are_the_links_made_one_by_one(newsletter):
    from newsletters import rendering

    links = rendering.PersonalLinks(newsletter)
    for email in ["fan@example.no", "Ærlig.Øst@example.no", "a+b@example.no"]:
        unsubscribe = rendering.unsubscribe_url(email, newsletter.mailing_list_id)
        assert links.unsubscribe_url(email) == unsubscribe
        assert links.preferences_url(email) == rendering.preferences_url(email, newsletter.county_id)
        assert links.list_headers(unsubscribe_url=unsubscribe) == rendering.list_headers(
            newsletter, unsubscribe_url=unsubscribe
        )
