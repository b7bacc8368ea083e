"""Journey of issue 9: staff open a mid-term evaluation, two library heads answer, staff read the
results and record a course correction that moves a milestone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.evaluations import _questionnaire
from demo.municipalities import seed_places
from evaluations.models import CorrectionChange, Kind, MeasurementPeriod, Response, Round
from evaluations.services import measurements
from followup.models import Milestone
from municipalities.models import Municipality, Theme
from projects import services
from projects.models import Measurement, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Møteplass Troms"
SATISFIED = "Hvor fornøyd er dere med fremdriften så langt? *"
FOLLOWED = "Hvor godt har fylkesbiblioteket fulgt dere opp? *"
CAPACITY = "Har dere kapasitet til resten av prosjektet? *"


@pytest.fixture
def demo(transactional_db):
    """Troms with its logins, a mid-term questionnaire, and an active project past half its period
    in which Tromsø and Harstad take part (each with its library head's login)."""
    county = seed_places()
    seed_logins(county)
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    _questionnaire(county, staff, Kind.MIDTERM)
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
        project=project, municipalities=list(Municipality.objects.filter(number__in=["5501", "5503"])), by=staff
    )
    goal = services.save_goal(project=project, by=staff, text="Flere besøk i bibliotekene")
    indicator = services.save_indicator(
        project=project, goal=goal, by=staff, name="Besøk per uke", baseline=400, target=600
    )
    services.record_measurement(indicator=indicator, by=staff, value=470, measured_on=today - timedelta(days=3))
    planned = today + timedelta(days=30)
    Milestone.objects.create(project=project, name="Romplan vedtatt", planned_on=planned, original_planned_on=planned)
    measurements.save_ttt_indicator(project=project, by=staff, name="Besøk per uke (TTT-telling)", unit="besøk")
    MeasurementPeriod.objects.create(
        project=project, period="before", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30)
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    return project


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    """No sideways scroll on a phone."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide at {width[1]} px"


def _answer(journey, email, *, scale, followed, capacity, text, phone=False):
    page = journey.page
    journey.logout()
    journey.login(email, DEMO_PASSWORD)
    if phone:
        page.set_viewport_size(PHONE)
    journey.goto(Project.objects.get(title=TITLE).get_absolute_url())
    page.get_by_role("link", name=f"Mellomevaluering: {TITLE}: svar for").click()
    page.wait_for_load_state()
    if phone:
        _fits(page)
    journey.scan(f"answer-{email.split('@')[0]}")
    page.get_by_role("group", name=SATISFIED).get_by_label(scale, exact=True).check()
    page.get_by_label("Hva bør vi gjøre annerledes resten av prosjektet?").fill(text)
    _submit(page, "Lagre utkast")
    assert page.get_by_text("Utkastet ditt er lagret.").is_visible()
    # Submitting without the required answers is refused at the questions, nothing is lost.
    _submit(page, "Send inn svarene")
    assert page.get_by_text("Dette spørsmålet må besvares.").first.is_visible()
    assert page.get_by_label("Hva bør vi gjøre annerledes resten av prosjektet?").input_value() == text
    journey.scan(f"answer-errors-{email.split('@')[0]}")
    if phone:
        _fits(page)
    page.get_by_role("group", name=FOLLOWED).get_by_label(followed, exact=True).check()
    page.get_by_role("group", name=CAPACITY).get_by_label(capacity).check()
    _submit(page, "Send inn svarene")
    assert page.get_by_text("Takk! Svarene dine er sendt inn.").is_visible()


def _enter_ttt_value_on_a_phone(journey, project):
    """The library head, still on the phone, counts visits for the before period."""
    page = journey.page
    journey.goto(f"/prosjekter/{project.pk}/ttt/")
    _fits(page)
    page.get_by_role("link", name="Registrer en telt verdi").click()
    page.wait_for_load_state()
    _fits(page)
    journey.scan("phone-ttt-form")
    page.get_by_label("Hva som telles").select_option(label="Besøk per uke (TTT-telling)")
    page.get_by_label("Bibliotek").select_option(label="Harstad bibliotek (Harstad)")
    page.get_by_label("Periode").select_option(label="Før")
    page.get_by_label("Telt dato").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    page.get_by_label("Verdi").fill("412")
    _submit(page, "Lagre")
    assert page.get_by_text("Verdien er lagret.").is_visible()
    _fits(page)
    journey.scan("phone-ttt-saved")
    saved = Measurement.objects.get(indicator__project=project, library__isnull=False)
    assert saved.value == 412 and saved.library.municipality.number == "5503"


def test_midterm_round_answers_results_and_a_course_correction(journey, demo):
    page = journey.page
    project = demo
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())
    assert page.get_by_text("Halve prosjektperioden er gått").is_visible()
    journey.scan("project-proposes-midterm")
    page.get_by_role("link", name="Åpne en mellomevaluering").first.click()
    page.wait_for_load_state()
    journey.scan("open-round")
    page.get_by_label("Frist").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    _submit(page, "Åpne evalueringen og send den ut")
    assert page.get_by_text("Evalueringen er åpnet").is_visible()
    round_ = Round.objects.get(project=project, kind=Kind.MIDTERM)
    assert round_.responses.count() == 2

    _answer(
        journey,
        "biblioteksjef.tromso@demo.fremdrift.no",
        scale="4",
        followed="5 – Svært godt",
        capacity="Ja, som planlagt",
        text="Flere felles verksteder.",
    )
    _answer(
        journey,
        "biblioteksjef.harstad@demo.fremdrift.no",
        scale="2",
        followed="3",
        capacity="Bare hvis planen strekkes ut",
        text="Vi trenger mer tid til romplanen.",
        phone=True,
    )
    _enter_ttt_value_on_a_phone(journey, project)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert round_.responses.filter(status=Response.Status.SUBMITTED).count() == 2

    journey.logout()
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(round_.get_absolute_url())
    assert page.get_by_text("2 av 2 har sendt inn.").is_visible()
    assert page.get_by_text("Gjennomsnitt: 3,00").first.is_visible()
    assert page.get_by_text("Vi trenger mer tid til romplanen.").is_visible()
    assert page.get_by_role("heading", name="Mål: hvor står vi?").is_visible()
    journey.scan("results")

    page.get_by_role("link", name="Registrer en kursjustering").click()
    page.wait_for_load_state()
    journey.scan("correction-form")
    page.get_by_label("Beslutning").fill("Romplanen får en måned ekstra.")
    page.get_by_label("Begrunnelse").fill("Harstad trenger mer tid, viser mellomevalueringen.")
    page.get_by_label("Besluttet av").fill("Styringsgruppen")
    _submit(page, "Registrer beslutningen")
    assert page.get_by_text("Beslutningen er registrert.").is_visible()
    page.get_by_role("link", name="Flytt en milepæl").click()
    page.wait_for_load_state()
    milestone = Milestone.objects.get(project=project)
    planned = milestone.planned_on
    page.get_by_label("Milepæl").select_option(label=f"Romplan vedtatt ({planned.day}.{planned.month}.{planned.year})")
    page.get_by_label("Ny planlagt dato").fill((planned + timedelta(days=31)).isoformat())
    _submit(page, "Flytt milepælen")
    assert page.get_by_text("Milepælen er flyttet.").is_visible()
    assert page.get_by_role("link", name="Romplan vedtatt").is_visible()
    journey.scan("correction")
    milestone.refresh_from_db()
    assert milestone.planned_on == planned + timedelta(days=31) and milestone.original_planned_on == planned

    change = CorrectionChange.objects.get()
    page.get_by_role("link", name="Romplan vedtatt").click()
    page.wait_for_load_state()
    row = page.locator(f"#change-{change.pk}")
    assert row.is_visible() and "Romplan vedtatt" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Kursjustering").is_visible()
    journey.goto(project.get_absolute_url())
    journey.scan("project-after-correction")


@pytest.fixture
def full_demo(transactional_db):
    from demo.evaluations import seed_evaluations
    from demo.projects import seed_projects

    county = seed_places()
    seed_logins(county)
    seed_projects(county)
    seed_evaluations(county)
    return county


def test_evaluation_pages_of_the_demo_are_accessible(journey, full_demo):
    """Questionnaires, the mapping with its conclusions, the public page, TTT and the lessons log."""
    from demo.seed_lessons import SEED_TITLE
    from evaluations.models import Conclusion, Questionnaire

    page = journey.page
    conclusion = Conclusion.objects.filter(published_on__isnull=False, municipality__number="5501").get()
    journey.goto(f"/kartlegging/{conclusion.municipality.number}/")
    assert page.get_by_role("heading", level=1, name="Kartlegging: Tromsø").is_visible()
    journey.scan("public-conclusions")
    page.get_by_role("link", name=conclusion.round.project.title).click()
    page.wait_for_load_state()
    journey.scan("public-conclusion")

    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto("/fylker/55/")
    page.get_by_role("link", name="Spørreskjemaer").click()
    page.wait_for_load_state()
    journey.scan("questionnaires")
    page.get_by_role("link", name="Kartlegging av bibliotekets potensial").click()
    page.wait_for_load_state()
    journey.scan("questionnaire")
    page.get_by_role("link", name="Legg til spørsmål").click()
    page.wait_for_load_state()
    page.get_by_label("Spørsmål").fill("Hvilke lag og foreninger bruker biblioteket?")
    page.get_by_label("Type svar").select_option(label="Flervalg")
    page.get_by_label("Svaralternativer").fill("Bare ett")
    _submit(page, "Lagre spørsmålet")
    assert page.get_by_text("Oppgi minst to svaralternativer, ett per linje.").is_visible()
    journey.scan("question-error")
    page.get_by_label("Svaralternativer").fill("Idrettslag\nKor\nPensjonistforening")
    _submit(page, "Lagre spørsmålet")
    assert page.get_by_text("Spørsmålet er lagret i en ny versjon").is_visible()
    assert Questionnaire.objects.get(title="Kartlegging av bibliotekets potensial").versions.count() == 2

    mapping = conclusion.round
    journey.goto(mapping.get_absolute_url())
    assert page.get_by_text("Skrevet, ikke publisert").is_visible()
    journey.scan("mapping-results")
    journey.goto(f"/prosjekter/{mapping.project.pk}/ttt/")
    assert page.get_by_role("heading", name="Besøk per uke (TTT-telling) (besøk)").is_visible()
    journey.scan("ttt")
    journey.goto("/fylker/55/erfaringer/")
    journey.scan("lessons-log")
    page.get_by_label("Type").select_option(label="Penger")
    _submit(page, "Filtrer")
    assert page.get_by_role("cell", name="Matchingsmidler fra oss utløser midler lokalt.", exact=True).is_visible()
    assert page.get_by_role("cell", name="TING TAR TID", exact=True).count() == 0
    journey.goto(f"/prosjekter/{Project.objects.get(title=SEED_TITLE).pk}/erfaringer/")
    assert page.get_by_role("heading", name="Viktigste lærdom").is_visible()
    journey.scan("project-lessons")
