"""A municipality's users read their own municipality's data: in a project shared with a neighbour,
they see who takes part (names and status), never the neighbour's part of it.

The neighbour here is Gáivuotna (other_municipality); the readers are Tromsø's library head, chief
executive and mayor. Every page is fetched as they get it and read for what a person would notice.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Membership
from followup.services import meetings, milestones, visits
from municipalities.models import Position
from planning import services as planning_services
from projects import services
from tests.conftest import make_active
from tests.factories import ContactFactory, make_user, position

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(municipality):
    return make_user(
        Membership.Role.LEADERSHIP, municipality=municipality, email="ordforer@example.no", name="Ola Ordfører"
    )


@pytest.fixture
def shared(project, municipality, other_municipality, county_staff):
    """An active project shared by Tromsø and Gáivuotna; Gáivuotna's part is full of things to leak."""
    project = make_active(project)
    tromso, gaivuotna = services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    county = project.county
    ContactFactory(
        municipality=other_municipality,
        name="Gunnhild Rådmann",
        email="radmann@gaivuotna.example.no",
        position=position(county, Position.Code.CHIEF_EXECUTIVE),
    )
    ContactFactory(
        municipality=other_municipality,
        name="Teknisk Tor",
        email="teknisk@gaivuotna.example.no",
        position=position(county, Position.Code.TECHNICAL),
    )
    requirement = services.save_requirement(project=project, by=county_staff, text="Delta på verkstedene")
    services.record_compliance(
        participant=gaivuotna,
        requirement=requirement,
        by=county_staff,
        compliance="not_met",
        note="Hemmelig merknad om Gáivuotna",
    )
    planning_services.save_budget(
        participant=gaivuotna,
        by=county_staff,
        county_grant=Decimal("987654"),
        required_local_share=Decimal("40"),
        local_cash=Decimal("123456"),
        local_inkind_hours=Decimal("0"),
        hourly_rate=Decimal("500"),
    )
    theirs = milestones.save_milestone(
        project=project,
        by=county_staff,
        name="Gáivuotnas romplan",
        participant=gaivuotna,
        planned_on=timezone.localdate() - timedelta(days=5),
    )
    ours = milestones.save_milestone(
        project=project,
        by=county_staff,
        name="Tromsøs romplan",
        participant=tromso,
        planned_on=timezone.localdate() + timedelta(days=5),
    )
    whole = milestones.save_milestone(
        project=project, by=county_staff, name="Felles oppstart", planned_on=timezone.localdate() + timedelta(days=9)
    )
    visit = visits.save_visit(
        participant=gaivuotna,
        by=county_staff,
        planned_on=date(2026, 2, 1),
        purpose="Befaring i Gáivuotna",
        visitors=[county_staff],
    )
    return {
        "project": project,
        "tromso": tromso,
        "gaivuotna": gaivuotna,
        "theirs": theirs,
        "ours": ours,
        "whole": whole,
        "visit": visit,
        "requirement": requirement,
    }


READERS = ["library_head", "leadership", "mayor"]


def _as(client, request, name):
    user = request.getfixturevalue(name)
    client.force_login(user)
    return user


@pytest.mark.parametrize("reader", READERS)
def test_the_neighbours_participant_page_and_everything_under_it_is_404(client, request, shared, reader):
    _as(client, request, reader)
    project, gaivuotna = shared["project"], shared["gaivuotna"]
    urls = [
        gaivuotna.get_absolute_url(),
        reverse("projects:participant-edit", kwargs={"pk": project.pk, "participant_pk": gaivuotna.pk}),
        reverse("planning:budget-edit", kwargs={"pk": project.pk, "participant_pk": gaivuotna.pk}),
        reverse("planning:grant-release", kwargs={"pk": project.pk, "participant_pk": gaivuotna.pk}),
        reverse(
            "projects:compliance-edit",
            kwargs={"pk": project.pk, "participant_pk": gaivuotna.pk, "requirement_pk": shared["requirement"].pk},
        ),
        reverse("followup:milestone-detail", kwargs={"pk": project.pk, "milestone_pk": shared["theirs"].pk}),
        reverse("followup:milestone-edit", kwargs={"pk": project.pk, "milestone_pk": shared["theirs"].pk}),
        reverse("followup:visit-edit", kwargs={"pk": project.pk, "visit_pk": shared["visit"].pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


def test_the_participant_page_answered_200_with_the_neighbours_contacts_before(client, library_head, shared):
    """The attack round's finding, as it was: the page itself, with contacts, money and notes."""
    client.force_login(library_head)
    response = client.get(shared["gaivuotna"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 404
    for secret in ("Gunnhild Rådmann", "987", "Hemmelig merknad", "Befaring i Gáivuotna"):
        assert secret not in html


@pytest.mark.parametrize("reader", READERS)
def test_the_project_page_lists_who_takes_part_and_nothing_more(client, request, shared, reader):
    from tests.conftest import project_page_html

    _as(client, request, reader)
    project, tromso, gaivuotna = shared["project"], shared["tromso"], shared["gaivuotna"]
    html = project_page_html(client, project)
    assert "Gáivuotna - Kåfjord - Kaivuono" in html  # the name, and its status
    assert gaivuotna.get_absolute_url() not in html  # no link to a page they may not read
    assert tromso.get_absolute_url() in html
    for secret in ("Gunnhild Rådmann", "987", "Hemmelig merknad", "Gáivuotnas romplan", "Befaring i Gáivuotna"):
        assert secret not in html, secret


def test_own_participation_stays_readable_and_read_only_changes_answer_403(client, library_head, leadership, shared):
    project, tromso = shared["project"], shared["tromso"]
    client.force_login(library_head)
    assert client.get(tromso.get_absolute_url()).status_code == 200
    for name in ("projects:participant-edit", "planning:budget-edit"):
        url = reverse(name, kwargs={"pk": project.pk, "participant_pk": tromso.pk})
        assert client.get(url).status_code == 403, url
    url = reverse("followup:milestone-edit", kwargs={"pk": project.pk, "milestone_pk": shared["ours"].pk})
    assert client.get(url).status_code == 403
    client.force_login(leadership)
    assert client.get(tromso.get_absolute_url()).status_code == 200


def test_a_missing_object_and_a_forbidden_one_look_the_same(client, library_head, shared):
    client.force_login(library_head)
    project = shared["project"]
    missing = reverse("projects:participant-edit", kwargs={"pk": project.pk, "participant_pk": 999999})
    forbidden = reverse(
        "projects:participant-edit", kwargs={"pk": project.pk, "participant_pk": shared["gaivuotna"].pk}
    )
    assert client.get(missing).status_code == client.get(forbidden).status_code == 404


def test_the_milestone_plan_shows_own_and_whole_project_milestones_only(client, library_head, county_staff, shared):
    url = reverse("followup:milestone-list", kwargs={"pk": shared["project"].pk})
    client.force_login(library_head)
    html = client.get(url).content.decode()
    assert "Tromsøs romplan" in html and "Felles oppstart" in html
    assert "Gáivuotnas romplan" not in html
    client.force_login(county_staff)
    assert "Gáivuotnas romplan" in client.get(url).content.decode()


def test_a_meeting_shows_a_municipality_only_its_own_invitees(
    client, library_head, county_staff, shared, municipality, other_municipality
):
    project = shared["project"]
    county = project.county
    starts = timezone.now() + timedelta(days=10)
    meeting = meetings.save_meeting(
        project=project,
        by=county_staff,
        objectives=["En felles plan"],
        kind="workshop",
        title="Verksted",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Tromsø",
    )
    ours = ContactFactory(
        municipality=municipality, name="Tromsø Teknisk", position=position(county, Position.Code.TECHNICAL)
    )
    theirs = ContactFactory(
        municipality=other_municipality,
        name="Gáivuotna Teknisk",
        email="gt@gaivuotna.example.no",
        position=position(county, Position.Code.TECHNICAL),
    )
    meetings.set_invitees(meeting=meeting, by=county_staff, contacts=[ours, theirs], users=[county_staff])
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    client.force_login(library_head)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Tromsø Teknisk" in html and county_staff.name in html
    assert "Gáivuotna Teknisk" not in html
    download = client.get(reverse("followup:meeting-ics", kwargs={"pk": project.pk, "meeting_pk": meeting.pk}))
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="invitation.ics"'
    calendar = Calendar.from_ical(download.content.decode())
    (event,) = calendar.events
    assert calendar.method == "REQUEST" and event.uid == meeting.uid
    assert {a.email for a in event.attendees} == {ours.email, county_staff.email}  # not Gáivuotna's contact
    client.force_login(county_staff)
    assert "Gáivuotna Teknisk" in client.get(meeting.get_absolute_url()).content.decode()
    meetings.cancel_meeting(meeting=meeting, by=county_staff)
    calendar = Calendar.from_ical(
        client.get(
            reverse("followup:meeting-ics", kwargs={"pk": project.pk, "meeting_pk": meeting.pk})
        ).content.decode()
    )
    (event,) = calendar.events
    assert (
        calendar.method == "CANCEL" and event.status == "CANCELLED" and event.uid == meeting.uid and event.sequence == 1
    )
    assert "mailto:gt@gaivuotna.example.no" in {str(a) for a in event.attendees}  # staff see every invitee
