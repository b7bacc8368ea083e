"""Answering without an account: a library-head contact answers a round through the personal link and the
one-time code read out of the e-mails; staff revoke it or invite the contact instead; a library head invited
after the round opened gets the round."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from accounts.services import accept_invitation, invite_user
from evaluations import selectors
from evaluations.models import Kind, Response
from evaluations.services import rounds
from evaluations.services.answers import question_field
from municipalities.models import Position
from notifications.models import PersonalLink
from tests.evaluations.conftest import response_of
from tests.factories import ContactFactory, position

pytestmark = pytest.mark.django_db

HEAD_EMAIL = "gunn@gaivuotna.example.no"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def head_contact(county, other_municipality):
    """Gáivuotna's library head is a contact with an e-mail address and no login."""
    return ContactFactory(
        municipality=other_municipality,
        name="Gunn Uten Konto",
        email=HEAD_EMAIL,
        user=None,
        position=position(county, Position.Code.LIBRARY_HEAD),
    )


def open_midterm(project, questionnaire, by):
    return rounds.open_round(
        project=project,
        by=by,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=timezone.localdate() + timedelta(days=14),
    )


@pytest.fixture
def round_by_link(
    active_project, questionnaire, county_staff, library_head, head_contact, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return open_midterm(active_project, questionnaire, county_staff)


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def link_path():
    (message,) = [m for m in mails_to(HEAD_EMAIL) if "/evalueringer/lenke/" in m.body]
    return re.search(r"https?://[^/\s]+(/evalueringer/lenke/[^/\s]+/)", message.body).group(1)


def verify(client, path, capture):
    with capture(execute=True):
        assert client.post(path, {"action": "send"}).status_code == 302
    code_mail = [m for m in mails_to(HEAD_EMAIL) if m.subject.startswith("Koden din for Fremdrift")][-1]
    code = re.search(r"\b(\d{6})\b", code_mail.body).group(1)
    assert client.post(path, {"action": "code", "code": code}).status_code == 302


def test_a_contact_answers_with_drafts_from_the_link(
    client, round_by_link, other_municipality, django_capture_on_commit_callbacks
):
    (invitation,) = mails_to(HEAD_EMAIL)
    assert "Du trenger ingen brukerkonto" in invitation.body
    assert not User.objects.filter(email__iexact=HEAD_EMAIL).exists()
    reach = selectors.round_reach(round_by_link)
    assert reach.unreachable == [] and reach.by_link == [other_municipality]
    path = link_path()
    page = client.get(path).content.decode()
    assert "Bekreft e-postadressen din" in page and "Hvor fornøyd er dere?" not in page
    verify(client, path, django_capture_on_commit_callbacks)

    response = response_of(round_by_link, other_municipality)
    scale, capacity = response.version.questions.all()[:2]
    page = client.get(path).content.decode()
    assert "Hvor fornøyd er dere?" in page and "Lagre utkast" in page
    draft = client.post(path, {"action": "draft", question_field(capacity): "Delvis"})
    assert draft.status_code == 302
    assert Response.objects.get(pk=response.pk).status == Response.Status.DRAFT
    assert response.answers.get(question=capacity).value in ("Delvis", ["Delvis"])
    assert "Hvor fornøyd er dere?" in client.get(path).content.decode()  # the draft stays open

    missing = client.post(path, {"action": "submit", question_field(capacity): "Delvis"})
    assert missing.status_code == 400 and "Dette spørsmålet må besvares." in missing.content.decode()
    done = client.post(path, {"action": "submit", question_field(scale): "4", question_field(capacity): "Delvis"})
    assert done.status_code == 200 and "Svarene dine er sendt inn" in done.content.decode()
    stored = Response.objects.get(pk=response.pk)
    assert stored.is_submitted and stored.submitted_by is None
    assert PersonalLink.objects.get().state == PersonalLink.State.USED
    again = client.get(path)
    assert again.status_code == 410 and "Lenken er allerede brukt" in again.content.decode()
    # the code opened the response only: the round's page is as for anyone anonymous
    assert client.get(round_by_link.get_absolute_url()).status_code == 302


def test_the_link_expires_with_the_rounds_deadline(round_by_link):
    link = PersonalLink.objects.get()
    assert timezone.localtime(link.expires_at).date() == round_by_link.deadline + timedelta(days=1)


def test_a_closed_round_closes_its_links(client, round_by_link, county_staff):
    path = link_path()
    rounds.close_round(round=round_by_link, by=county_staff)
    response = client.get(path)
    assert response.status_code == 410 and "Lenken er trukket tilbake" in response.content.decode()


def test_staff_revoke_the_link_or_invite_instead_from_the_round_page(
    client, round_by_link, county_staff, other_municipality, head_contact, django_capture_on_commit_callbacks
):
    link, path = PersonalLink.objects.get(), link_path()
    client.force_login(county_staff)
    page = client.get(round_by_link.get_absolute_url()).content.decode()
    revoke = reverse("evaluations:link-revoke", kwargs={"pk": round_by_link.pk, "link_pk": link.pk})
    invite = reverse("evaluations:respondent-invite", kwargs={"pk": round_by_link.pk, "contact_pk": head_contact.pk})
    assert f'action="{revoke}"' in page and f'action="{invite}"' in page and HEAD_EMAIL in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(invite).status_code == 302
    user = User.objects.get(email=HEAD_EMAIL)
    response = response_of(round_by_link, other_municipality)
    assert any(response.get_absolute_url() in m.body for m in mails_to(HEAD_EMAIL))  # the round, for the login
    assert user.memberships.get().role == Membership.Role.LIBRARY_HEAD
    head_contact.refresh_from_db()
    assert head_contact.user == user
    link.refresh_from_db()
    assert link.state == PersonalLink.State.REVOKED
    client.logout()
    assert client.get(path).status_code == 410


def test_a_library_head_invited_after_the_round_opened_gets_it(
    client, active_project, questionnaire, county, county_admin, county_staff, library_head, other_municipality
):
    round_ = open_midterm(active_project, questionnaire, county_staff)
    assert other_municipality in selectors.round_reach(round_).unreachable
    invitation = invite_user(
        county=county,
        email="ny.sjef@gaivuotna.example.no",
        name="Ny Sjef",
        role=Membership.Role.LIBRARY_HEAD,
        municipality=other_municipality,
        by=county_admin,
    )
    user = accept_invitation(invitation=invitation, password="et-langt-nytt-passord-42")
    client.force_login(user)
    response = response_of(round_, other_municipality)
    page = client.get(response.get_absolute_url())
    assert page.status_code == 200 and "Hvor fornøyd er dere?" in page.content.decode()
    assert selectors.round_reach(round_).unreachable == []


def test_the_round_form_says_who_gets_a_personal_link(
    client, active_project, questionnaire, county_staff, library_head, head_contact
):
    client.force_login(county_staff)
    page = client.get(reverse("evaluations:round-create", kwargs={"pk": active_project.pk})).content.decode()
    assert "får en personlig lenke på e-post (trenger ingen konto):" in page and "Gáivuotna" in page
    assert "Nobody" not in page and "Ingen kan nås i disse kommunene" not in page
