import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import NotificationPreference, OutboxMessage

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def _message(county, n, status=Status.SENT, error=""):
    return OutboxMessage.objects.create(
        recipient=f"m{n}@example.no",
        from_email="f@example.no",
        subject=f"Emne {n}",
        body_text="B",
        kind="reminder",
        county=county,
        message_id=f"<{n}@t>",
        status=status,
        last_error=error,
    )


def test_county_staff_see_failed_messages_and_retry_one(
    client, county, county_staff, django_capture_on_commit_callbacks
):
    failed = _message(county, 1, Status.FAILED, "550 5.1.1 No such user")
    _message(county, 2)
    client.force_login(county_staff)
    url = reverse("notifications:outbox", kwargs={"number": "55"})
    html = client.get(url, {"status": "failed"}).content.decode()
    assert "m1@example.no" in html and "550 5.1.1 No such user" in html and "m2@example.no" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox-retry", kwargs={"number": "55", "pk": failed.pk}))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SENT  # retried and delivered by the in-process sender


def test_outbox_shows_only_the_own_county(client, county, other_county, county_staff):
    _message(other_county, 9)
    client.force_login(county_staff)
    assert "m9@example.no" not in client.get(reverse("notifications:outbox", kwargs={"number": "55"})).content.decode()


def test_outbox_query_count_does_not_grow(client, county, county_staff):
    client.force_login(county_staff)
    url = reverse("notifications:outbox", kwargs={"number": "55"})
    for n in range(5):
        _message(county, n)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5, 60):
        _message(county, n, Status.FAILED)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_user_chooses_a_daily_digest_for_reminders(client, library_head):
    client.force_login(library_head)
    url = reverse("notifications:preferences")
    form = client.get(url).context["form"]
    assert "reminder" in form.fields and "account" not in form.fields
    data = {name: "immediate" for name in form.fields} | {"reminder": "digest", "digest_hour": "7"}
    assert client.post(url, data).status_code == 302
    assert NotificationPreference.objects.get(user=library_head, kind="reminder").delivery == "digest"
