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
    """SIGKILL mid-send, restart: every recipient gets it; a duplicate only for a message that
    was in flight at the kill (same Message-ID), as the outbox allows."""
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
    assert len(duplicates) <= 1, f"more than one duplicate for one kill: {duplicates}"
    assert duplicates <= in_flight
    assert sum(received.values()) - N == len(duplicates)
