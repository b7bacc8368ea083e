"""The home page for visitors links each county's public pages, so the public can find them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_visitors_find_the_countys_public_pages_from_the_home_page(client, county):
    html = client.get(reverse("shell:home")).content.decode()
    public = reverse("newsletters:public-county", kwargs={"number": county.number})
    assert f"Åpent for alle: {county.name}" in html
    assert f'href="{public}">Fylkesbibliotekets offentlige side<' in html
    assert f'href="{public}#showcases-heading">Eksempelbiblioteker<' in html
    assert f'href="{public}#conclusions-heading">' in html
    assert f'href="{reverse("newsletters:archive", kwargs={"number": county.number})}">Infobrev-arkiv<' in html
    for path in (public, reverse("newsletters:archive", kwargs={"number": county.number})):
        assert client.get(path).status_code == 200


def test_a_logged_in_user_gets_their_tasks_instead(client, county, library_head):
    client.force_login(library_head)
    html = client.get(reverse("shell:home")).content.decode()
    assert "Åpent for alle" not in html and "Dine oppgaver" in html
