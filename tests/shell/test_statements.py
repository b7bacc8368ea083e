"""The accessibility statement and the privacy notice say what is true: what shell/accessibility.json
records, and the counties' own settings as they are when the page is read."""

import datetime
import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from shell.statements import ACCESSIBILITY_FILE, CRITERIA

pytestmark = pytest.mark.django_db

ACCESSIBILITY_URL = reverse("shell:page", kwargs={"slug": "tilgjengelighet"})
PRIVACY_URL = reverse("shell:page", kwargs={"slug": "personvern"})


def _text(response) -> str:
    body = response.content.decode()
    body = body[body.index("<main") :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_accessibility_file_is_well_formed_and_names_known_criteria():
    data = json.loads(ACCESSIBILITY_FILE.read_text(encoding="utf-8"))
    assert data["standard"] == "WCAG 2.1 AA"
    checked = datetime.date.fromisoformat(data["last_checked"])
    assert checked <= datetime.date.today()
    for deviation in data["deviations"]:
        assert deviation["criterion"] in CRITERIA
        assert deviation["page"]["nb"] and deviation["page"]["nn"] and deviation["page"]["en"]
        assert deviation["description"]["nb"] and deviation["description"]["nn"] and deviation["description"]["en"]
    assert data["method"]["nn"]


def test_the_accessibility_statement_shows_what_the_file_says(client, county):
    county.sender_email = "bibliotek@tromsfylke.example"
    county.save()
    data = json.loads(ACCESSIBILITY_FILE.read_text(encoding="utf-8"))
    text = _text(client.get(ACCESSIBILITY_URL))

    for heading in ("Standard", "Kjente avvik", "Meld fra om et problem", "Håndheving", "Sist kontrollert"):
        assert heading in text
    assert "WCAG 2.1 AA" in text
    for deviation in data["deviations"]:
        assert deviation["page"]["nb"] in text
        assert f"suksesskriterium {deviation['criterion']}" in text
        assert deviation["description"]["nb"] in text
    with translation.override("nb"):
        checked = formats.date_format(datetime.date.fromisoformat(data["last_checked"]), "j. F Y")
    assert f"Løsningen ble sist kontrollert {checked}." in text
    assert "Tilsynet for universell utforming av IKT (Uutilsynet)" in text
    assert "Troms fylkeskommune: bibliotek@tromsfylke.example" in text
    assert 'href="mailto:bibliotek@tromsfylke.example?subject=Tilgjengelighetserkl%C3%A6ring"' in (
        client.get(ACCESSIBILITY_URL).content.decode()
    )
    assert "brudd på kravene" not in text  # the old default claimed there were none


def test_the_accessibility_statement_in_nynorsk(client, county):
    data = json.loads(ACCESSIBILITY_FILE.read_text(encoding="utf-8"))
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    text = _text(client.get(ACCESSIBILITY_URL))
    assert "Kjende avvik" in text and "Handheving" in text and "Meld frå om eit problem" in text
    for deviation in data["deviations"]:
        assert deviation["page"]["nn"] in text and deviation["description"]["nn"] in text
    assert data["method"]["nn"] in text
    assert "Slik har vi arbeidd" in text and "Tilgjengelegheitserklæring" in text  # the page's own prose
    assert "Rettane dine" in _text(client.get(reverse("shell:page", kwargs={"slug": "personvern"})))


def test_the_accessibility_statement_in_english(client, county):
    data = json.loads(ACCESSIBILITY_FILE.read_text(encoding="utf-8"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = _text(client.get(ACCESSIBILITY_URL))
    assert "Known deviations" in text and "Enforcement" in text
    for deviation in data["deviations"]:
        assert deviation["description"]["en"] in text
    checked = datetime.date.fromisoformat(data["last_checked"])
    assert f"{checked.day}. {checked:%B} {checked.year}" in text


def test_the_privacy_notice_names_the_controller_data_retention_and_contact_at_request_time(client, county):
    county.sender_email = "post@tromsfylke.example"
    county.save()
    text = _text(client.get(PRIVACY_URL))
    assert "Behandlingsansvarlig og kontakt" in text
    assert "Troms fylkeskommune: post@tromsfylke.example" in text
    for kind in (
        "Brukerkontoer",
        "Kontakter",
        "Abonnenter på infobrev",
        "Signaturer på avtaler",
        "Bilder med personer",
    ):
        assert kind in text
    assert "IP-adressen" in text and "samtykket" in text
    assert text.count("Lagres:") == 7

    county.name = "Troms og Omegn"
    county.sender_email = "ny@tromsfylke.example"
    county.save()
    text = _text(client.get(PRIVACY_URL))
    assert "Troms og Omegn fylkeskommune: ny@tromsfylke.example" in text
    assert "post@tromsfylke.example" not in text
