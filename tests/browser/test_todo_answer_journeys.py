"""Journeys of issue 18 for those who come to a round late: a library head invited after a round opened
accepts the invitation, finds the round at the top of the start page ("Dine oppgaver") and answers it;
an external expert attached after the round opened logs in, sees their project (what, when, whom to ask)
and the round asked of them, and answers it. Both pages are axe-scanned."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Membership, User
from accounts.services import invite_user
from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.evaluations import _questionnaire
from demo.municipalities import seed_places
from evaluations.models import Kind, Response
from evaluations.services import rounds
from municipalities.models import Municipality, Theme
from projects import services
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Møteplass Senja"
ROUND_TITLE = f"Mellomevaluering: {TITLE}"
SATISFIED = "Hvor fornøyd er dere med fremdriften så langt? *"
FOLLOWED = "Hvor godt har fylkesbiblioteket fulgt dere opp? *"
CAPACITY = "Har dere kapasitet til resten av prosjektet? *"
HEAD_EMAIL = "ny.biblioteksjef@senja.example.no"
EXPERT_EMAIL = "ekspert@demo.fremdrift.no"


@pytest.fixture
def open_round(transactional_db):
    """Troms with its logins and an active project of Tromsø and Senja (Senja has no library head with a
    login) whose mid-term evaluation, asking experts too, is open with a deadline in 14 days."""
    county = seed_places()
    seed_logins(county)
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    questionnaire = _questionnaire(county, staff, Kind.MIDTERM)
    today = timezone.localdate()
    project = services.create_project(
        county=county,
        by=staff,
        title=TITLE,
        theme=Theme.objects.get(county=county, code="library_rooms"),
        purpose="Bibliotekene blir møteplasser.",
        start_on=today - timedelta(days=200),
        end_on=today + timedelta(days=150),
    )
    services.invite_participants(
        project=project, municipalities=list(Municipality.objects.filter(number__in=["5501", "5530"])), by=staff
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    return rounds.open_round(
        project=Project.objects.get(pk=project.pk),
        by=staff,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=today + timedelta(days=14),
        include_experts=True,
    )


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _answer_from_the_start_page(journey, round_, *, label: str, detail: str):
    page = journey.page
    journey.goto("/")
    tasks = page.get_by_role("region", name="Dine oppgaver")
    name = f"Svar på evalueringen: {ROUND_TITLE}"
    task = tasks.get_by_role("link", name=name)
    assert task.is_visible()
    item = tasks.locator("li").filter(has=page.get_by_role("link", name=name)).inner_text()
    deadline = round_.deadline
    assert f"Frist {deadline.day}.{deadline.month}.{deadline.year}" in item and detail in item
    journey.scan(f"start-{label}")
    task.click()
    page.wait_for_load_state()
    assert page.get_by_role("group", name=SATISFIED).is_visible()
    journey.scan(f"answer-{label}")
    page.get_by_role("group", name=SATISFIED).get_by_label("4", exact=True).check()
    page.get_by_role("group", name=FOLLOWED).get_by_label("5 – Svært godt", exact=True).check()
    page.get_by_role("group", name=CAPACITY).get_by_label("Ja, som planlagt").check()
    page.get_by_label("Hva bør vi gjøre annerledes resten av prosjektet?").fill(f"Svar fra {label}.")
    _submit(page, "Send inn svarene")
    assert page.get_by_text("Takk! Svarene dine er sendt inn.").is_visible()
    journey.goto("/")
    assert (
        page.get_by_role("region", name="Dine oppgaver").get_by_role("link", name=re.compile(ROUND_TITLE)).count() == 0
    )


def test_a_library_head_invited_after_the_round_opened_answers_it_from_the_start_page(journey, open_round):
    round_ = open_round
    senja = Municipality.objects.get(number="5530")
    mail.outbox.clear()
    invite_user(
        county=round_.project.county,
        email=HEAD_EMAIL,
        name="Siri Ny Sjef",
        role=Membership.Role.LIBRARY_HEAD,
        municipality=senja,
        by=User.objects.get(email="admin@demo.fremdrift.no"),
    )
    invitation_mail = next(m for m in mail.outbox if m.to == [HEAD_EMAIL])
    link = re.search(r"https?://\S+/invitasjon/\S+/", invitation_mail.body).group(0)
    journey.goto(link[link.index("/invitasjon/") :])
    page = journey.page
    page.locator("#id_new_password1").fill("Siri-sitt-passord-2026")
    page.locator("#id_new_password2").fill("Siri-sitt-passord-2026")
    _submit(page, "Lagre passord og logg inn")
    journey.logout()
    journey.login(HEAD_EMAIL, "Siri-sitt-passord-2026")
    _answer_from_the_start_page(journey, round_, label="senja", detail=f"{TITLE} · Senja")
    response = round_.responses.get(participant__municipality=senja)
    assert response.status == Response.Status.SUBMITTED
    assert response.submitted_by == User.objects.get(email=HEAD_EMAIL)
    journey.goto(round_.project.get_absolute_url())
    assert journey.page.get_by_text("Sendt inn, frist").is_visible()
    journey.scan("head-project")


def test_an_expert_attached_after_the_round_opened_sees_the_project_and_answers_the_round(journey, open_round):
    round_ = open_round
    project = round_.project
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    expert = User.objects.get(email=EXPERT_EMAIL)
    assert not round_.responses.filter(user=expert).exists()
    mail.outbox.clear()
    services.attach_expert(project=project, user=expert, role="Romplanlegger", by=staff)
    assert [m.subject for m in mail.outbox if m.to == [EXPERT_EMAIL]] == [f"Vennligst svar: {ROUND_TITLE}"]

    journey.login(EXPERT_EMAIL, DEMO_PASSWORD)
    page = journey.page
    journey.goto("/")
    tasks = page.get_by_role("region", name="Dine oppgaver")
    assert tasks.get_by_role("link", name=TITLE, exact=True).is_visible()
    text = tasks.inner_text()
    start, end = project.start_on, project.end_on
    assert f"Romplanlegger · {start.day}.{start.month}.{start.year}–{end.day}.{end.month}.{end.year}" in text
    assert f"Din kontakt: {staff.get_full_name()} ({staff.email})" in text
    _answer_from_the_start_page(journey, round_, label="expert", detail=TITLE)
    own = round_.responses.get(user=expert)
    assert own.status == Response.Status.SUBMITTED and own.submitted_by == expert
    journey.goto(project.get_absolute_url())
    assert page.get_by_role("heading", level=1, name=TITLE).is_visible()
    journey.scan("expert-project")
