"""Each role's start page as they read it: what they must do, most urgent first, each with its deadline
and a link to the form that does it; the menu's badge; "Ingenting venter på deg" only when true."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from evaluations.models import Response
from followup.models import Meeting
from tests.factories import MunicipalityFactory, make_user
from tests.todo.conftest import add_project

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def todo_section(client) -> tuple[str, str]:
    """(text, html) of the start page's "Dine oppgaver"."""
    html = client.get(reverse("shell:home")).content.decode()
    start = html.index(">", html.index('aria-labelledby="todo-heading"')) + 1
    section = html[start : html.index("</section>", start)]
    return _text(section), section


def short(day) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def in_order(text: str, *parts: str) -> bool:
    positions = [text.index(part) for part in parts]
    return positions == sorted(positions)


def badge(client) -> str:
    """The menu's badge as a page shows it: the page asks for it after loading (htmx)."""
    html = client.get(reverse("projects:project-list")).content.decode()
    menu = html[html.index('id="main-menu"') : html.index("</ul>", html.index('id="main-menu"'))]
    placeholder = re.search(r'data-hx-get="([^"]+)" data-hx-trigger="load"', menu)
    assert placeholder, "the menu asks for its badge after the page"
    return _text(client.get(placeholder[1]).content.decode())


def test_library_head_sees_late_milestones_first_then_values_signature_round_and_meeting(client, world):
    client.force_login(world["head"])
    text, html = todo_section(client)
    project = world["projects"][0]
    assert text.startswith("Dine oppgaver Logg fremdrift: Oppstartsmøte")
    today = timezone.localdate()
    assert f"Forsinket {(today - date(2026, 1, 19)).days} dager: frist 19.1.2026" in text
    agreement = Agreement.objects.get(participant__project=project, participant__municipality=world["municipality"])
    response = Response.objects.get(round__project=project, participant__municipality=world["municipality"])
    meeting = Meeting.objects.get(project=project)
    assert in_order(
        text,
        "Logg fremdrift: Oppstartsmøte",
        "Logg fremdrift: Romplanen godkjent av kommunen",
        "Registrer tellingene (før) Forsinket 3 dager",
        f"Svar på evalueringen: Mellomevaluering 0 Frist {short(today + timedelta(days=5))}",
        f"Møte: Verksted 0 {short(today + timedelta(days=9))}",
        # sent for signature with the county's 30 days to sign: the furthest deadline comes last
        f"Signer avtalen: {agreement.title} Frist {short(agreement.signing_deadline)}",
    )
    assert reverse("agreements:agreement-sign", kwargs={"pk": agreement.pk, "slot": "library_head"}) in html
    assert response.get_absolute_url() in html
    assert reverse("evaluations:ttt-record", kwargs={"pk": project.pk}) in html
    assert meeting.get_absolute_url() in html
    milestone = project.milestones.filter(participant__municipality=world["municipality"]).order_by("planned_on")[0]
    assert (
        reverse("followup:milestone-detail", kwargs={"pk": project.pk, "milestone_pk": milestone.pk}) + "#log-progress"
        in html
    )
    # Every open milestone, not only the next 30 days: ten here, the rest behind "vis alle".
    assert text.count("Logg fremdrift:") == 10
    assert "Vis alle åpne milepæler (20)" in text
    assert reverse("followup:my-milestones") + "?vis=alle" in html
    # 20 milestones + values + signature + round + meeting
    assert "24 (24 oppgaver)" in badge(client)


def test_leadership_sees_their_signature_and_the_news(client, world):
    client.force_login(world["leadership"])
    text, html = todo_section(client)
    agreement = Agreement.objects.get(
        participant__project=world["projects"][0], participant__municipality=world["municipality"]
    )
    assert text.startswith(
        f"Dine oppgaver Signer avtalen: {agreement.title} Frist {short(agreement.signing_deadline)} Tromsø · sendt"
    )
    assert reverse("agreements:agreement-sign", kwargs={"pk": agreement.pk, "slot": "chief_executive"}) in html
    assert in_order(
        text,
        "Nytt for deg",
        f"Signert: {world['sealed'].title}",
        "Månedsrapport for oktober 2026: Tromsø",
        "3 milepæler forsinket (den eldste med 40 dager).",
    )
    assert "1 (1 oppgave)" in badge(client)  # the news is not counted


def test_the_mayor_signs_as_mayor(client, world):
    client.force_login(world["mayor"])
    text, html = todo_section(client)
    agreement = Agreement.objects.get(
        participant__project=world["projects"][0], participant__municipality=world["municipality"]
    )
    assert f"Signer avtalen: {agreement.title}" in text
    assert reverse("agreements:agreement-sign", kwargs={"pk": agreement.pk, "slot": "mayor"}) in html


def test_expert_sees_round_meeting_and_projects_with_their_contact(client, world):
    client.force_login(world["expert"])
    text, html = todo_section(client)
    response = Response.objects.get(user=world["expert"])
    assert in_order(
        text,
        f"Svar på evalueringen: Mellomevaluering 0 Frist {short(timezone.localdate() + timedelta(days=5))}",
        f"Møte: Verksted 0 {short(timezone.localdate() + timedelta(days=9))}",
        "Dine prosjekter",
        "Nye bibliotekrom 0 Romplanlegging · 5.1.2026–30.4.2027",
        "Din kontakt: Fredrik Fylke (staff@example.no)",
    )
    assert response.get_absolute_url() in html and world["projects"][0].get_absolute_url() in html
    assert "2 (2 oppgaver)" in badge(client)


def test_county_staff_see_what_needs_them(client, world):
    client.force_login(world["staff"])
    text, html = todo_section(client)
    project = world["projects"][0]
    stuck = Agreement.objects.get(participant__project=project, participant__municipality=world["municipality"])
    assert in_order(
        text,
        "1 e-post kunne ikke sendes",
        f"Evalueringen stenger: Mellomevaluering 0 Frist {short(timezone.localdate() + timedelta(days=5))}",
    )
    for line in [
        "Rød helse: Gáivuotna",
        f"Ikke signert etter 20 dager: {stuck.title}",
        "Se over meldingen til kommunedirektøren: Tromsø",
        "Ingen kan nås i Gáivuotna",
        f"Signer avtalen: {stuck.title}",  # staff is the county's representative
    ]:
        assert line in text
    assert reverse("notifications:outbox", kwargs={"number": world["county"].number}) + "?status=failed" in html
    step = project.participants.get(municipality=world["municipality"]).escalations.get(status="proposed")
    assert reverse("followup:escalation-review", kwargs={"pk": project.pk, "step_pk": step.pk}) in html
    assert "invitasjon" not in text and "tofaktor" not in text


def test_county_administrator_also_sees_invitations_and_missing_two_factor(client, world):
    client.force_login(world["admin"])
    text, html = todo_section(client)
    assert "1 invitasjon er ikke tatt i bruk ennå" in text
    assert re.search(r"\d+ brukere uten tofaktorautentisering", text)
    assert reverse("accounts:user-list", kwargs={"number": world["county"].number}) in html
    assert "Ingen kan nås i Gáivuotna" in text


def test_nothing_waiting_says_so_and_shows_no_badge(client, county):
    quiet = MunicipalityFactory(county=county, number="5599", name="Stilleby")
    head = make_user("library_head", municipality=quiet, email="stille@example.no", name="Stina Stille")
    client.force_login(head)
    text, _html = todo_section(client)
    assert text == "Dine oppgaver Ingenting venter på deg."
    assert "oppgave" not in badge(client)


def test_a_task_done_leaves_the_list(client, world):
    client.force_login(world["expert"])
    Response.objects.filter(user=world["expert"]).update(status=Response.Status.SUBMITTED)
    text, _html = todo_section(client)
    assert "Svar på evalueringen" not in text
    assert "1 (1 oppgave)" in badge(client)


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


ROLES = ["head", "leadership", "mayor", "expert", "staff", "admin"]


def test_start_page_query_count_is_flat_with_data(client, world):
    home, other = reverse("shell:home"), reverse("projects:project-list")
    small = {}
    for role in ROLES:
        client.force_login(world[role])
        small[role] = (_queries(client, home), _queries(client, other))
    for index in (1, 2):
        add_project(world, index)
    for role in ROLES:
        client.force_login(world[role])
        assert (_queries(client, home), _queries(client, other)) == small[role], role
        # The key pages' budget (tests/test_query_budgets.py); an administrator's pages also ask whether
        # they have set up two-factor authentication (accounts.middleware), one query more.
        budget = 16 if role == "admin" else 15
        assert small[role][0] <= budget, f"{role}: {small[role][0]} queries on the start page"
    client.force_login(world["staff"])
    text, _html = todo_section(client)
    assert "3 e-poster kunne ikke sendes" in text  # the larger world is really larger
