"""shell.freshness.kept: what it keeps, and what it never keeps."""

import pytest
from django.test import RequestFactory

from shell.freshness import data_changed, kept

pytestmark = pytest.mark.django_db


def _request(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_a_part_is_made_once_per_reader_and_address_until_the_data_changes(county_staff, library_head):
    made = []

    def make(text):
        return lambda: made.append(text) or f"<p>{text}</p>"

    assert kept(_request(county_staff), "part", make("staff")) == "<p>staff</p>"
    assert kept(_request(county_staff), "part", make("again")) == "<p>staff</p>"
    assert kept(_request(library_head), "part", make("head")) == "<p>head</p>"
    assert kept(_request(county_staff, "/?page=2"), "part", make("page 2")) == "<p>page 2</p>"
    data_changed()
    assert kept(_request(county_staff), "part", make("anew")) == "<p>anew</p>"
    assert made == ["staff", "head", "page 2", "anew"]


def test_a_forms_token_is_put_in_anew_at_each_visit_and_a_nonce_is_never_kept(county_staff):
    form = '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}"></form>'
    first = kept(_request(county_staff), "form", lambda: form.format("first-visit-token"))
    assert first == form.format("first-visit-token")
    again = kept(_request(county_staff), "form", lambda: form.format("not made again"))
    token = again.split('value="')[1].split('"')[0]
    assert again == form.format(token) and token not in ("first-visit-token", "not made again") and len(token) == 64
    script = '<script nonce="{}"></script>'
    assert kept(_request(county_staff), "script", lambda: script.format("a")) == script.format("a")
    assert kept(_request(county_staff), "script", lambda: script.format("b")) == script.format("b")
