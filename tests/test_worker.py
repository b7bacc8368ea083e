"""Tasks end to end through real Celery workers on Redis (worker-integration)."""

import time
from collections import Counter

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.services import invite_user
from notifications.models import OutboxMessage
from notifications.tasks import send_outbox_task, sweep_outbox_task
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("worker"), pytest.mark.django_db(transaction=True)]


def _bulk_queue(county, n):
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                recipient=f"mottaker{i}@example.no",
                from_email="fylkesbiblioteket@example.no",
                subject=f"Melding {i}",
                body_text=f"Dette er melding nummer {i}.",
                kind="reminder",
                county=county,
                message_id=f"<test-{i}-{now.timestamp()}@fremdrift.test>",
                next_attempt_at=now,
            )
            for i in range(n)
        ],
        batch_size=500,
    )
    return set(OutboxMessage.objects.values_list("message_id", flat=True))


def _received_ids(smtp_server) -> Counter:
    with smtp_server.recorder.lock:
        return Counter(m["message"]["Message-ID"] for m in smtp_server.messages)


def test_invitation_email_is_sent_by_a_real_worker(county, county_admin, smtp_server):
    with celery_worker(env={"EMAIL_URL": smtp_server.url}) as worker:
        invite_user(
            county=county,
            email="ny.bruker@example.no",
            name="Ny Bruker",
            role=Membership.Role.COUNTY_STAFF,
            by=county_admin,
        )
        wait_for(lambda: smtp_server.recorder.count() == 1, message=f"the e-mail\n{worker.output()[-2000:]}")
    received = smtp_server.messages[0]
    assert received["to"] == ["ny.bruker@example.no"]
    assert received["message"]["Subject"] == "Invitasjon til Fremdrift fra Troms"
    assert "/invitasjon/" in received["message"].get_body(("plain",)).get_content()
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_two_workers_share_the_outbox_and_send_each_message_once(county, smtp_server):
    expected = _bulk_queue(county, 300)
    env = {"EMAIL_URL": smtp_server.url, "OUTBOX_BATCH_SIZE": "20"}
    with celery_worker(concurrency=2, env=env) as worker:
        for _ in range(6):
            send_outbox_task.delay()
        wait_for(lambda: smtp_server.recorder.count() >= 300, timeout=120, message=worker.output()[-2000:])
        time.sleep(1)
    received = _received_ids(smtp_server)
    assert set(received) == expected
    assert max(received.values()) == 1
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 300


def test_no_message_is_lost_when_the_worker_is_killed_mid_send(county, smtp_server):
    """1,000 messages; the worker is SIGKILLed mid-send and restarted. Nothing is lost, and a
    message arrives twice only if its batch was in flight at the kill, with the same Message-ID."""
    expected = _bulk_queue(county, 1000)
    batch = 50
    env = {"EMAIL_URL": smtp_server.url, "OUTBOX_BATCH_SIZE": str(batch), "OUTBOX_STUCK_AFTER_SECONDS": "2"}
    with celery_worker(concurrency=1, env=env) as worker:
        send_outbox_task.delay()
        # Killed in the middle of a batch, not at its end: between two batches the worker may hold
        # nothing in flight, which tests nothing.
        wait_for(
            lambda: (count := smtp_server.recorder.count()) >= 6 * batch and 5 <= count % batch <= 30,
            timeout=120,
            interval=0.02,
            message=worker.output()[-2000:],
        )
        worker.kill()
    at_kill = smtp_server.recorder.count()
    assert at_kill < 1000, "the kill came too late to test anything"
    in_flight = set(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).values_list("message_id", flat=True)
    )
    assert in_flight, "the worker was killed between batches; nothing was in flight"

    with celery_worker(concurrency=1, env=env) as worker:
        time.sleep(2.5)  # longer than OUTBOX_STUCK_AFTER_SECONDS: what the dead worker held is now stuck
        sweep_outbox_task.delay()  # what beat does every minute
        wait_for(
            lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 1000,
            timeout=180,
            message=worker.output()[-2000:],
        )
    received = _received_ids(smtp_server)
    assert set(received) == expected, f"lost: {len(expected - set(received))}"
    duplicates = {message_id for message_id, count in received.items() if count > 1}
    # The batch in flight is marked sent in one statement at its end: only its messages may come twice.
    assert len(duplicates) <= batch, f"more duplicates than one batch for one kill: {duplicates}"
    assert duplicates <= in_flight
