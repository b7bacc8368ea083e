"""A report lists the month's signed agreements once per participant, with the version numbers, and the
county-wide infobrev sent in the month."""

from datetime import date

import pytest
from django.utils import timezone

from agreements.models import Signature
from agreements.services import amendments, sending
from newsletters.models import MailingList, Newsletter
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
from tests.documents.conftest import pdf_text, weasyprint  # noqa: F401

pytestmark = pytest.mark.django_db
Slot = Signature.Slot


def test_agreements_signed_in_the_month_are_listed_once_with_their_versions(
    sealed, county, county_staff, library_head, leadership, municipality, django_capture_on_commit_callbacks, weasyprint
):
    amendment = amendments.create_amendment(agreement=sealed, by=county_staff)
    amendment = sending.send_for_signature(agreement=amendment, by=county_staff)
    sign(amendment, Slot.COUNTY, county_staff)
    sign(amendment, Slot.LIBRARY_HEAD, library_head)
    sign(amendment, Slot.CHIEF_EXECUTIVE, leadership)
    amendment.refresh_from_db()
    assert amendment.is_sealed and amendment.version == 2
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
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.request_report(
            user=county_staff, kind="municipality", subject=municipality, month=today
        )
    report.refresh_from_db()
    text = pdf_text(report.pdf.open("rb").read())
    day = f"{today.day}.{today.month}.{today.year}"
    signed = text.split("Avtaler signert denne måneden", 1)[1].split("Evalueringer", 1)[0]
    assert signed.count("Tromsø:") == 1, signed
    assert f"(versjon 1, signert {day}; versjon 2, signert {day})" in signed
    assert "Infobrev til hele fylket sendt denne måneden" in text
    assert f"{day}: Nytt fra fylkesbiblioteket (212 mottakere)" in text
    assert Report.objects.get(pk=report.pk).month == date(today.year, today.month, 1)
