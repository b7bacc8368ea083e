"""allauth's e-mails in Fremdrift's words: Norwegian, from the recipient's county, text and HTML."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

TELL_TALES = ("Hei fra", "Hello from", "127.0.0.1", "example.com", "testserver!", "Takk for at du bruker")


def test_password_reset_mail_comes_from_the_county_in_norwegian_text_and_html(
    client, county_staff, county, django_capture_on_commit_callbacks
):
    county.sender_name = "Troms fylkesbibliotek"
    county.sender_email = "bibliotek@tromsfylke.example"
    county.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": county_staff.email})
    (message,) = mail.outbox
    assert message.from_email == "Troms fylkesbibliotek <bibliotek@tromsfylke.example>"
    assert message.subject == "[Fremdrift] Sett nytt passord"
    text = message.body
    assert text.startswith("Hei,")
    assert "ba om å sette nytt passord for kontoen din i Fremdrift" in text
    assert "/konto/password/reset/key/" in text
    assert text.rstrip().endswith("Vennlig hilsen\nTroms fylkesbibliotek")
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="nb">' in html and "Sett nytt passord</a>" in html
    for tell_tale in TELL_TALES:
        assert tell_tale not in text and tell_tale not in html


def test_password_reset_for_an_unknown_address_gets_norwegian_from_the_installation(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ukjent@example.no"})
    if not mail.outbox:
        pytest.skip("allauth sends nothing to unknown addresses in this configuration")
    (message,) = mail.outbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "det finnes ingen konto med den adressen" in message.body
    assert message.body.rstrip().endswith("Vennlig hilsen\nFremdrift")
    for tell_tale in TELL_TALES:
        assert tell_tale not in message.body


def test_password_errors_are_all_norwegian():
    with translation.override("nb"), pytest.raises(ValidationError) as error:
        validate_password("1234")
    assert error.value.messages == [
        "Dette passordet er for kort. Det må inneholde minst 8 tegn.",
        "Dette passordet er for vanlig.",
        "Dette passordet inneholder bare tall.",
    ]
