"""An extract's world: a project with Tromsø's agreement sealed (the chief executive's signature scanned
from paper, the PDF really rendered), a monthly project report, and the county's archive reference."""

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import Signature
from agreements.services import signatures as agreement_services
from reports.models import Report
from tests.agreements.conftest import (  # noqa: F401 (fixtures)
    draft,
    kit_project,
    mayor,
    participant,
    sent,
    sign,
    signatories,
    stub_pdf,
)
from tests.documents.conftest import weasyprint  # noqa: F401

Slot = Signature.Slot
SCAN = b"%PDF-1.4\n% a signature scanned from paper\n%%EOF\n"


def make_report(project, month: date, version: int = 1) -> Report:
    report = Report(
        county=project.county,
        kind=Report.Kind.PROJECT,
        project=project,
        month=month,
        version=version,
        subject_key=f"project:{project.pk}",
        status=Report.Status.READY,
        generated_at=timezone.now(),
    )
    data = f"%PDF-1.7\n% report {month:%Y-%m} v{version}\n%%EOF\n".encode()
    report.pdf.save(report.filename, ContentFile(data), save=False)
    report.size, report.sha256 = len(data), hashlib.sha256(data).hexdigest()
    report.save()
    return report


def seal_with_scan(agreement, county_staff, library_head):
    sign(agreement, Slot.COUNTY, county_staff)
    sign(agreement, Slot.LIBRARY_HEAD, library_head)
    agreement_services.record_wet_ink_signature(
        agreement=agreement,
        slot=Slot.CHIEF_EXECUTIVE,
        by=county_staff,
        content_sha256=agreement.content_sha256,
        scan=SimpleUploadedFile("skann.pdf", SCAN, content_type="application/pdf"),
    )
    agreement.refresh_from_db()
    return agreement


def _world(county, project, sent, county_staff, library_head) -> dict:
    county.archive_creator_id = "817920632"
    county.archive_creator_name = "Troms fylkeskommune"
    county.save(update_fields=["archive_creator_id", "archive_creator_name"])
    project.case_number = "2026/123"
    project.save(update_fields=["case_number"])
    sealed = seal_with_scan(sent, county_staff, library_head)
    report = make_report(project, date(2026, 10, 1))
    return {"county": county, "project": project, "sealed": sealed, "report": report}


@pytest.fixture
def archive_world(county, kit_project, sent, county_staff, library_head, stub_pdf):
    """Sealed with stand-in PDF bytes (tests about the extract, not about rendering)."""
    return _world(county, kit_project, sent, county_staff, library_head)


@pytest.fixture
def rendered_world(county, kit_project, sent, county_staff, library_head, weasyprint):
    """Sealed with the PDF WeasyPrint really renders (PDF/A-2a)."""
    return _world(county, kit_project, sent, county_staff, library_head)
