"""A task end to end through a real Celery worker on Redis (worker-integration)."""

import pytest

from accounts.models import Membership
from accounts.services import invite_user
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_invitation_email_is_sent_by_a_real_worker(county, county_admin, smtp_server):
    with celery_worker(env={"EMAIL_URL": smtp_server.url}) as worker:
        invite_user(
            county=county,
            email="ny.bruker@example.no",
            name="Ny Bruker",
            role=Membership.Role.COUNTY_STAFF,
            by=county_admin,
        )
        wait_for(lambda: smtp_server.recorder.count() == 1, timeout=60, message=f"the e-mail\n{worker.output()[-2000:]}")
    received = smtp_server.messages[0]
    assert received["to"] == ["ny.bruker@example.no"]
    assert received["message"]["Subject"] == "Invitasjon til Fremdrift fra Troms"
    body = received["message"].get_body(("plain",)).get_content()
    assert "/invitasjon/" in body
