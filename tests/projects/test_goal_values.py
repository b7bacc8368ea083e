"""Issue 17: a goal's current value on the project page is the reader's own, or said per municipality."""

import re
from datetime import date
from decimal import Decimal

import pytest

from projects.models import Goal, Indicator, Measurement
from tests.conftest import make_active, theme  # noqa: F401
from tests.factories import LibraryFactory
from tests.reports.test_reports import world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(world, municipality, other_municipality):
    project = world["project"]
    goal = Goal.objects.create(project=project, text="Flere besøk")
    indicator = Indicator.objects.create(project=project, goal=goal, name="Besøk per uke", baseline=20, target=50)
    tromso = LibraryFactory(municipality=municipality, name="Tromsø filial", is_main=False)
    other = LibraryFactory(municipality=other_municipality, name="Kåfjord filial", is_main=False)
    Measurement.objects.create(indicator=indicator, value=Decimal("35"), measured_on=date(2026, 10, 5), library=tromso)
    Measurement.objects.create(indicator=indicator, value=Decimal("60"), measured_on=date(2026, 10, 20), library=other)
    return project


def _goal_row(client, user, project) -> str:
    client.force_login(user)
    html = client.get(project.get_absolute_url()).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.split("Besøk per uke", 1)[1].split("Flere besøk", 1)[0][:200]


def test_a_library_head_sees_their_own_municipalitys_current_value(client, measured, library_head):
    row = _goal_row(client, library_head, measured)
    assert "35" in row and "60" not in row


def test_county_staff_see_the_current_value_per_municipality(client, measured, county_staff):
    row = _goal_row(client, county_staff, measured)
    assert "Gáivuotna - Kåfjord - Kaivuono: 60" in row and "Tromsø: 35" in row


def test_the_evaluation_results_give_the_value_per_municipality_not_one_librarys(measured):
    from evaluations.selectors import goal_progress

    (item,) = goal_progress(measured)[0].indicators
    assert item.current is None  # the project has no value of its own
    assert [(name, m.value) for name, m in item.per_municipality] == [
        ("Gáivuotna - Kåfjord - Kaivuono", Decimal("60")),
        ("Tromsø", Decimal("35")),
    ]
