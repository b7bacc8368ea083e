"""Journey of issue 5: a project with goals and participants, a commitment and a compliance record."""

import re

import pytest

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from projects.models import Project, RequirementStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    county = seed_places()
    seed_logins(county)
    return county


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_staff_create_a_project_the_library_head_commits_and_staff_record_compliance(journey, demo):
    page = journey.page
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    page.get_by_role("link", name="Prosjekter", exact=True).click()
    page.wait_for_load_state()
    journey.scan("project-list-empty")
    page.get_by_role("link", name="Nytt prosjekt").click()
    page.wait_for_load_state()
    journey.scan("project-form")
    page.get_by_label("Tittel").fill("Leselyst i Troms")
    page.get_by_label("Tema").select_option(label="Leselyst")
    page.get_by_label("Formål").fill("Flere barn som leser.")
    page.get_by_label("Start").fill("2026-01-01")
    page.get_by_label("Slutt").fill("2027-06-30")
    _submit(page, "Lagre")
    assert page.get_by_role("heading", level=1, name="Leselyst i Troms").is_visible()
    journey.scan("project-page")

    for text in ["Flere barn låner bøker", "Flere lesestunder i bibliotekene"]:
        page.get_by_role("link", name="Legg til mål").click()
        page.wait_for_load_state()
        page.get_by_label("Mål").fill(text)
        _submit(page, "Lagre målet")
    assert page.get_by_role("heading", name="Flere lesestunder i bibliotekene").is_visible()

    page.get_by_role("link", name="Legg til krav").click()
    page.wait_for_load_state()
    page.get_by_label("Krav").fill("Delta på alle verksteder")
    _submit(page, "Lagre kravet")

    page.get_by_role("link", name="Inviter kommuner").click()
    page.wait_for_load_state()
    journey.scan("invite")
    for name in ["5501 Tromsø", "5503 Harstad", "5540 Gáivuotna - Kåfjord - Kaivuono"]:
        page.get_by_label(name, exact=True).check()
    _submit(page, "Inviter")
    project = Project.objects.get(title="Leselyst i Troms")
    assert project.participants.count() == 3 and project.goals.count() == 2

    journey.logout()
    journey.login("biblioteksjef.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())
    page.get_by_role("link", name="Deltakelsen til Tromsø: krav og status").click()
    page.wait_for_load_state()
    journey.scan("participant-as-head")
    _submit(page, "Vi forplikter oss til kravene")
    assert page.get_by_text("Alle kravene er forpliktet.").is_visible()
    status = RequirementStatus.objects.get(participant__municipality__number="5501")
    assert status.committed_by.email == "biblioteksjef.tromso@demo.fremdrift.no"

    journey.logout()
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())
    page.get_by_role("link", name="Tromsø", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile("Registrer oppfyllelse.*Delta på alle verksteder")).click()
    page.wait_for_load_state()
    journey.scan("compliance-form")
    page.get_by_label("Oppfylt", exact=True).check()
    page.get_by_label("Merknad").fill("Deltok på første verksted.")
    _submit(page, "Registrer oppfyllelse")
    assert page.get_by_text("Oppfylt: Deltok på første verksted.").is_visible()
    journey.scan("participant-as-staff")
    status.refresh_from_db()
    assert status.compliance == "met" and status.compliance_by.email == "fylke@demo.fremdrift.no"
