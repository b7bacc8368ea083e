"""What a mail client and an out-of-office robot see in the headers, read where the message arrives
(the SMTP server on loopback): automatic mail says so (RFC 3834), the infobrev says it is a list
(RFC 2919, RFC 2369), and every Date carries Norway's real offset."""

import re

import pytest

from newsletters.models import Subscriber
from newsletters.services import sending, writing
from newsletters.services.base import ensure_mailing_list
from notifications import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_delivery(settings, smtp_server):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


def _deliver(server):
    services.send_batch()
    return [received["message"] for received in server.messages]


@pytest.mark.parametrize("kind", ["reminder", "escalation", "digest", "report", "evaluation", "account"])
def test_automatic_mail_says_so_and_asks_for_no_auto_replies(smtp_delivery, kind):
    services.queue_email(to="ola@example.no", subject="Påminnelse", body_text="Hei", kind=kind)
    [message] = _deliver(smtp_delivery)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"


def test_a_meeting_invitation_from_a_person_is_not_marked_automatic(smtp_delivery):
    services.queue_email(to="ola@example.no", subject="Invitasjon", body_text="Hei", kind="meeting")
    [message] = _deliver(smtp_delivery)
    assert message["Auto-Submitted"] is None


def test_the_date_header_carries_the_norwegian_offset(smtp_delivery):
    services.queue_email(to="ola@example.no", subject="Påminnelse", body_text="Hei", kind="reminder")
    [message] = _deliver(smtp_delivery)
    assert re.search(r" \+0[12]00$", message["Date"]), message["Date"]


def test_the_infobrev_is_list_mail_with_its_archive_and_help(
    smtp_delivery, county, county_staff, django_capture_on_commit_callbacks
):
    mailing_list = ensure_mailing_list(county=county)
    Subscriber.objects.create(mailing_list=mailing_list, email="leser@example.no", status=Subscriber.Status.CONFIRMED)
    newsletter = writing.create_newsletter(
        county=county, by=county_staff, subject="Infobrev desember", body="Hei alle!", is_public=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
    [message] = [received["message"] for received in smtp_delivery.messages]
    assert message["Precedence"] == "list"
    assert re.search(r"<fylke-55\.infobrev\.[a-z0-9.-]+>$", message["List-Id"]), message["List-Id"]
    assert message["List-Archive"].startswith("<http") and "/offentlig/55/infobrev/" in message["List-Archive"]
    assert message["List-Help"].startswith("<http") and "/offentlig/55/" in message["List-Help"]
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert message["Auto-Submitted"] is None  # a list, not a robot's reply
    assert re.search(r" \+0[12]00$", message["Date"])
