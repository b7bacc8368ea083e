import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications import services
from notifications.models import NotificationPreference, OutboxMessage
from tests.conftest import skip_or_fail
from tests.factories import UserFactory

Status = OutboxMessage.Status


def _queue(n=1, **kwargs):
    return [
        services.queue_email(
            to=kwargs.get("to", f"mottaker{i}@example.no"),
            subject=kwargs.get("subject", f"Melding {i}"),
            body_text="Hei!",
            kind=kwargs.get("kind", "reminder"),
            user=kwargs.get("user"),
            idempotency_key=kwargs.get("idempotency_key"),
        )
        for i in range(n)
    ]


@pytest.fixture
def smtp_delivery(settings, smtp_server):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


@pytest.mark.django_db
def test_row_is_written_in_the_callers_transaction():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            _queue()
            raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    _queue()
    assert OutboxMessage.objects.get().status == Status.PENDING


@pytest.mark.django_db
def test_sender_is_woken_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _queue()
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == Status.SENT


@pytest.mark.django_db
def test_idempotency_key_never_makes_a_second_row():
    first = _queue(idempotency_key="påminnelse:1:2026-11-26")[0]
    second = _queue(idempotency_key="påminnelse:1:2026-11-26", subject="Annet emne")[0]
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("subject", "Hei\nBcc: alle@example.no"),
        ("to", "a@example.no\r\nBcc: b@example.no"),
        ("from_email", "X\n<x@x.no>"),
    ],
)
def test_a_line_break_in_a_header_is_refused(field, value):
    kwargs = {"to": "a@example.no", "subject": "Emne", "body_text": "Tekst", "kind": "reminder", field: value}
    message = services.queue_email(**kwargs)  # not raised: the caller's change goes through, the message does not
    assert message.status == Status.FAILED and "linjeskift" in message.last_error
    services.send_batch()
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_message_keeps_its_message_id_when_delivered(smtp_delivery):
    messages = _queue(3)
    services.send_batch()
    received = {m["message"]["Message-ID"] for m in smtp_delivery.messages}
    assert received == {m.message_id for m in messages}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_transient_error_is_retried_with_backoff(smtp_delivery):
    smtp_delivery.recorder.reject["mottaker0@example.no"] = (451, "4.7.1 Try again later")
    message = _queue()[0]
    before = timezone.now()
    services.send_batch()
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 1
    assert message.last_error == "451 4.7.1 Try again later"
    assert timedelta(seconds=59) <= message.next_attempt_at - before <= timedelta(seconds=70)
    assert services.send_batch() == (0, False)  # not due yet
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    second_try = timezone.now()
    services.send_batch()
    message.refresh_from_db()
    assert message.attempts == 2
    assert timedelta(seconds=119) <= message.next_attempt_at - second_try <= timedelta(seconds=130)
    del smtp_delivery.recorder.reject["mottaker0@example.no"]
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    services.send_batch()
    message.refresh_from_db()
    assert message.status == Status.SENT and smtp_delivery.recorder.count() == 1


@pytest.mark.django_db
def test_permanent_error_fails_with_the_servers_answer(smtp_delivery):
    smtp_delivery.recorder.reject["mottaker0@example.no"] = (550, "5.1.1 No such user here")
    message, other = _queue(2)
    services.send_batch()
    message.refresh_from_db()
    other.refresh_from_db()
    assert message.status == Status.FAILED and message.last_error == "550 5.1.1 No such user here"
    assert other.status == Status.SENT  # one bad address does not stop the batch


@pytest.mark.django_db
def test_unreachable_server_puts_the_batch_back(settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    messages = _queue(2)
    services.send_batch()
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.PENDING and message.next_attempt_at > timezone.now()
        assert "Connection" in message.last_error or "Errno" in message.last_error


@pytest.mark.django_db
def test_too_many_transient_errors_end_as_failed(smtp_delivery, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_delivery.recorder.reject["mottaker0@example.no"] = (421, "Service not available")
    message = _queue()[0]
    services.send_batch()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    services.send_batch()
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 2


@pytest.mark.django_db
def test_sweeper_requeues_rows_stuck_in_sending(settings):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 600
    stuck, recent = _queue(2)
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(minutes=11)
    )
    OutboxMessage.objects.filter(pk=recent.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert services.sweep() == 1
    assert OutboxMessage.objects.get(pk=stuck.pk).status == Status.PENDING
    assert OutboxMessage.objects.get(pk=recent.pk).status == Status.SENDING


@pytest.mark.django_db
def test_rate_limit_caps_messages_per_minute(settings):
    settings.OUTBOX_RATE_PER_MINUTE = 3
    _queue(5)
    assert services.send_batch()[0] == 3
    assert services.send_batch() == (0, True)
    assert OutboxMessage.objects.filter(status=Status.PENDING).count() == 2


@pytest.mark.django_db
def test_digest_gathers_held_messages_into_one_email():
    user = UserFactory(email="sjef@example.no")
    services.set_preferences(user=user, deliveries={"reminder": NotificationPreference.Delivery.DIGEST})
    held = _queue(3, to=user.email, user=user)
    immediate = _queue(1, to=user.email, user=user, kind="agreement")[0]
    assert {m.status for m in held} == {Status.HELD} and immediate.status == Status.PENDING
    assert services.build_digests() == 1
    digest = OutboxMessage.objects.get(kind="digest")
    assert digest.recipient == "sjef@example.no" and digest.status == Status.PENDING
    for message in held:
        message.refresh_from_db()
        assert message.status == Status.DIGESTED and message.digest == digest
        assert message.subject in digest.body_text
    assert "3 nye varsler" in digest.body_text
    assert services.build_digests() == 0


@pytest.mark.django_db
def test_account_messages_are_never_held_for_a_digest():
    user = UserFactory()
    services.set_preferences(user=user, deliveries={"account": "digest", "reminder": "digest"})
    assert not NotificationPreference.objects.filter(kind="account").exists()
    assert _queue(to=user.email, user=user, kind="account")[0].status == Status.PENDING


@pytest.mark.django_db
def test_retry_makes_a_failed_message_pending_again():
    message = _queue()[0]
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=8)
    services.retry_message(message=message)
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 0
    with pytest.raises(ValueError):
        services.retry_message(message=message)


@pytest.mark.django_db(transaction=True)
def test_two_senders_never_claim_the_same_row(monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("SKIP LOCKED needs PostgreSQL (SQLite ignores row locks)")
    monkeypatch.setattr(services, "_wake_sender", lambda: None)  # no in-process sender: we are the senders
    _queue(10)
    holding, release = threading.Event(), threading.Event()
    held_ids = []

    def first_worker():
        with transaction.atomic():
            rows = list(OutboxMessage.objects.due().select_for_update(skip_locked=True).order_by("id")[:5])
            held_ids.extend(row.pk for row in rows)
            holding.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert holding.wait(10)
    claimed = services.claim_batch(size=10)  # must neither block nor take the locked rows
    release.set()
    thread.join()
    assert len(claimed) == 5 and not {row.pk for row in claimed} & set(held_ids)


@pytest.mark.django_db
def test_a_templated_email_whose_key_is_queued_renders_nothing_and_queues_nothing(monkeypatch):
    first = services.queue_templated_email(
        template="notifications/email/digest",
        context={"items": [], "date": timezone.localdate()},
        to="mottaker@example.no",
        kind="digest",
        idempotency_key="digest:mottaker:1",
    )
    rendered = []
    monkeypatch.setattr(services, "render_to_string", lambda *args, **kwargs: rendered.append(args) or "")
    again = services.queue_templated_email(
        template="notifications/email/digest",
        context={"items": [], "date": timezone.localdate()},
        to="mottaker@example.no",
        kind="digest",
        idempotency_key="digest:mottaker:1",
    )
    assert again == first and rendered == []
    assert OutboxMessage.objects.count() == 1 and OutboxMessage.objects.get().subject == first.subject != ""
