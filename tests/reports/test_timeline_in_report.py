"""The project's monthly report carries the milestone timeline (issue 22), as the plan stood at the month's end."""

import pytest
from django.urls import reverse

from reports.models import Report
from tests.conftest import theme  # noqa: F401
from tests.documents.conftest import pdf_text, weasyprint  # noqa: F401
from tests.reports.test_reports import world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_project_report_shows_the_timeline(
    client, world, county_staff, django_capture_on_commit_callbacks, weasyprint
):  # noqa: F811
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report-request"), {"kind": "project", "project": world["project"].pk, "month": "2026-10"}
        )
    report = Report.objects.get(requested_for=county_staff)
    text = pdf_text(report.pdf.open("rb").read())
    assert "Tidslinje: Bibliotekrom i Troms" in text
    # The figure's labels (rows, months, today) and its table (date, original date, status, delay).
    for label in ("Hele prosjektet", "Tromsø", "I dag", "sep", "Romplan godkjent", "10.10.2026", "21 dager"):
        assert label in text, label
    assert "Åpning" in text and "20.11.2026" in text
