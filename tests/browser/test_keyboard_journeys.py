"""Issue 19: the library head logs progress and the mayor reads and signs an agreement with the keyboard
alone (WCAG 2.1.1): Tab and Shift+Tab to move, Enter and Space to act, typing to fill in; no clicks.
Each step checks where the focus is, and that what has the focus is on the screen."""

import re

import pytest

from demo.accounts import DEMO_PASSWORD
from followup.models import Milestone
from tests.browser.test_followup_journeys import late_project  # noqa: F401 (a fixture)
from tests.browser.test_todo_journeys import waiting_for_the_mayor  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element, and whether it is inside the viewport (not hidden behind the edge).
FOCUSED = """() => { const el = document.activeElement; const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), text: (el.getAttribute('aria-label') || el.textContent || el.name || '').trim(),
          visible: box.width > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth}; }"""


def tab_to(page, locator, *, limit: int = 120) -> None:
    """Presses Tab until `locator` has the focus; fails if the keyboard cannot get there in `limit` presses."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            focused = page.evaluate(FOCUSED)
            assert focused["visible"], f"the focus is on {focused} but it is off the screen"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {locator}: stuck at {page.evaluate(FOCUSED)}")


def press_and_follow(journey, key: str = "Enter") -> None:
    """Presses a key that leads to another page, and waits until that page has loaded and settled."""
    with journey.page.expect_navigation(wait_until="load"):
        journey.page.keyboard.press(key)
    journey.settle()


def keyboard_login(journey, email: str) -> None:
    page = journey.page
    # Bootstrap scrolls smoothly unless motion is reduced; the focused element is then on screen at once.
    page.emulate_media(reduced_motion="reduce")
    journey.goto("/konto/login/")
    tab_to(page, page.locator("input[name=login]"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_follow(journey)
    assert "/konto/login/" not in page.url, f"login as {email} failed: {page.url}"


def test_library_head_logs_progress_with_the_keyboard_alone(journey, late_project):
    project, participant, milestone, _photo = late_project
    page = journey.page
    keyboard_login(journey, "biblioteksjef.tromso@demo.fremdrift.no")
    tab_to(page, page.get_by_role("link", name=re.compile("^Mine milepæler")).first)
    press_and_follow(journey)
    assert page.get_by_role("heading", name="Mine milepæler", level=1).is_visible()
    card = page.locator(f"#milestone-{milestone.pk}")
    status = card.get_by_label("Status")
    tab_to(page, status)
    # A closed select takes the arrow keys: down until it says "Ferdig".
    for _ in range(6):
        if status.evaluate("select => select.selectedOptions[0].textContent.trim()") == "Ferdig":
            break
        page.keyboard.press("ArrowDown")
    assert status.evaluate("select => select.value") == "done"
    tab_to(page, card.get_by_label("Hva har skjedd?"))
    page.keyboard.type("Romplanen er ferdig og godkjent.")
    tab_to(page, card.get_by_role("button", name=re.compile("Logg fremdrift")))
    page.keyboard.press("Enter")
    page.locator(f"#milestone-{milestone.pk}").get_by_text("Fremdriften din er logget.").wait_for()
    journey.settle()
    # The focus stays with the card that was saved, so the next Tab goes on from there.
    assert page.evaluate(f"() => document.activeElement.closest('#milestone-{milestone.pk}') !== null")
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DONE
    assert milestone.progress_entries.get().text == "Romplanen er ferdig og godkjent."
    journey.scan("keyboard-progress-logged")


def test_the_mayor_reads_and_signs_with_the_keyboard_alone(journey, waiting_for_the_mayor):
    agreement = waiting_for_the_mayor
    page = journey.page
    keyboard_login(journey, "ordforer.tromso@demo.fremdrift.no")
    tasks = page.get_by_role("region", name="Dine oppgaver")
    tab_to(page, tasks.get_by_role("link", name=f"Signer avtalen: {agreement.title}"))
    press_and_follow(journey)
    # Reads the agreement first, then comes back to the sign form from it.
    tab_to(page, page.get_by_role("link", name="Les hele avtalen først"))
    press_and_follow(journey)
    assert page.get_by_role("heading", level=1).inner_text().strip() == agreement.title
    tab_to(page, page.locator("main").get_by_role("link", name=re.compile("^Signer som")).first)
    press_and_follow(journey)
    assert page.url.endswith(f"/avtaler/{agreement.pk}/signer/mayor/")
    tab_to(page, page.get_by_label("Passordet ditt"))
    page.keyboard.type(DEMO_PASSWORD)
    consent = page.get_by_label("Jeg har lest avtalen og signerer den på vegne av parten jeg representerer.")
    tab_to(page, consent)
    page.keyboard.press("Space")
    assert consent.is_checked()
    tab_to(page, page.get_by_role("button", name="Signer avtalen"))
    press_and_follow(journey)
    assert page.get_by_text("Takk: signaturen din er registrert.").is_visible()
    agreement.refresh_from_db()
    assert agreement.signatures.filter(slot="mayor").exists()
