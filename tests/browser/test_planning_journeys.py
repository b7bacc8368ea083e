"""Journey of issue 6: a project from the room kit through the reality check to a released grant."""

import re

import pytest

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from planning.models import GrantRelease
from planning.selectors import kit_of
from planning.standard_kits import install_standard_kits
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    county = seed_places()
    seed_logins(county)
    install_standard_kits(county)
    return county


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_staff_plan_a_project_from_the_room_kit_and_release_a_grant(journey, demo):
    page = journey.page
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto("/fylker/55/pakker/")
    journey.scan("kits")
    page.get_by_role("link", name="Bibliotekrom – fra samling til møteplass").click()
    page.wait_for_load_state()
    journey.scan("kit")
    page.get_by_role("link", name="Nytt prosjekt fra denne pakken").click()
    page.wait_for_load_state()
    page.get_by_label("Tittel").fill("Nye bibliotekrom 2027")
    page.get_by_label("Start").fill("2027-01-04")
    page.get_by_label("5501 Tromsø").check()
    page.get_by_label("5540 Gáivuotna - Kåfjord - Kaivuono").check()
    _submit(page, "Opprett prosjektet")
    project = Project.objects.get(title="Nye bibliotekrom 2027")
    assert project.milestones.exists() and kit_of(project).name.startswith("Bibliotekrom")
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    page.reload()
    journey.scan("project-from-kit")

    # Have we thought of everyone? Gáivuotna has no contacts at all.
    assert page.get_by_text(re.compile(r"\d+ stillinger som kreves, mangler")).is_visible()
    # The reality check: nobody has declared hours yet.
    assert page.get_by_text("Minst én part mangler timer.").is_visible()
    page.get_by_role("button", name="Flytt til «Aktiv»").click()
    page.wait_for_load_state()
    assert page.get_by_text("Begrunn hvorfor dere likevel starter").is_visible()
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNING

    # Fix it: the county declares hours, both libraries declare theirs.
    journey.goto("/fylker/55/kapasitet/")
    journey.scan("staff-capacity")
    page.get_by_label("Timer per måned tilgjengelig for prosjekter").fill("40")
    _submit(page, "Lagre")
    for number in ("5501", "5540"):
        journey.goto(f"/kommuner/{number}/kapasitet/")
        page.get_by_label("Timer per måned tilgjengelig for prosjekter").fill("10")
        _submit(page, "Lagre")
    journey.goto(project.get_absolute_url())
    assert page.get_by_text("Alle parter har timene prosjektet trenger.").is_visible()
    page.get_by_role("button", name="Flytt til «Aktiv»").click()
    page.wait_for_load_state()
    assert page.get_by_text("Prosjektet har nå status: Aktiv.").is_visible()

    # Budgets: Tromsø meets the 40 % local share, and part of the grant is released.
    page.get_by_role("link", name="Tromsø", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Rediger budsjett").click()
    page.wait_for_load_state()
    journey.scan("budget-form")
    page.get_by_label("Tilskudd fra fylket (kr)").fill("120000")
    page.get_by_label("Lokale midler, kontanter (kr)").fill("80000")
    _submit(page, "Lagre budsjettet")
    assert page.get_by_text("Budsjettet er lagret.").is_visible()
    journey.scan("participant-with-budget")
    page.get_by_role("link", name="Utbetal tilskudd").click()
    page.wait_for_load_state()
    page.get_by_label("Beløp (kr)").fill("200000")
    _submit(page, "Utbetal")
    assert page.locator(".invalid-feedback").inner_text() == "Bare 120\xa0000\xa0kr av tilskuddet gjenstår å utbetale."
    journey.scan("release-error")
    page.get_by_label("Beløp (kr)").fill("60000")
    _submit(page, "Utbetal")
    assert page.get_by_text("Utbetalingen er registrert.").is_visible()
    assert GrantRelease.objects.get().amount == 60000
    project.refresh_from_db()
    assert project.infobrev_suggested_at is not None
