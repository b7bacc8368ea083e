"""The daily reminder task: on the beat schedule, and a second run sends nothing new."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from agreements.models import Agreement
from agreements.tasks import send_signature_reminders_task
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_reminders_are_on_the_daily_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["agreement-reminders"]
    assert entry["task"] == "agreements.tasks.send_signature_reminders_task"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {15}


def test_the_reminder_task_is_idempotent(sent, county):
    Agreement.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - timedelta(days=county.agreement_reminder_days))
    assert send_signature_reminders_task.delay().get() == 3
    assert send_signature_reminders_task.delay().get() == 0
    reminders = OutboxMessage.objects.filter(idempotency_key__startswith="agreement-reminder:")
    assert reminders.count() == 3 and {m.kind for m in reminders} == {"agreement"}
    assert all(m.subject.startswith("Påminnelse: ") for m in reminders)
