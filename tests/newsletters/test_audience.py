"""Who gets an infobrev: the project's stakeholders plus subscribers, once per address."""

import pytest

from newsletters.models import Newsletter, Subscriber
from newsletters.selectors import BOUNCED, NO_ADDRESS, NOT_CONFIRMED, UNSUBSCRIBED, get_audience
from newsletters.services import bounces, subscriptions, writing
from newsletters.services.base import ensure_mailing_list
from projects.models import Project
from tests.newsletters.conftest import EXPECTED_RECIPIENTS, make_project

pytestmark = pytest.mark.django_db


def _emails(audience):
    return {person.email for person in audience.recipients}


def test_audience_is_every_stakeholder_and_subscriber_once(newsletter):
    audience = get_audience(newsletter)
    assert _emails(audience) == EXPECTED_RECIPIENTS
    assert len(audience.recipients) == len(EXPECTED_RECIPIENTS)
    head = next(p for p in audience.recipients if p.email == "head@example.no")
    assert len(head.sources) == 2  # a contact of Tromsø and its library head


def test_withdrawn_participants_people_are_not_in_the_audience(newsletter, stakeholders):
    audience = get_audience(newsletter)
    assert "borte@kafjord.example.no" not in _emails(audience)
    assert "head2@example.no" not in _emails(audience)


def test_preview_shows_who_is_left_out_and_why(newsletter, stakeholders):
    subscriptions.unsubscribe(email="Teknisk@Tromso.example.no", mailing_list=stakeholders.mailing_list)
    bounces.record_bounce(email="forsker@uit.example.no", reason="550 no such user")
    audience = get_audience(newsletter)
    reasons = {(item.person.email or item.person.name): item.reason for item in audience.excluded}
    assert reasons == {
        "teknisk@tromso.example.no": UNSUBSCRIBED,
        "forsker@uit.example.no": BOUNCED,
        "Ordfører Uten Adresse": NO_ADDRESS,
        "venter@example.no": NOT_CONFIRMED,
        "gikk@example.no": UNSUBSCRIBED,
    }
    assert _emails(audience) == EXPECTED_RECIPIENTS - {"teknisk@tromso.example.no", "forsker@uit.example.no"}


def test_unsubscribing_from_one_project_keeps_the_county_wide_infobrev(newsletter, stakeholders, county, county_staff):
    subscriptions.unsubscribe(email="teknisk@tromso.example.no", mailing_list=stakeholders.mailing_list)
    county_wide = writing.create_newsletter(county=county, by=county_staff, subject="Til alle", body="Hei")
    assert "teknisk@tromso.example.no" in _emails(get_audience(county_wide))


def test_county_wide_audience_is_every_active_project_and_the_county_list(
    newsletter, stakeholders, county, county_staff, other_library_head, other_municipality
):
    planning = make_project(county, county_staff, title="Planlagt", status=Project.Status.PLANNING)
    from projects import services as project_services

    project_services.invite_participants(project=planning, municipalities=[other_municipality], by=county_staff)
    county_list = ensure_mailing_list(county=county)
    Subscriber.objects.create(
        mailing_list=county_list, email="Lokalavis@Example.no", status=Subscriber.Status.CONFIRMED
    )
    county_wide = writing.create_newsletter(county=county, by=county_staff, subject="Til alle", body="Hei")
    emails = _emails(get_audience(county_wide))
    assert "lokalavis@example.no" in emails
    assert "fan@example.no" not in emails  # the project list's subscriber follows that project only
    assert "head2@example.no" not in emails  # a project in planning is not active
    assert EXPECTED_RECIPIENTS - {"fan@example.no"} <= emails


def test_deactivated_users_are_not_stakeholders(newsletter, library_head, leadership):
    leadership.is_active = False
    leadership.save(update_fields=["is_active"])
    assert "radmann@example.no" not in _emails(get_audience(newsletter))


def test_county_isolation_other_countys_lists_do_not_leak(newsletter, other_county, outsider):
    other_list = ensure_mailing_list(county=other_county)
    Subscriber.objects.create(mailing_list=other_list, email="nabo@example.no", status=Subscriber.Status.CONFIRMED)
    assert "nabo@example.no" not in _emails(get_audience(newsletter))
    assert not Newsletter.objects.visible_to(outsider).exists()
