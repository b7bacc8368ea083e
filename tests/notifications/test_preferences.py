"""Notification settings as the user sets them: a kind turned off is not sent (signature requests and
account mail cannot be turned off), and the daily digest comes at the hour they chose."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import DigestHour, NotificationPreference, OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def _queue(user, kind, **kwargs):
    return services.queue_email(to=user.email, subject=f"Om {kind}", body_text="…", kind=kind, user=user, **kwargs)


def test_the_settings_page_offers_off_only_where_allowed_and_saves_the_digest_hour(client):
    user = UserFactory(email="sjef@example.no")
    client.force_login(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="report" value="off"' in page and 'name="meeting" value="off"' in page
    for kind in ("agreement", "account", "escalation"):
        assert f'name="{kind}" value="off"' not in page
    assert "Send det daglige sammendraget kl." in page
    response = client.post(
        reverse("notifications:preferences"),
        {
            "reminder": "digest",
            "escalation": "immediate",
            "progress": "off",
            "evaluation": "immediate",
            "report": "off",
            "meeting": "immediate",
            "digest_hour": "15",
        },
    )
    assert response.status_code == 302
    assert DigestHour.objects.get(user=user).hour == 15
    assert dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))["report"] == "off"


def test_a_turned_off_kind_is_not_sent_but_a_signature_request_and_a_required_one_are(client):
    user = UserFactory(email="sjef@example.no")
    services.set_preferences(user=user, deliveries={"report": "off", "agreement": "off", "account": "off"})
    assert _queue(user, "report").status == Status.SKIPPED
    assert _queue(user, "agreement").status == Status.PENDING  # a signature request always comes
    assert _queue(user, "account").status == Status.PENDING  # security mail always comes
    assert _queue(user, "report", required=True).status == Status.PENDING
    assert services.send_batch()[0] == 3
    assert OutboxMessage.objects.get(status=Status.SKIPPED).subject == "Om report"


def test_a_bad_digest_hour_is_refused_on_its_field(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("notifications:preferences"), {"digest_hour": "25"})
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not DigestHour.objects.exists()


def test_the_digest_comes_at_the_hour_the_user_chose():
    early, late = UserFactory(email="tidlig@example.no"), UserFactory(email="sent@example.no")
    for user in (early, late):
        services.set_preferences(user=user, deliveries={"reminder": "digest"})
        _queue(user, "reminder")
    services.set_preferences(user=late, deliveries={}, digest_hour=16)
    assert services.build_digests(hour=16) == 1
    assert OutboxMessage.objects.get(kind="digest").recipient == "sent@example.no"
    assert services.build_digests(hour=7) == 1  # the default hour
    assert set(OutboxMessage.objects.filter(kind="digest").values_list("recipient", flat=True)) == {
        "tidlig@example.no",
        "sent@example.no",
    }
