"""The on-demand report form as a municipal user sees it: their one municipality is already chosen."""

import re
from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [unescape(text).strip() for text in re.findall(r"<option [^>]*selected[^>]*>([^<]*)</option>", select)]


def test_a_municipal_user_with_one_municipality_finds_it_chosen(client, library_head):
    client.force_login(library_head)
    page = client.get(reverse("reports:report-request")).content.decode()
    assert _selected(page, "municipality") == ["5501 Tromsø"]


def test_county_staff_choose_the_municipality_themselves(client, county_staff, municipality, other_municipality):
    client.force_login(county_staff)
    page = client.get(reverse("reports:report-request")).content.decode()
    assert _selected(page, "municipality") in ([], ["---------"])
