"""Journey of issue 18: the mayor of Tromsø logs in, finds the agreement waiting for their signature at
the top of the start page ("Dine oppgaver", and a count in the menu), follows it straight to the sign form
and signs; the task is then gone. The start page is also read at 320 px, where nothing may overflow."""

from datetime import date
from pathlib import Path

import pytest

from accounts.models import User
from agreements.models import Agreement
from agreements.services import drafts, sending
from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from municipalities.models import Municipality
from planning.kits import create_project_from_kit
from planning.standard_kits import install_standard_kits
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/i18s-shots")


@pytest.fixture
def waiting_for_the_mayor(transactional_db):
    county = seed_places()
    seed_logins(county)
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    project = create_project_from_kit(
        kit=install_standard_kits(county)[0],
        county=county,
        by=staff,
        title="Bibliotekrom 2027",
        start_on=date(2027, 1, 4),
        municipalities=[Municipality.objects.get(number="5501")],
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    draft = drafts.create_agreement(participant=project.participants.get(), by=staff)
    assert draft.mayor_contact.user.email == "ordforer.tromso@demo.fremdrift.no"
    Agreement.objects.filter(pk=draft.pk).update(requires_mayor=True)
    return sending.send_for_signature(agreement=Agreement.objects.get(pk=draft.pk), by=staff)


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_mayor_signs_from_the_start_page(journey, waiting_for_the_mayor):
    agreement = waiting_for_the_mayor
    page = journey.page
    journey.login("ordforer.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto("/")
    tasks = page.get_by_role("region", name="Dine oppgaver")
    task = tasks.get_by_role("link", name=f"Signer avtalen: {agreement.title}")
    assert task.is_visible()
    assert "Tromsø · sendt" in tasks.inner_text()
    assert page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Start (1 oppgave)").count() == 1
    journey.scan("start page with a task")
    page.set_viewport_size({"width": 320, "height": 800})
    journey.settle()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "start-320.png"), full_page=True)
    assert _overflow(page) <= 0, "the start page overflows at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})
    # Any other page gets the menu's count after it has loaded.
    journey.goto("/prosjekter/")
    menu = page.get_by_role("navigation", name="Hovedmeny")
    assert menu.get_by_role("link", name="Start (1 oppgave)").count() == 1
    journey.goto("/")
    task.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/avtaler/{agreement.pk}/signer/mayor/")
    journey.scan("sign form")
    page.get_by_label("Passordet ditt").fill(DEMO_PASSWORD)
    page.get_by_label("Jeg har lest avtalen og signerer den på vegne av parten jeg representerer.").check()
    page.get_by_role("button", name="Signer avtalen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Takk: signaturen din er registrert.").is_visible()
    journey.goto("/")
    assert "Ingenting venter på deg." in page.get_by_role("region", name="Dine oppgaver").inner_text()
    assert page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Start", exact=True).count() == 1
