"""A stored monthly report is one rendering in the county's written standard; each reader is told in their
own language; an on-demand report is in its reader's language."""

from datetime import date

import pytest
from django.core import mail

from accounts.models import Membership
from municipalities.models import Theme
from projects import services
from reports import services as report_services
from reports.models import Report
from tests.conftest import make_active, theme  # noqa: F401
from tests.documents.conftest import pdf_text, weasyprint  # noqa: F401
from tests.factories import CountyFactory, MunicipalityFactory, make_user

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)


def _project(county, by, theme, municipality):
    project = make_active(
        services.create_project(
            county=county,
            by=by,
            title="Leselyst",
            theme=theme,
            purpose="Fleire lesarar.",
            start_on=date(2026, 1, 1),
            end_on=date(2027, 6, 30),
        )
    )
    services.invite_participants(project=project, municipalities=[municipality], by=by)
    return project


def test_a_troms_user_who_chose_nynorsk_is_told_in_nynorsk_while_the_report_stays_bokmal(
    county, county_staff, theme, municipality, django_capture_on_commit_callbacks, weasyprint
):
    _project(county, county_staff, theme, municipality)
    nynorsk_reader = make_user(Membership.Role.COUNTY_STAFF, county=county, email="nn@example.no", language="nn")
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    report = Report.objects.get(kind="county")
    text = pdf_text(report.pdf.open("rb").read())
    assert "Månedsrapport for Troms" in text and "Månadsrapport" not in text
    (to_nn,) = [m for m in mail.outbox if m.to == [nynorsk_reader.email] and report.get_absolute_url() in m.body]
    (to_nb,) = [m for m in mail.outbox if m.to == [county_staff.email] and report.get_absolute_url() in m.body]
    assert to_nn.subject.endswith("Fylkesrapport for oktober 2026: Troms")
    assert "er klar i Fremdrift" in to_nn.body and "Opne rapporten" in to_nn.alternatives[0][0]
    assert "Åpne rapporten" in to_nb.alternatives[0][0] and "Opne rapporten" not in to_nb.alternatives[0][0]


def test_a_vestland_report_is_rendered_in_nynorsk(db, django_capture_on_commit_callbacks, weasyprint):
    vestland = CountyFactory(number="46", name="Vestland", written_standard="nn")
    sogndal = MunicipalityFactory(county=vestland, number="4640", name="Sogndal")
    staff = make_user(Membership.Role.COUNTY_STAFF, county=vestland, email="fylke@vestland.no")
    _project(vestland, staff, Theme.objects.get(county=vestland, code=Theme.Code.LIBRARY_ROOMS), sogndal)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    text = pdf_text(Report.objects.get(kind="county").pdf.open("rb").read())
    assert "Månadsrapport for Vestland" in text and "Månedsrapport" not in text
    (message,) = [m for m in mail.outbox if m.to == [staff.email] and "Fylkesrapport" in m.subject]
    assert "Opne rapporten" in message.alternatives[0][0]
