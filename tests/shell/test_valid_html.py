"""What the Nu HTML Checker found (issue 19), checked on the rendered page without a browser: the form's
`novalidate` belongs to the <form> only, not to the <div> of a radio or checkbox group (crispy-bootstrap5
passed the helper's attributes on to it), and no htmx attribute is written without `data-`."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_radio_groups_carry_no_novalidate_and_the_form_keeps_it(client):
    client.force_login(UserFactory(email="sjef@example.no"))
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'type="radio"' in page
    assert re.search(r"<form\b[^>]*\bnovalidate", page)
    assert not re.search(r"<(?!form\b)\w+\b[^>]*\bnovalidate", page)


def test_htmx_attributes_are_data_attributes(client, county_staff, project):
    client.force_login(county_staff)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-hx-get="' in page and 'data-hx-trigger="load"' in page
    assert not re.search(r"\s(hx-[a-z]+)=", page)
