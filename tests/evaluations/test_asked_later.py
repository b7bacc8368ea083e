"""People who come to a project after an evaluation round opened: an external expert attached later is
asked in the open rounds that ask experts (and only those), a library head invited later answers their
municipality's response from the start page, and staff re-sending a round are told truthfully whom it reached."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.services import accept_invitation, invite_user
from evaluations.models import Kind, Response
from evaluations.services import rounds
from projects import services as project_services
from tests.evaluations.conftest import response_of
from tests.factories import MunicipalityFactory, make_user

pytestmark = pytest.mark.django_db


def open_midterm(project, questionnaire, by, *, include_experts=True, days=14):
    return rounds.open_round(
        project=project,
        by=by,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=timezone.localdate() + timedelta(days=days),
        include_experts=include_experts,
    )


def start_page(client, user):
    client.force_login(user)
    return client.get(reverse("shell:home")).content.decode()


def test_an_expert_attached_after_the_round_opened_is_asked_and_mailed(
    client,
    active_project,
    questionnaire,
    county_staff,
    library_head,
    other_library_head,
    expert,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = open_midterm(active_project, questionnaire, county_staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project_services.attach_expert(project=active_project, user=expert, role="Arkitekt", by=county_staff)
    own = round_.responses.get(user=expert)
    assert own.status == Response.Status.PENDING
    to_expert = [m for m in mail.outbox if m.to == [expert.email]]
    assert len(to_expert) == 1 and to_expert[0].subject == f"Vennligst svar: {round_.title}"
    assert own.get_absolute_url() in to_expert[0].body
    assert [(m.to, m.subject) for m in mail.outbox if m.to != [expert.email]] == []  # nobody else again
    page = start_page(client, expert)
    assert own.get_absolute_url() in page and round_.title in page
    answer_page = client.get(own.get_absolute_url())
    assert answer_page.status_code == 200 and "Hvor fornøyd er dere?" in answer_page.content.decode()


def test_an_expert_attached_later_is_not_asked_in_a_round_for_participants_only(
    client, active_project, questionnaire, county_staff, library_head, expert
):
    round_ = open_midterm(active_project, questionnaire, county_staff, include_experts=False)
    project_services.attach_expert(project=active_project, user=expert, role="Arkitekt", by=county_staff)
    assert not round_.responses.filter(user=expert).exists()
    assert rounds.experts_not_asked(round_) == []
    assert round_.title not in start_page(client, expert)


def test_an_expert_attached_later_is_not_asked_in_a_closed_round(
    active_project, questionnaire, county_staff, library_head, expert
):
    round_ = open_midterm(active_project, questionnaire, county_staff)
    rounds.close_round(round=round_, by=county_staff)
    project_services.attach_expert(project=active_project, user=expert, role="Arkitekt", by=county_staff)
    assert not round_.responses.filter(user=expert).exists()


def test_experts_not_asked_are_sent_the_round_by_staff_and_the_message_counts_recipients(
    client, active_project, questionnaire, county, county_staff, library_head, expert
):
    round_ = open_midterm(active_project, questionnaire, county_staff)
    # An assignment made before experts were asked automatically (written directly, as old data is).
    active_project.experts.create(user=expert, role="Arkitekt", attached_by=county_staff)
    harstad = MunicipalityFactory(county=county, number="5503", name="Harstad")
    make_user(Membership.Role.LIBRARY_HEAD, municipality=harstad, email="harstad@example.no")
    project_services.invite_participants(project=active_project, municipalities=[harstad], by=county_staff)
    assert rounds.experts_not_asked(round_) == [expert]
    client.force_login(county_staff)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Ble med etter at evalueringen ble åpnet: Harstad, Eirik Ekspert." in page
    url = reverse("evaluations:round-ask-new", kwargs={"pk": round_.pk})
    sent = client.post(url, follow=True).content.decode()
    assert "Evalueringen er sendt til 2 nye mottakere." in sent
    assert round_.responses.filter(user=expert).exists() and response_of(round_, harstad)
    again = client.post(url, follow=True).content.decode()
    assert "Alle er allerede spurt: evalueringen er ikke sendt til noen nye." in again
    assert "Evalueringen er sendt til" not in again


def test_a_library_head_invited_after_the_round_opened_has_it_on_the_start_page(
    client, active_project, questionnaire, county, county_admin, county_staff, library_head, other_municipality
):
    round_ = open_midterm(active_project, questionnaire, county_staff, include_experts=False)
    invitation = invite_user(
        county=county,
        email="ny.sjef@gaivuotna.example.no",
        name="Ny Sjef",
        role=Membership.Role.LIBRARY_HEAD,
        municipality=other_municipality,
        by=county_admin,
    )
    user = accept_invitation(invitation=invitation, password="et-langt-nytt-passord-42")
    response = response_of(round_, other_municipality)
    page = start_page(client, user)
    assert response.get_absolute_url() in page and round_.title in page
    assert "Ingenting venter på deg" not in page
    assert client.get(response.get_absolute_url()).status_code == 200


def test_a_library_head_accepting_after_the_round_opened_is_mailed_the_round_once(
    active_project,
    questionnaire,
    county,
    county_admin,
    county_staff,
    library_head,
    other_municipality,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = open_midterm(active_project, questionnaire, county_staff, include_experts=False)
        invitation = invite_user(
            county=county,
            email="ny.sjef@gaivuotna.example.no",
            name="Ny Sjef",
            role=Membership.Role.LIBRARY_HEAD,
            municipality=other_municipality,
            by=county_admin,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(invitation=invitation, password="et-langt-nytt-passord-42")
    response = response_of(round_, other_municipality)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ny.sjef@gaivuotna.example.no"], f"Vennligst svar: {round_.title}")
    ]
    assert response.get_absolute_url() in mail.outbox[0].body


def test_a_library_head_accepting_is_not_mailed_a_round_already_answered(
    active_project,
    questionnaire,
    county,
    county_admin,
    county_staff,
    library_head,
    municipality,
    django_capture_on_commit_callbacks,
):
    from evaluations.services.answers import save_response
    from tests.evaluations.conftest import values

    round_ = open_midterm(active_project, questionnaire, county_staff, include_experts=False)
    tromso = response_of(round_, municipality)
    save_response(response=tromso, by=library_head, values=values(tromso, 3), submit=True)
    invitation = invite_user(
        county=county,
        email="nestleder@tromso.example.no",
        name="Nestleder",
        role=Membership.Role.LIBRARY_HEAD,
        municipality=municipality,
        by=county_admin,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(invitation=invitation, password="et-langt-nytt-passord-42")
    assert [m.subject for m in mail.outbox if "Vennligst svar" in m.subject] == []
