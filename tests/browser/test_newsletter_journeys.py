"""Journey of issue 10: county staff write an infobrev about the money changes of a project, preview
who gets it, send it; a recipient unsubscribes through the link in the e-mail. Then the public pages."""

import re

import pytest
from playwright.sync_api import expect

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.evaluations import seed_evaluations
from demo.municipalities import seed_places
from demo.newsletters import SHOWCASE_SLUG, seed_newsletters
from demo.projects import ROOM_PROJECT, seed_projects
from newsletters.models import Newsletter, Suppression
from notifications.models import OutboxMessage
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    county = seed_places()
    seed_logins(county)
    seed_projects(county)
    seed_evaluations(county)  # the finished 2019–2022 project, whose room the infobrev shows
    seed_newsletters(county)
    return county


def _click(page, role, name):
    page.get_by_role(role, name=name).click()
    page.wait_for_load_state()


def test_staff_send_an_infobrev_about_money_and_a_recipient_unsubscribes(journey, demo):
    page = journey.page
    room = Project.objects.get(title=ROOM_PROJECT)
    assert room.infobrev_suggested_at is not None
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto(room.get_absolute_url())
    _click(page, "link", "Skriv et infobrev om endringene i økonomien")
    journey.scan("project-infobrev")
    assert page.get_by_text("Tilskudd fra fylket", exact=False).first.is_visible()
    _click(page, "button", "Lag et utkast som lister opp disse endringene")
    journey.scan("draft-form")

    # The live preview follows the text as it is written, sanitised.
    body = page.get_by_label("Tekst")
    assert "**Tromsø**" in body.input_value()
    body.fill(body.input_value() + "\n\nVi ses på **verkstedet** i mai. <script>alert(1)</script>")
    preview = page.locator("#newsletter-preview")
    expect(preview.locator("strong", has_text="verkstedet")).to_be_visible()
    expect(preview).not_to_contain_text("alert")
    page.get_by_label("Vis i det offentlige arkivet").check()
    _click(page, "button", "Lagre utkast")
    assert page.get_by_text("Utkastet er lagret.").is_visible()
    journey.scan("newsletter-draft")

    _click(page, "link", "Se hvem som får det, og hvem som er utelatt")
    journey.scan("audience")
    assert page.get_by_role("cell", name="biblioteksjef.harstad@demo.fremdrift.no").is_visible()
    assert page.get_by_role("cell", name="arkitekt@demo.fremdrift.no").is_visible()  # a subscriber
    left_out = page.get_by_role("table", name="Utelatt, og hvorfor")
    expect(left_out.get_by_role("row", name=re.compile("tidligere@demo.fremdrift.no.*Avmeldt"))).to_be_visible()
    assert not page.get_by_role("cell", name=re.compile("lavangen", re.I)).count()  # withdrawn: not involved
    _click(page, "link", "Tilbake til infobrevet")

    _click(page, "button", "Send infobrevet")
    # The confirmation: how many get it and who cannot be reached, confirmed once.
    reach = page.locator("#send-reach")
    expect(reach).to_contain_text(re.compile(r"går til \d+ av \d+\."))
    expect(reach).to_contain_text("tidligere@demo.fremdrift.no kan ikke nås: avmeldt.")
    journey.scan("newsletter-confirm")
    _click(page, "button", re.compile(r"Bekreft utsending til \d+ mottakere"))
    # The tasks run in-process: the message says what happened, never "everyone".
    expect(page.locator(".fd-messages")).to_contain_text(
        re.compile(r"Sendt til \d+ av \d+\.|Infobrevet sendes til \d+ av \d+\.")
    )
    progress = page.locator("#newsletter-progress")
    expect(progress).to_contain_text("Utsendingen er ferdig", timeout=20000)
    journey.scan("newsletter-sent")
    newsletter = Newsletter.objects.get(project=room, status=Newsletter.Status.SENT)
    sent = OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter")
    assert sent.count() == newsletter.recipient_count > 5
    expect(progress.locator('[data-progress="sent"]')).to_have_text(str(sent.count()))
    room.refresh_from_db()
    assert room.infobrev_suggested_at is None  # everyone has been told

    # A recipient opens the unsubscribe link of their e-mail.
    message = sent.get(recipient="biblioteksjef.harstad@demo.fremdrift.no")
    link = re.search(r"https?://\S+/offentlig/abonnement/avmeld/\S+/", message.body_text).group(0)
    journey.logout()
    journey.goto(re.sub(r"^https?://[^/]+", "", link))
    journey.scan("unsubscribe")
    assert page.get_by_text(ROOM_PROJECT, exact=False).first.is_visible()
    _click(page, "button", "Ja, meld meg av")
    assert page.get_by_role("heading", name="Du er meldt av").is_visible()
    journey.scan("unsubscribed")
    assert Suppression.objects.filter(
        email="biblioteksjef.harstad@demo.fremdrift.no", mailing_list=newsletter.mailing_list
    ).exists()

    # Tampered, the same link gives a clear page and changes nothing.
    response = page.goto(re.sub(r"^https?://[^/]+", "", link).replace(":", ":x", 1))
    assert response.status == 400
    assert page.get_by_role("heading", name="Lenken virker ikke").is_visible()
    journey.scan("tampered-link")


def test_the_public_pages_need_no_login(journey, demo):
    page = journey.page
    journey.goto("/offentlig/55/")
    journey.scan("public-county")
    _click(page, "link", "Harstad bibliotek: fra samling til møteplass")
    assert page.url.endswith(f"/offentlig/55/eksempler/{SHOWCASE_SLUG}/")
    assert page.locator("figure.fd-chart").count() == 2
    assert (
        page.locator('meta[property="og:title"]').get_attribute("content")
        == "Harstad bibliotek: fra samling til møteplass"
    )
    journey.scan("showcase")
    journey.goto("/offentlig/55/")
    _click(page, "link", "Alle publiserte infobrev")
    journey.scan("archive")
    _click(page, "link", "Oppstart: kassering og samlingsutvikling i Nord-Troms")
    journey.scan("archive-newsletter")
    journey.goto("/offentlig/55/abonner/")
    journey.scan("subscribe")
    page.get_by_label("Din e-postadresse").fill("ny.leser@example.no")
    page.get_by_label("Infobrev fra Troms").check()
    _click(page, "button", "Abonner")
    assert page.get_by_role("heading", name="Sjekk e-posten din").is_visible()
    journey.scan("subscribe-sent")
