"""Indicator values in the project report read as people write them: "60", not "60.00" or "60,00"."""

from datetime import date
from decimal import Decimal

import pytest

from projects import services
from reports import services as report_services
from reports.models import Report
from tests.conftest import make_active, theme  # noqa: F401
from tests.documents.conftest import normalise, pdf_text, weasyprint  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_project_report_prints_indicator_values_without_trailing_zeros(
    county,
    county_staff,
    theme,
    municipality,
    weasyprint,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    project = make_active(
        services.create_project(
            county=county,
            by=county_staff,
            title="Bibliotekrom i Troms",
            theme=theme,
            purpose="Gode møteplasser.",
            start_on=date(2026, 1, 1),
            end_on=date(2027, 6, 30),
        )
    )
    services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    goal = services.save_goal(project=project, by=county_staff, text="Flere besøk")
    indicator = services.save_indicator(
        project=project, goal=goal, by=county_staff, name="Besøk per uke", baseline=42, target=60
    )
    services.record_measurement(
        indicator=indicator, by=county_staff, value=Decimal("42.8571"), measured_on=date(2026, 10, 20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=date(2026, 10, 1))
    text = normalise(pdf_text(Report.objects.get(kind="project").pdf.open("rb").read()))
    assert "Flere besøk Besøk per uke 42 60 42,86" in text, text[text.find("Flere besøk") :][:200]
    assert "60,00" not in text and "60.00" not in text and "42,8571" not in text
