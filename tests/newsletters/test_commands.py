"""The demo and the benchmark data carry infobrev, subscribers and a showcase."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from newsletters.models import Newsletter, Showcase, Subscriber
from notifications.models import OutboxMessage
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_seed_demo_has_sent_and_draft_infobrev_subscribers_and_a_public_showcase(client):
    call_command("seed_demo", "--i-know-this-is-demo")
    counts = (Newsletter.objects.count(), Subscriber.objects.count(), Showcase.objects.count(), OutboxMessage.objects.count())
    call_command("seed_demo", "--i-know-this-is-demo")
    assert counts == (Newsletter.objects.count(), Subscriber.objects.count(), Showcase.objects.count(),
                      OutboxMessage.objects.count())
    assert Newsletter.objects.filter(status="sent", is_public=True).count() == 2
    assert Newsletter.objects.filter(status="draft").exists()
    assert Subscriber.objects.filter(status="confirmed").count() >= 3
    assert OutboxMessage.objects.filter(kind="newsletter").count() > 10
    showcase = Showcase.objects.get()
    assert showcase.is_published and showcase.photos.count() == 1
    page = client.get(showcase.get_public_url()).content.decode()
    assert "Harstad bibliotek" in page and '<figure class="fd-chart"' in page
    county_page = client.get(reverse("newsletters:public-county", kwargs={"number": "55"})).content.decode()
    assert showcase.get_public_url() in county_page
    # The room project's money changes still wait for an infobrev, for staff to try the draft.
    assert Project.objects.get(title__startswith="Bibliotekrom i Troms").infobrev_suggested_at is not None


def test_benchmark_data_has_newsletters_with_outbox_rows():
    call_command("seed_demo", "--i-know-this-is-demo")
    demo = {
        "newsletters": list(Newsletter.objects.values_list("pk", flat=True)),
        "outbox": list(OutboxMessage.objects.values_list("pk", flat=True)),
        "subscribers": list(Subscriber.objects.values_list("pk", flat=True)),
    }
    call_command("generate_benchmark_data", "--scale", "county")  # the demo again (unchanged), then synthetic data
    synthetic = Newsletter.objects.exclude(pk__in=demo["newsletters"])
    assert synthetic.count() == 200
    sent = synthetic.filter(status="sent")
    outbox = OutboxMessage.objects.exclude(pk__in=demo["outbox"]).filter(kind="newsletter")
    assert outbox.count() == sent.count() * 25
    assert Subscriber.objects.exclude(pk__in=demo["subscribers"]).count() == 2 * 150


def test_the_bounce_secret_is_documented():
    from pathlib import Path

    base = Path(__file__).resolve().parent.parent.parent
    assert "NEWSLETTER_BOUNCE_SECRET" in (base / "README.md").read_text()
    assert "NEWSLETTER_BOUNCE_SECRET" in (base / ".env.example").read_text()
