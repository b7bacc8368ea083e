"""Who reads which language: a user's own choice (profile or the shell's switch), else their county's
written standard; visitors what their browser asks for; the public pages the county's."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from newsletters.models import MailingList
from tests.factories import CountyFactory, MunicipalityFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def vestland(db):
    return CountyFactory(number="46", name="Vestland", written_standard="nn")


@pytest.fixture
def sogndal(vestland):
    return MunicipalityFactory(county=vestland, number="4640", name="Sogndal")


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_vestland_user_reads_nynorsk_without_choosing(client, vestland, sogndal):
    head = make_user(Membership.Role.LIBRARY_HEAD, municipality=sogndal, email="sjef@sogndal.no", name="Solveig")
    client.force_login(head)
    response = client.get(reverse("shell:home"))
    text = _text(response)
    assert response["Content-Language"] == "nn" and '<html lang="nn"' in text
    assert "Byt språk" in text and "Bytt språk" not in text  # the shell's switch, in nynorsk
    assert "Milepælane mine" in text or "Oppgåvene dine" in text


def test_a_troms_user_reads_bokmal_until_they_choose_nynorsk_in_the_profile(client, county, library_head):
    client.force_login(library_head)
    assert client.get(reverse("shell:home"))["Content-Language"] == "nb"
    page = client.get(reverse("accounts:profile"))
    assert "Profilen din" in _text(page)
    response = client.post(reverse("accounts:profile"), {"name": library_head.name, "language": "nn"}, follow=True)
    assert "Profilen din er lagra." in _text(response)  # the confirmation is already in the new language
    library_head.refresh_from_db()
    assert library_head.language == "nn"
    assert client.get(reverse("shell:home"))["Content-Language"] == "nn"


def test_the_shells_switch_stores_the_choice_for_a_signed_in_user(client, county, library_head):
    client.force_login(library_head)
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/"}, follow=True)
    assert response["Content-Language"] == "nn"
    library_head.refresh_from_db()
    assert library_head.language == "nn"
    client.logout()
    client.cookies.clear()
    client.force_login(library_head)  # another browser: the choice follows the user
    assert client.get(reverse("shell:home"))["Content-Language"] == "nn"


def test_the_switch_offers_nynorsk_to_visitors(client, county):
    text = _text(client.get(reverse("account_login")))
    assert '<option value="nn" lang="nn"' in text
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/konto/login/"}, follow=True)
    text = _text(response)
    assert response["Content-Language"] == "nn" and "Logg inn" in text and "Har du gløymt passordet?" in text


def test_allauths_password_reset_page_speaks_nynorsk(client, vestland):
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    text = _text(client.get(reverse("account_reset_password")))
    assert "Har du gløymt passordet? Skriv inn e-postadressa di nedanfor" in text
    assert "Tilbakestill passordet mitt" in text


def test_the_public_county_page_speaks_the_countys_standard_to_every_visitor(client, vestland, county):
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    response = client.get(reverse("newsletters:public-county", kwargs={"number": "46"}))
    assert response["Content-Language"] == "nn" and "Bibliotekutvikling i Vestland" in _text(response)
    assert client.get(reverse("newsletters:public-county", kwargs={"number": "55"}))["Content-Language"] == "nb"


def test_a_subscriber_to_a_vestland_list_gets_the_confirmation_in_nynorsk(
    client, vestland, django_capture_on_commit_callbacks
):
    """A person without an account gets the county's written standard, whatever their browser said."""
    MailingList.objects.create(county=vestland, is_public=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletters:subscribe", kwargs={"number": "46"}),
            {"email": "lesar@example.no", "lists": [MailingList.objects.get().pk]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["lesar@example.no"]
    assert "Stadfest abonnementet ved å opne denne lenkja:" in message.body
    assert "Viss du ikkje bad om dette" in message.body and "ikke" not in message.body.split()


NN_PAGES = [
    ("shell:home", {}),
    ("accounts:profile", {}),
    ("notifications:preferences", {}),
    ("projects:project-list", {}),
    ("projects:project-create", {}),
    ("municipalities:county-detail", {"number": "46"}),
    ("municipalities:county-settings", {"number": "46"}),
    ("municipalities:municipality-list", {}),
    ("municipalities:municipality-detail", {"number": "4640"}),
    ("reports:archive", {}),
    ("reports:report-request", {}),
    ("followup:followup-dashboard", {"number": "46"}),
    ("followup:calendar-settings", {}),
    ("evaluations:questionnaire-list", {"number": "46"}),
    ("account_change_password", {}),
    ("mfa_index", {}),
]


def test_nynorsk_pages_hold_no_bokmal_only_words(client, vestland, sogndal):
    """The pages of a Vestland staff member, scanned for the words only bokmål writes (as the catalogue
    test does for the catalogue): no string falls back to the bokmål catalogue or slips past translation."""
    import re

    from tests.test_translations import BOKMAL_ONLY

    staff = make_user(Membership.Role.COUNTY_ADMIN, county=vestland, email="fylke@vestland.no", name="Kjersti")
    client.force_login(staff)
    slips = {}
    for name, kwargs in NN_PAGES:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200 and response["Content-Language"] == "nn", name
        body = _text(response).split("<body", 1)[1]
        visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", body, flags=re.S)
        found = sorted({m.group(0) for m in BOKMAL_ONLY.finditer(visible)})
        if found:
            slips[name] = found
    assert not slips, slips


def test_norwegian_from_the_browser_means_the_countys_standard_and_english_stays_english(client, vestland, sogndal):
    head = make_user(Membership.Role.LIBRARY_HEAD, municipality=sogndal, email="sjef@sogndal.no")
    client.force_login(head)
    home = reverse("shell:home")
    assert client.get(home, HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,no;q=0.8")["Content-Language"] == "nn"
    assert client.get(home, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Content-Language"] == "en"
    head.language = "nb"
    head.save(update_fields=["language"])
    assert client.get(home, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Content-Language"] == "nb"  # their own choice


def test_a_county_administrator_chooses_the_written_standard_in_the_settings(client, county, county_admin):
    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": "55"})
    page = client.get(url)
    assert "Målform" in _text(page)
    context = page.context
    data = {f"county-{name}": value for name, value in context["form"].initial.items() if name != "letterhead"} | {
        "county-written_standard": "nn",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
        "themes-TOTAL_FORMS": "0",
        "themes-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    county.refresh_from_db()
    assert county.written_standard == "nn"
    assert client.get(reverse("shell:home"))["Content-Language"] == "nn"  # the administrator chose nothing
