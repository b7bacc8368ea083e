"""No program data in any PDF: every report kind (county, project, municipality, on demand) rendered
over the demo and over county-scale benchmark data, read back as text the way a reader sees it, holds no
Python dict, no None/True/False/nan and, in bokmål, no raw enum value such as `active` or `overdue`.

"Kvænangen" stays in the data and in a report: whole-word matching must not trip on its "nan".
All of it runs in one transaction that is rolled back at the end (as the query budgets do).
"""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from municipalities.models import County, Municipality
from reports import services as report_services
from reports.content import Period
from reports.models import Report
from tests.documents.conftest import pdf_text, weasyprint  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("no_program_data")]  # one process builds the data once

LITERALS = ["{'", "'code'"]
TOKENS = re.compile(r"\b(?:None|True|False|nan)\b")
# Stored values that are also ordinary bokmål words, so may appear in a report's prose.
NORWEGIAN_WORDS = {"sent", "film", "kurs", "annet", "kommune", "fylke", "prosjekt", "tema"}
# The codes of the health reasons, stored on the participant (see followup.health).
HEALTH_CODES = {"overdue", "silence", "visit", "missed_meetings", "agreement", "stakeholders"}


def enum_values() -> set[str]:
    """Every stored choice value of every model that looks like code (lower-case ASCII identifiers)."""
    values = set(HEALTH_CODES)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    values.add(value)
    return values - NORWEGIAN_WORDS


def problems(text: str, words: set[str]) -> list[str]:
    found = [literal for literal in LITERALS if literal in text] + TOKENS.findall(text)
    found += sorted(word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))
    return found


def _render_all(reports) -> dict[str, str]:
    texts = {}
    for report in reports:
        report = report_services.render_report(report_id=report.pk)
        assert report.status == Report.Status.READY, f"{report}: {report.error}"
        texts[f"{report} ({'on demand' if report.requested_for_id else 'monthly'})"] = pdf_text(
            report.pdf.open("rb").read()
        )
    return texts


def _on_demand(county, month) -> list[Report]:
    """One on-demand report of each kind, ordered by the county's staff and by a library head."""
    staff = (
        Membership.objects.filter(county=county, role=Membership.Role.COUNTY_STAFF).select_related("user").first().user
    )
    head = (
        Membership.objects.filter(municipality__county=county, role=Membership.Role.LIBRARY_HEAD)
        .select_related("user", "municipality")
        .first()
    )
    project = Report.objects.filter(county=county, kind=Report.Kind.PROJECT).first().project
    return [
        report_services.request_report(user=staff, kind=Report.Kind.COUNTY, subject=county, month=month),
        report_services.request_report(user=staff, kind=Report.Kind.PROJECT, subject=project, month=month),
        report_services.request_report(
            user=head.user, kind=Report.Kind.MUNICIPALITY, subject=head.municipality, month=month
        ),
    ]


@pytest.fixture(scope="module")
def texts(django_db_setup, django_db_blocker):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint cannot be imported here ({exc})")
    month = Period.of(timezone.localdate()).previous().first
    demo, benchmark = {}, {}
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", "--i-know-this-is-demo", stdout=open("/dev/null", "w"))
            troms = County.objects.get(number="55")
            # The demo's own run for last month (seeded, rendered when the demo commits), and on-demand ones.
            demo_reports = list(Report.objects.filter(county=troms, month=month, requested_for__isnull=True))
            # Kvænangen takes part in the demo's Nord-Troms project: its report names it ("nan" inside a word).
            staff = Membership.objects.filter(county=troms, role=Membership.Role.COUNTY_STAFF).first().user
            kvaenangen = report_services.request_report(
                user=staff,
                kind=Report.Kind.MUNICIPALITY,
                month=month,
                subject=Municipality.objects.get(name="Kvænangen"),
            )
            demo.update(_render_all(demo_reports + _on_demand(troms, month) + [kvaenangen]))
            call_command("generate_benchmark_data", "--scale", "county", stdout=open("/dev/null", "w"))
            other = County.objects.exclude(number="55").order_by("number").first()
            # A new version of the month's run of both counties (half the synthetic data is in Troms);
            # the other county's county report and the newest (synthetic) projects and municipalities.
            planned = report_services.create_new_versions(month=month, counties=[troms, other])
            newest = sorted(planned, key=lambda r: -(r.project_id or r.municipality_id or 0))
            sample = (
                [r for r in planned if r.kind == Report.Kind.COUNTY and r.county_id == other.pk]
                + [r for r in newest if r.kind == Report.Kind.PROJECT][:3]
                + [r for r in newest if r.kind == Report.Kind.MUNICIPALITY][:3]
            )
            benchmark.update(_render_all(sample + _on_demand(other, month)))
            transaction.set_rollback(True)
    return demo, benchmark


def test_the_check_trips_on_program_data_and_not_on_kvaenangen():
    words = {"active", "overdue"}
    assert problems("Helse: {'code': 'overdue', 'level': 'red', 'count': 7}", words) == ["{'", "'code'", "overdue"]
    assert problems("Verdi: None. Aktiv: True. Snitt: nan", words) == ["None", "True", "nan"]
    assert problems("Kvænangen, Nordreisa og Skjervøy: 7 milepæler er forsinket", words) == []
    assert {"active", "invited", "overdue", "committed", "planning"} <= enum_values()


@pytest.mark.parametrize("data", ["demo", "benchmark"])
def test_no_report_holds_program_data(texts, data):
    demo, benchmark = texts
    rendered = demo if data == "demo" else benchmark
    kinds = {name.split(" ")[0] for name in rendered}
    assert len(rendered) >= 6 and {"Fylkesrapport", "Prosjektrapport", "Kommunerapport"} <= kinds
    assert any("on demand" in name for name in rendered)
    words = enum_values()
    found = {name: problems(text, words) for name, text in rendered.items()}
    assert {name: found for name, found in found.items() if found} == {}


def test_kvaenangen_is_in_the_demo_reports(texts):
    demo, _benchmark = texts
    assert any("Kvænangen" in text for text in demo.values())
