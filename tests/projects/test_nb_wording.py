"""Norwegian on the project page as a municipal user reads it: no sin-genitive ("Tromsø sin deltakelse")."""

import re
from html import unescape

import pytest

from projects import services
from tests.conftest import make_active, project_page_html

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_own_participation_link_has_no_sin_genitive(client, project, municipality, county_staff, library_head):
    project = make_active(project)
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    client.force_login(library_head)
    text = _text(project_page_html(client, project))
    assert "Deltakelsen til Tromsø: krav og status" in text
    assert "sin deltakelse" not in text
