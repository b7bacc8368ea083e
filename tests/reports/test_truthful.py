"""Issue 17, reviewer findings: a report says only what is true for its reader's scope and its month."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import Signature
from agreements.services import amendments, sending
from evaluations.services import corrections
from followup import health
from followup.models import Milestone
from newsletters.models import MailingList, Newsletter
from projects.models import Goal, Indicator, Measurement
from reports import services as report_services
from reports.models import Report
from tests.agreements.conftest import (  # noqa: F401
    draft,
    kit_project,
    mayor,
    participant,
    sealed,
    sent,
    sign,
    signatories,
    stub_pdf,
)
from tests.conftest import make_active, theme  # noqa: F401
from tests.documents.conftest import normalise, pdf_text, weasyprint  # noqa: F401
from tests.factories import LibraryFactory
from tests.reports.test_reports import OCTOBER, _read, world  # noqa: F401

pytestmark = pytest.mark.django_db
Slot = Signature.Slot


def _run(month, capture):
    with capture(execute=True):
        report_services.plan_scheduled_run(month=month)


def _text(**filters) -> str:
    return normalise(_read(Report.objects.get(**filters))[0])


def test_a_municipality_report_shows_its_own_current_value_not_another_librarys(
    world, municipality, other_municipality, django_capture_on_commit_callbacks, weasyprint
):
    project = world["project"]
    goal = Goal.objects.create(project=project, text="Flere besøk")
    indicator = Indicator.objects.create(project=project, goal=goal, name="Besøk per uke", baseline=20, target=50)
    tromso_library = LibraryFactory(municipality=municipality, name="Tromsø filial", is_main=False)
    other_library = LibraryFactory(municipality=other_municipality, name="Kåfjord filial", is_main=False)
    Measurement.objects.create(
        indicator=indicator, value=Decimal("35"), measured_on=date(2026, 10, 5), library=tromso_library
    )
    Measurement.objects.create(
        indicator=indicator, value=Decimal("60"), measured_on=date(2026, 10, 20), library=other_library
    )
    _run(OCTOBER, django_capture_on_commit_callbacks)
    text = _text(kind="municipality", municipality=municipality)
    row = text.split("Besøk per uke", 1)[1].split("Deltakere", 1)[0]  # baseline, target, current value
    assert "35" in row and "60" not in row
    # The project's report has no value of its own: it says each municipality's.
    project_text = _text(kind="project")
    assert "Gáivuotna - Kåfjord - Kaivuono: 60" in project_text and "Tromsø: 35" in project_text


def test_a_municipality_report_holds_only_its_own_course_corrections_in_exact_words(
    world, municipality, other_municipality, county_staff, django_capture_on_commit_callbacks, weasyprint
):
    correction = corrections.record_correction(
        project=world["project"],
        by=county_staff,
        decision="Gáivuotna får tre måneder ekstra til romplanen.",
        rationale="Kapasitet.",
        decided_by="Styringsgruppen",
        decided_on=date(2026, 10, 15),
    )
    corrections.move_milestone(
        correction=correction, milestone=world["late"], planned_on=date(2026, 12, 1), by=county_staff
    )
    _run(OCTOBER, django_capture_on_commit_callbacks)
    tromso = _text(kind="municipality", municipality=municipality)
    assert "Gáivuotna får tre måneder" not in tromso and "Romplan godkjent" not in tromso
    kafjord = _text(kind="municipality", municipality=other_municipality)
    assert "Kursjustering 15.10.2026: Gáivuotna får tre måneder ekstra til romplanen." in kafjord
    assert "Romplan godkjent (Gáivuotna - Kåfjord - Kaivuono) flyttet fra 10.10.2026 til 1.12.2026" in kafjord


def test_the_health_reason_counts_the_delay_to_the_end_of_the_month_however_late_it_is_made(
    world, django_capture_on_commit_callbacks, weasyprint
):
    health.recompute_many([world["kafjord"]])  # today: long after October
    _run(OCTOBER, django_capture_on_commit_callbacks)
    text = _text(kind="project")
    # Due 10 October, open: 21 days late on 31 October.
    assert "1 milepæl er forsinket (den eldste med 21 dager)" in text


def test_an_amendment_awaiting_signatures_does_not_make_the_agreement_unsigned(
    sealed, county_staff, municipality, django_capture_on_commit_callbacks, weasyprint
):
    amendment = amendments.create_amendment(agreement=sealed, by=county_staff)
    sending.send_for_signature(agreement=amendment, by=county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.request_report(
            user=county_staff, kind="project", subject=sealed.project, month=timezone.localdate()
        )
    report.refresh_from_db()
    text = normalise(pdf_text(report.pdf.open("rb").read()))
    assert "Avtalen er ikke signert" not in text
    assert "Versjon 1 gjelder; versjon 2 venter på signaturer" in text


def test_whole_project_late_milestones_are_labelled_as_the_shared_ones(
    world, municipality, django_capture_on_commit_callbacks, weasyprint
):
    Milestone.objects.create(
        project=world["project"],
        participant=None,
        name="Felles samling",
        planned_on=date(2026, 10, 1),
        original_planned_on=date(2026, 10, 1),
    )
    _run(OCTOBER, django_capture_on_commit_callbacks)
    text = _text(kind="municipality", municipality=municipality)
    assert "Forsinkede felles milepæler (hele prosjektet) 1" in text
    assert "for hele prosjektet" not in text


def test_the_infobrev_of_the_month_is_told_the_same_on_every_page(
    world, county, county_staff, municipality, django_capture_on_commit_callbacks, weasyprint
):
    mailing_list = MailingList.objects.create(county=county, project=None)
    Newsletter.objects.create(
        county=county,
        project=None,
        mailing_list=mailing_list,
        subject="Nytt fra fylkesbiblioteket",
        body="Tekst",
        status="sent",
        recipient_count=212,
        sent_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.request_report(
            user=county_staff, kind="municipality", subject=municipality, month=timezone.localdate()
        )
    report.refresh_from_db()
    text = normalise(pdf_text(report.pdf.open("rb").read()))
    section = text.split("Infobrev sendt denne måneden", 1)[1].split("Frister neste måned", 1)[0]
    assert "Ingen." not in section and "Nytt fra fylkesbiblioteket" in section
