"""An infobrev to 1,000 recipients, counted where it arrives: an SMTP server on loopback.

The first test runs the tasks in-process (any database); the others start real
Celery workers on Redis and PostgreSQL (worker-integration), one of them
SIGKILLed mid-send and restarted.
"""

import time
from collections import Counter

import pytest

from newsletters.models import Newsletter, Subscriber
from newsletters.services import sending, writing
from newsletters.services.base import ensure_mailing_list
from newsletters.tasks import queue_newsletter_task
from notifications.models import OutboxMessage
from notifications.tasks import sweep_outbox_task
from tests.worker import celery_worker, wait_for

N = 1000


def _county_newsletter(county, county_staff, n=N):
    """A county-wide infobrev with no active projects: exactly `n` subscribers get it."""
    mailing_list = ensure_mailing_list(county=county)
    Subscriber.objects.bulk_create(
        [
            Subscriber(mailing_list=mailing_list, email=f"leser{i:04d}@example.no", status=Subscriber.Status.CONFIRMED)
            for i in range(n)
        ],
        batch_size=500,
    )
    newsletter = writing.create_newsletter(
        county=county, by=county_staff, subject="Infobrev til tusen", body="Hei alle sammen!", is_public=True
    )
    return newsletter, {f"leser{i:04d}@example.no" for i in range(n)}


def _received(smtp_server) -> Counter:
    with smtp_server.recorder.lock:
        return Counter(rcpt for m in smtp_server.messages for rcpt in m["to"])


def _message_ids(smtp_server) -> Counter:
    with smtp_server.recorder.lock:
        return Counter(m["message"]["Message-ID"] for m in smtp_server.messages)


@pytest.mark.django_db
def test_a_thousand_recipients_arrive_at_the_smtp_server_once_each(
    county, county_staff, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    newsletter, expected = _county_newsletter(county, county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
    received = _received(smtp_server)
    assert set(received) == expected and len(received) == N
    assert max(received.values()) == 1
    message = smtp_server.messages[0]["message"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Unsubscribe"].strip().startswith("<http")
        and "/offentlig/abonnement/avmeld/" in message["List-Unsubscribe"]
    )
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.recipient_count == N


@pytest.mark.worker
@pytest.mark.xdist_group("worker")
@pytest.mark.django_db(transaction=True)
def test_a_thousand_recipients_through_a_real_worker(county, county_staff, smtp_server):
    newsletter, expected = _county_newsletter(county, county_staff)
    with celery_worker(concurrency=2, env={"EMAIL_URL": smtp_server.url}) as worker:
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
        queue_newsletter_task.delay(newsletter.pk)  # a second, concurrent run of the queuing task
        wait_for(lambda: smtp_server.recorder.count() >= N, timeout=180, message=worker.output()[-3000:])
        time.sleep(1)  # anything extra would arrive now
    received = _received(smtp_server)
    assert set(received) == expected and max(received.values()) == 1
    assert OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter").count() == N
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.recipient_count == N


@pytest.mark.worker
@pytest.mark.xdist_group("worker")
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_recipient(county, county_staff, smtp_server):
    """SIGKILL mid-send, restart: every recipient gets it; a duplicate only for a message of the
    batch in flight at the kill (same Message-ID), as the outbox allows."""
    newsletter, expected = _county_newsletter(county, county_staff)
    batch = 50
    env = {"EMAIL_URL": smtp_server.url, "OUTBOX_BATCH_SIZE": str(batch), "OUTBOX_STUCK_AFTER_SECONDS": "2"}
    with celery_worker(concurrency=1, env=env) as worker:
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
        # Killed in the middle of a batch, not at its end: between two batches the worker may hold
        # nothing in flight, which tests nothing.
        wait_for(
            lambda: (count := smtp_server.recorder.count()) >= 6 * batch and 5 <= count % batch <= 30,
            timeout=180,
            interval=0.02,
            message=worker.output()[-3000:],
        )
        worker.kill()
    at_kill = smtp_server.recorder.count()
    assert at_kill < N, "the kill came too late to test anything"
    in_flight = set(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).values_list("message_id", flat=True)
    )
    assert in_flight, "the worker was killed between batches; nothing was in flight"

    with celery_worker(concurrency=1, env=env) as worker:
        time.sleep(2.5)  # longer than OUTBOX_STUCK_AFTER_SECONDS: what the dead worker held is now stuck
        sweep_outbox_task.delay()  # what beat does every minute
        queue_newsletter_task.delay(newsletter.pk)  # and a repeated queuing task changes nothing
        wait_for(
            lambda: (
                OutboxMessage.objects.filter(object_id=newsletter.pk, status=OutboxMessage.Status.SENT).count() == N
            ),
            timeout=240,
            message=worker.output()[-3000:],
        )
        time.sleep(1)
    received = _received(smtp_server)
    assert set(received) == expected, f"lost: {sorted(expected - set(received))[:10]}"
    assert OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter").count() == N
    duplicates = {message_id for message_id, count in _message_ids(smtp_server).items() if count > 1}
    # The batch in flight is marked sent in one statement at its end: only its messages may come twice.
    assert len(duplicates) <= batch, f"more duplicates than one batch for one kill: {duplicates}"
    assert duplicates <= in_flight
    assert sum(received.values()) - N == len(duplicates)


def _send_in_process(settings, smtp_server, django_capture_on_commit_callbacks, newsletter, by):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=by)


@pytest.mark.django_db
def test_the_shared_message_is_built_once_and_each_recipient_gets_their_own_parts(
    county, county_staff, smtp_server, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from notifications import services as outbox

    builds = {"n": 0}
    real_build = outbox._build

    def counting_build(message):
        builds["n"] += 1
        return real_build(message)

    monkeypatch.setattr(outbox, "_build", counting_build)
    monkeypatch.setattr(outbox, "_mime_templates", outbox._MimeTemplates())
    newsletter, expected = _county_newsletter(county, county_staff, n=60)
    _send_in_process(settings, smtp_server, django_capture_on_commit_callbacks, newsletter, county_staff)
    assert builds["n"] == 1  # one MIME message for the infobrev, filled in 60 times
    rows = {row.recipient: row for row in OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")}
    assert set(rows) == expected
    links = set()
    for received in smtp_server.messages:
        (recipient,) = received["to"]
        message, row = received["message"], rows[recipient]
        assert message["To"] == recipient and message["Message-ID"] == row.message_id
        assert message["Date"] and message["Subject"] == "Infobrev til tusen"
        link = message["List-Unsubscribe"].strip()[1:-1]
        assert link == row.headers["List-Unsubscribe"][1:-1]
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert link in plain and link in html and "FREMDRIFT-PLACEHOLDER" not in plain + html
        assert plain.replace("\r\n", "\n").strip() == row.body_text.strip()
        links.add(link)
    assert len(links) == 60  # everyone has their own


@pytest.mark.django_db
def test_a_refused_recipient_fails_with_the_servers_answer_and_the_rest_of_the_batch_is_marked_sent(
    county, county_staff, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_BATCH_SIZE = 25
    smtp_server.recorder.reject["leser0007@example.no"] = (550, "5.1.1 No such mailbox here")
    newsletter, expected = _county_newsletter(county, county_staff, n=30)
    _send_in_process(settings, smtp_server, django_capture_on_commit_callbacks, newsletter, county_staff)
    assert set(_received(smtp_server)) == expected - {"leser0007@example.no"}
    rows = OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")
    refused = rows.get(recipient="leser0007@example.no")
    assert refused.status == OutboxMessage.Status.FAILED and refused.last_error == "550 5.1.1 No such mailbox here"
    sent = rows.exclude(pk=refused.pk)
    assert sent.filter(status=OutboxMessage.Status.SENT, attempts=1, sent_at__isnull=False).count() == 29


@pytest.mark.django_db
def test_a_message_sent_again_after_a_crash_keeps_its_message_id(
    county, county_staff, smtp_server, settings, django_capture_on_commit_callbacks
):
    """A worker that dies before the batch is marked leaves it in "sending"; the sweeper puts it
    back and it goes again: the reader's mail client sees the same Message-ID twice (one message)."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications import services as outbox

    newsletter, expected = _county_newsletter(county, county_staff, n=10)
    _send_in_process(settings, smtp_server, django_capture_on_commit_callbacks, newsletter, county_staff)
    rows = OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")
    first = {m["to"][0]: m["message"]["Message-ID"] for m in smtp_server.messages}
    # As the database would have it had the worker been killed before the batch was marked.
    rows.update(status=OutboxMessage.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1))
    assert outbox.sweep() == 10
    assert outbox.send_batch() == (10, False)
    again = [(m["to"][0], m["message"]["Message-ID"]) for m in smtp_server.messages[10:]]
    assert len(again) == 10 and all(first[recipient] == message_id for recipient, message_id in again)
    assert set(first) == expected and rows.filter(status=OutboxMessage.Status.SENT).count() == 10


@pytest.mark.django_db
def test_a_row_changed_after_queuing_to_carry_a_line_break_fails_alone_on_the_shared_path(
    county, county_staff, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    newsletter, expected = _county_newsletter(county, county_staff, n=5)
    with django_capture_on_commit_callbacks(execute=False):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
    with django_capture_on_commit_callbacks(execute=False):
        sending.queue_recipients(newsletter_id=newsletter.pk)
    rows = OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")
    bad = rows.get(recipient="leser0002@example.no")
    personal = dict(bad.personal)
    first = next(iter(personal))
    personal[first] += "\r\nBcc: alle@example.no"
    rows.filter(pk=bad.pk).update(personal=personal, recipient="leser0002@example.no\nBcc: alle@example.no")
    from notifications import services as outbox

    assert outbox.send_batch() == (4, False)
    assert set(_received(smtp_server)) == expected - {"leser0002@example.no"}
    bad.refresh_from_db()
    assert bad.status == OutboxMessage.Status.FAILED and "linjeskift" in bad.last_error
