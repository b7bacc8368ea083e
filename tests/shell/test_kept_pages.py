"""Pages whose content is kept (shell.freshness.render_kept): the municipality page, the county page,
the lessons log and the agreement page. Each reader gets their own, in their language; access is
checked on every visit; a change shows at the next one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _get(client, url, **headers) -> tuple[int, str, int]:
    """(status, the text of <main>, queries)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")] if "<main" in html else ""
    return response.status_code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)), len(queries)


def test_the_municipality_page_is_each_readers_own_and_shows_a_new_contact_at_once(
    client, county_staff, library_head, other_library_head, municipality
):
    ContactFactory(municipality=municipality, name="Kari Kontakt")
    url = reverse("municipalities:municipality-detail", kwargs={"number": municipality.number})
    client.force_login(county_staff)
    status, staff_page, made = _get(client, url)
    again = _get(client, url)
    assert status == 200 and again[1] == staff_page and again[2] < made  # kept
    assert "Kari Kontakt" in staff_page
    assert "Contacts" in _get(client, url, HTTP_ACCEPT_LANGUAGE="en")[1] and "Kontakter" in staff_page

    client.force_login(other_library_head)  # the neighbour municipality's head, after staff's page was kept
    status, text, _queries = _get(client, url)
    assert status == 404 and "Kari Kontakt" not in text

    client.force_login(library_head)
    assert "Kari Kontakt" in _get(client, url)[1]
    ContactFactory(municipality=municipality, name="Nils Nykontakt")
    assert "Nils Nykontakt" in _get(client, url)[1]
    client.force_login(county_staff)
    assert "Nils Nykontakt" in _get(client, url)[1]


def test_the_county_page_and_the_lessons_log_answer_only_their_countys_staff(
    client, county, county_staff, other_county, library_head
):
    for name in ("municipalities:county-detail", "evaluations:lessons-log"):
        url = reverse(name, kwargs={"number": county.number})
        client.force_login(county_staff)
        status, page, made = _get(client, url)
        assert status == 200 and county.name in page
        assert _get(client, url)[1] == page and _get(client, url)[2] < made
        client.force_login(library_head)
        assert _get(client, url)[0] == 404


def test_a_kept_page_with_forms_gives_each_visit_its_own_working_token(
    county, county_staff, theme, municipality, library_head
):
    """My milestones (a progress form per milestone) is kept with its forms' tokens left out; each visit puts
    in the token of the browser reading it, so a form sent from a kept page passes the CSRF check, in
    another browser of the same person too, and the progress it logs shows at the next visit."""
    from django.test import Client

    from followup.models import Milestone
    from tests.followup.test_views import _bulk_participants

    _bulk_participants(county, county_staff, theme, municipality, 1)
    url = reverse("followup:my-milestones")
    phone, laptop = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = {}
    for browser in (phone, laptop):
        browser.force_login(library_head)
        browser.get(url)
        html = browser.get(url).content.decode()  # the kept page
        html = html[html.index("<main") : html.index("</main>")]  # the kept part, not the menu's logout form
        assert "fremdrift:csrf-token" not in html
        tokens[browser] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        action = re.search(r'<form method="post" action="(/prosjekter/\d+/milepaeler/\d+/fremdrift/)"', html)[1]
    assert tokens[phone] != tokens[laptop]
    milestone = Milestone.objects.get(pk=re.search(r"milepaeler/(\d+)/", action)[1])
    response = laptop.post(
        action,
        {"csrfmiddlewaretoken": tokens[laptop], "status": "in_progress", "text": "Kommunen har godkjent romplanen."},
    )
    assert response.status_code in (200, 302), response.status_code
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    card = phone.get(url).content.decode()
    card = card[card.index(f'id="milestone-{milestone.pk}"') :]
    assert '<option value="in_progress" selected>' in card[: card.index("</form>")]  # the phone's kept page anew
