"""Journeys through the page shell: the start page, the accessibility statement, the language switch."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_start_page_in_norwegian(journey):
    journey.goto("/")
    page = journey.page
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("link", name="Logg inn").first.is_visible()
    journey.scan("start")


def test_skip_link_moves_focus_to_the_main_content(journey):
    journey.goto("/")
    journey.page.keyboard.press("Tab")
    skip = journey.page.get_by_role("link", name="Hopp til hovedinnholdet")
    assert skip.evaluate("el => el === document.activeElement")
    journey.page.keyboard.press("Enter")
    assert journey.page.url.endswith("#main")


def test_visitor_reads_the_accessibility_statement(journey):
    journey.goto("/")
    journey.page.get_by_role("link", name="Tilgjengelighetserklæring").click()
    journey.page.wait_for_load_state()
    assert journey.page.get_by_role("heading", level=1).inner_text() == "Tilgjengelighetserklæring"
    journey.scan("accessibility-statement")


def test_visitor_switches_to_english_and_back(journey):
    journey.goto("/side/personvern/")
    journey.page.select_option("#language-select", "en")
    journey.page.get_by_role("button", name="Bytt språk").click()
    journey.page.wait_for_load_state()
    assert journey.page.locator("html").get_attribute("lang") == "en"
    assert journey.page.get_by_role("heading", level=1).inner_text() == "Privacy notice"
    journey.scan("english")
    journey.page.select_option("#language-select", "nb")
    journey.page.get_by_role("button", name="Change language").click()
    journey.page.wait_for_load_state()
    assert journey.page.locator("html").get_attribute("lang") == "nb"
