import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from followup.models import Milestone
from planning import services as planning_services
from projects import services
from reports import services as report_services
from reports.models import Report
from tests.conftest import make_active, theme  # noqa: F401
from tests.documents.conftest import normalise, pdf_catalog, pdf_text, weasyprint  # noqa: F401

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)
D = Decimal


@pytest.fixture
def world(county, county_staff, theme, municipality, other_municipality, library_head, leadership):
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
    tromso, kafjord = services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    planning_services.save_budget(
        participant=tromso,
        by=county_staff,
        county_grant=D("150000"),
        required_local_share=D("40"),
        local_cash=D("100000"),
        local_inkind_hours=D("0"),
        hourly_rate=D("500"),
    )
    planning_services.save_budget(
        participant=kafjord,
        by=county_staff,
        county_grant=D("60000"),
        required_local_share=D("40"),
        local_cash=D("50000"),
        local_inkind_hours=D("10"),
        hourly_rate=D("500"),
    )
    planning_services.release_grant(
        participant=tromso, amount=D("70000"), released_on=date(2026, 10, 15), by=county_staff
    )
    planning_services.release_grant(
        participant=kafjord, amount=D("20000"), released_on=date(2026, 11, 2), by=county_staff
    )  # after October

    def milestone(name, participant, planned, status="not_started", completed=None):
        return Milestone.objects.create(
            project=project,
            participant=participant,
            name=name,
            planned_on=planned,
            original_planned_on=planned,
            status=status,
            completed_on=completed,
        )

    late = milestone("Romplan godkjent", kafjord, date(2026, 10, 10))
    done = milestone("Oppstartsmøte", tromso, date(2026, 9, 20), "done", date(2026, 10, 3))
    milestone("Åpning", tromso, date(2026, 11, 20))
    other = make_active(
        services.create_project(
            county=county,
            by=county_staff,
            title="Annet fylkes prosjekt",
            theme=theme,
            purpose="p",
            start_on=date(2027, 1, 1),
            end_on=date(2027, 12, 31),
        )
    )  # starts after October: not in October's run
    return {"project": project, "late": late, "done": done, "not_running": other, "tromso": tromso, "kafjord": kafjord}


def _read(report) -> tuple[str, PdfReader]:
    data = report.pdf.open("rb").read()
    return pdf_text(data), PdfReader(io.BytesIO(data))


def test_scheduled_run_makes_one_set_and_a_second_run_nothing(
    world, county, django_capture_on_commit_callbacks, weasyprint
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_services.plan_scheduled_run(month=OCTOBER)
    kinds = sorted((r.kind, r.subject_key) for r in first)
    assert kinds == [
        ("county", "county:55"),
        ("municipality", "municipality:5501"),
        ("municipality", "municipality:5540"),
        ("project", f"project:{world['project'].pk}"),
    ]
    assert set(Report.objects.values_list("status", flat=True)) == {"ready"}
    with django_capture_on_commit_callbacks(execute=True):
        assert report_services.plan_scheduled_run(month=OCTOBER) == []
    assert Report.objects.count() == 4


def test_county_report_states_what_the_database_holds(world, county, django_capture_on_commit_callbacks, weasyprint):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    report = Report.objects.get(kind="county")
    text, reader = _read(report)
    assert "Bibliotekrom i Troms" in text
    # Active but starting in January: named once with its start date, not reported on.
    assert "Annet fylkes prosjekt: starter 1.1.2027" in text and text.count("Annet fylkes prosjekt") == 1
    assert "Gáivuotna - Kåfjord - Kaivuono" in text
    # Sums as of the end of October: both grants, one release (the other came in November), local funds.
    assert report.summary["granted"] == "210000.00" and report.summary["released"] == "70000.00"
    assert report.summary["local_committed"] == "155000.00"
    assert "210 000 kr" in text and "70 000 kr" in text and "155 000 kr" in text
    assert report.summary["late_milestones"] == [world["late"].pk] and report.summary["done"] == 1
    assert "Romplan godkjent" in text and "Oppstartsmøte" in text
    assert f"Side 1 av {len(reader.pages)}" in text and "Innhold" in text
    catalog = pdf_catalog(report.pdf.open("rb").read())
    assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog and catalog["/Lang"] == "nb"
    assert "Troms – oktober 2026" in text
    assert report.sha256 and len(report.sha256) == 64


def test_municipality_report_covers_only_that_municipality(
    world, municipality, django_capture_on_commit_callbacks, weasyprint
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    report = Report.objects.get(kind="municipality", municipality=municipality)
    text, _reader = _read(report)
    assert "Tromsø" in text and "Romplan godkjent" not in text  # Gáivuotna's milestone
    assert report.summary["granted"] == "150000.00" and report.summary["released"] == "70000.00"


def test_manual_command_makes_a_new_version_and_keeps_the_old(world, county, weasyprint):
    report_services.plan_scheduled_run(month=OCTOBER)
    call_command("generate_reports", "--month", "2026-10", "--county", "55")
    versions = sorted(Report.objects.filter(kind="county").values_list("version", flat=True))
    assert versions == [1, 2]


def test_readers_get_a_link_municipal_leadership_only_their_own(
    world,
    county,
    leadership,
    library_head,
    other_library_head,
    county_staff,
    django_capture_on_commit_callbacks,
    weasyprint,
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    sent = {}
    for message in mail.outbox:
        sent.setdefault(message.to[0], []).append(message.body)
    tromso_report = Report.objects.get(kind="municipality", municipality__number="5501")
    kafjord_report = Report.objects.get(kind="municipality", municipality__number="5540")
    assert [tromso_report.get_absolute_url() in body for body in sent[leadership.email]] == [True]
    assert any(kafjord_report.get_absolute_url() in body for body in sent[other_library_head.email])
    assert len(sent[county_staff.email]) == 2  # the county and the project report
    assert all(kafjord_report.get_absolute_url() not in body for body in sent[leadership.email])


def test_report_links_are_404_for_other_municipalities_and_counties(
    client, world, leadership, other_library_head, outsider, django_capture_on_commit_callbacks, weasyprint
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    tromso_report = Report.objects.get(kind="municipality", municipality__number="5501")
    county_report = Report.objects.get(kind="county", county__number="55")
    client.force_login(leadership)
    assert client.get(tromso_report.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:report-download", kwargs={"pk": tromso_report.pk})).status_code == 200
    assert client.get(county_report.get_absolute_url()).status_code == 404
    for user in (other_library_head, outsider):
        client.force_login(user)
        assert client.get(tromso_report.get_absolute_url()).status_code == 404
        assert client.get(reverse("reports:report-download", kwargs={"pk": tromso_report.pk})).status_code == 404


def test_archive_lists_only_what_the_user_may_see(
    client,
    world,
    leadership,
    county_staff,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    weasyprint,
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    client.force_login(leadership)
    listed = [(r.kind, r.subject_key) for r in client.get(reverse("reports:archive")).context["page_obj"]]
    assert listed == [("municipality", "municipality:5501")]
    client.force_login(county_staff)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:archive"), {"kind": "project", "month": "2026-10"})
    assert [r.kind for r in page.context["page_obj"]] == ["project"]


def test_on_demand_report_is_visible_only_to_the_requester(
    client, world, library_head, leadership, municipality, django_capture_on_commit_callbacks, weasyprint
):
    client.force_login(library_head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report-request"),
            {"kind": "municipality", "municipality": municipality.pk, "month": "2026-10"},
        )
    report = Report.objects.get(requested_for=library_head)
    assert response.status_code == 302 and report.status == "ready"
    assert client.get(reverse("reports:report-download", kwargs={"pk": report.pk})).status_code == 200
    client.force_login(leadership)
    assert client.get(report.get_absolute_url()).status_code == 404


def test_municipal_users_order_only_their_own_municipalitys_report(client, world, library_head, leadership):
    """A project report carries every participant's grant and health: county staff order it, nobody else."""
    for user in (library_head, leadership):
        client.force_login(user)
        form = client.get(reverse("reports:report-request")).context["form"]
        assert [label for _value, label in form.fields["kind"].choices] == ["Kommunerapport"]
        assert [m.name for m in form.fields["municipality"].queryset] == ["Tromsø"]
        assert "project" not in form.fields and "county" not in form.fields
        for data in (
            {"kind": "project", "project": world["project"].pk},
            {"kind": "county", "county": world["project"].county_id},
        ):
            response = client.post(reverse("reports:report-request"), data | {"month": "2026-10"})
            assert response.status_code == 200 and response.context["form"].errors["kind"], data
        neighbour = client.post(
            reverse("reports:report-request"),
            {"kind": "municipality", "month": "2026-10", "municipality": world["kafjord"].municipality_id},
        )
        assert neighbour.context["form"].errors["municipality"]
    assert not Report.objects.exists()


def test_a_library_heads_on_demand_report_holds_only_their_municipality(
    client, world, library_head, municipality, django_capture_on_commit_callbacks, weasyprint
):
    client.force_login(library_head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report-request"),
            {"kind": "municipality", "municipality": municipality.pk, "month": "2026-10"},
        )
    text, _reader = _read(Report.objects.get(requested_for=library_head))
    assert "Tromsø" in text and "150 000" in text  # Tromsø's own grant
    assert "60 000" not in text and "Romplan godkjent" not in text  # Gáivuotna's grant and milestone


def test_staff_order_a_project_report_with_every_participant(
    client, world, county_staff, django_capture_on_commit_callbacks, weasyprint
):
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report-request"), {"kind": "project", "project": world["project"].pk, "month": "2026-10"}
        )
    text, _reader = _read(Report.objects.get(requested_for=county_staff))
    assert "150 000" in text and "60 000" in text


def test_the_expert_is_told_there_is_nothing_to_order(client, world, expert):
    client.force_login(expert)
    page = client.get(reverse("reports:report-request"))
    assert "Din rolle har ingen rapport å bestille" in page.content.decode()
    assert (
        client.post(
            reverse("reports:report-request"), {"kind": "project", "project": world["project"].pk, "month": "2026-10"}
        ).status_code
        == 200
    )
    assert not Report.objects.exists()


def test_future_month_is_refused_on_the_field(client, world, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("reports:report-request"), {"kind": "county", "county": world["project"].county.pk, "month": "2999-01"}
    )
    assert response.context["form"].errors["month"]


def test_staff_record_the_archive_case_number(client, world, county_staff, weasyprint):
    report_services.plan_scheduled_run(month=OCTOBER)
    report = Report.objects.get(kind="county")
    client.force_login(county_staff)
    client.post(report.get_absolute_url(), {"archive_case_number": "2026/1234-5"})
    report.refresh_from_db()
    assert report.archive_case_number == "2026/1234-5"


def test_monthly_task_reports_the_previous_month(world, county, weasyprint, monkeypatch):
    from django.utils import timezone

    from reports.tasks import monthly_reports_task

    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 11, 1))
    assert monthly_reports_task() == 4
    assert set(Report.objects.values_list("month", flat=True)) == {OCTOBER}


def test_project_report_tells_the_months_visits_and_infobrev(
    world, county, county_staff, weasyprint, django_capture_on_commit_callbacks
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from followup.services import visits
    from newsletters.models import MailingList, Newsletter

    visits.save_visit(
        participant=world["tromso"],
        by=county_staff,
        planned_on=date(2026, 10, 20),
        purpose="Befaring av det nye rommet",
        status="done",
        visitors=[county_staff],
    )
    visits.save_visit(
        participant=world["tromso"],
        by=county_staff,
        planned_on=date(2026, 9, 20),
        purpose="Besøk i september",
        status="done",
        visitors=[county_staff],
    )
    mailing_list = MailingList.objects.create(county=county, project=world["project"])
    Newsletter.objects.create(
        county=county,
        project=world["project"],
        mailing_list=mailing_list,
        subject="Nytt om pengene",
        body="Tekst",
        status="sent",
        recipient_count=41,
        sent_at=datetime(2026, 10, 12, 9, 0, tzinfo=ZoneInfo("Europe/Oslo")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    text, _reader = _read(Report.objects.get(kind="project"))
    assert "Befaring av det nye rommet" in text and "Besøk i september" not in text
    assert "Nytt om pengene" in text and "41 mottakere" in text


def test_project_report_gives_the_health_reasons_in_words(
    world, county_staff, weasyprint, django_capture_on_commit_callbacks
):
    from followup import health

    health.recompute_many([world["kafjord"]], today=date(2026, 10, 31))
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    text = normalise(_read(Report.objects.get(kind="project"))[0])
    assert (
        "Gáivuotna - Kåfjord - Kaivuono Invitert Gul 1 milepæl er forsinket (den eldste med 21 dager) 60 000 kr" in text
    )
    assert "overdue" not in text and "{" not in text  # not the stored reason as data


def test_a_late_milestone_shows_its_real_delay_in_the_pdf(
    world, county, django_capture_on_commit_callbacks, weasyprint
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    text, _reader = _read(Report.objects.get(kind="county"))
    assert "Forsinkelse (dager) Flyttet (dager)" in text
    # Due 10 October, never moved, still open at the end of October: 21 days late, moved 0.
    assert "Romplan godkjent Gáivuotna - Kåfjord - Kaivuono 10.10.2026 10.10.2026 – 21 0" in text


def test_a_municipality_report_counts_its_own_late_milestones_and_the_projects_apart(
    world, municipality, django_capture_on_commit_callbacks, weasyprint
):
    project = world["project"]
    Milestone.objects.create(
        project=project,
        participant=world["tromso"],
        name="Møbler bestilt",
        planned_on=date(2026, 10, 20),
        original_planned_on=date(2026, 10, 1),
    )
    Milestone.objects.create(
        project=project,
        participant=None,
        name="Felles samling",
        planned_on=date(2026, 10, 1),
        original_planned_on=date(2026, 10, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    report = Report.objects.get(kind="municipality", municipality=municipality)
    text, _reader = _read(report)
    assert "Forsinkede milepæler 1 " in text  # Tromsø's one, not Gáivuotna's, not the project's
    assert "Forsinkede felles milepæler (hele prosjektet) 1 " in text
    assert "Møbler bestilt Tromsø 20.10.2026 1.10.2026 – 11 19" in text
    assert "Felles samling Hele prosjektet 1.10.2026 1.10.2026 – 30 0" in text
    assert report.summary["late"] == 1
    county_text, _reader = _read(Report.objects.get(kind="county"))
    assert "Forsinkede milepæler 3 " in county_text  # the county reads every milestone


def test_a_municipality_whose_active_project_starts_later_is_told_when_it_starts(
    world, county, county_staff, django_capture_on_commit_callbacks, weasyprint
):
    from tests.factories import MunicipalityFactory

    kvaenangen = MunicipalityFactory(county=county, number="5546", name="Kvænangen")
    later = world["not_running"]
    later.start_on = date(2027, 3, 1)
    later.save(update_fields=["start_on"])
    services.invite_participants(project=later, municipalities=[kvaenangen], by=county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.request_report(
            user=county_staff, kind="municipality", subject=kvaenangen, month=OCTOBER
        )
    text, _reader = _read(Report.objects.get(pk=report.pk))
    assert "deltar ikke i noe aktivt prosjekt" not in text
    assert "Kvænangen deltar i «Annet fylkes prosjekt», som starter 1.3.2027" in text
    assert "Annet fylkes prosjekt: starter 1.3.2027" in text


def test_report_files_have_readable_norwegian_names(
    world, county, municipality, client, county_staff, weasyprint, django_capture_on_commit_callbacks
):
    report_services.plan_scheduled_run(month=OCTOBER)
    tromso = Report.objects.get(kind="municipality", municipality=municipality)
    assert tromso.filename == "manedsrapport-tromso-2026-10.pdf"
    assert Report.objects.get(kind="municipality", municipality__number="5540").filename == (
        "manedsrapport-gaivuotna-kafjord-kaivuono-2026-10.pdf"
    )
    assert Report.objects.get(kind="county").filename == "manedsrapport-troms-2026-10.pdf"
    assert Report.objects.get(kind="project").filename == "manedsrapport-bibliotekrom-i-troms-2026-10.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_reports", "--month", "2026-10", "--county", "55")
    second = Report.objects.get(kind="municipality", municipality=municipality, version=2)
    assert second.filename == "manedsrapport-tromso-2026-10-v2.pdf"
    client.force_login(county_staff)
    response = client.get(reverse("reports:report-download", kwargs={"pk": second.pk}))
    assert 'filename="manedsrapport-tromso-2026-10-v2.pdf"' in response["Content-Disposition"]


def test_the_report_email_and_page_carry_the_same_short_summary(
    world, county, leadership, county_staff, client, django_capture_on_commit_callbacks, weasyprint
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.plan_scheduled_run(month=OCTOBER)
    tromso = Report.objects.get(kind="municipality", municipality__number="5501")
    county_report = Report.objects.get(kind="county")
    (to_leadership,) = [m for m in mail.outbox if m.to == [leadership.email]]
    expected = [
        "1 milepæl fullført denne måneden.",
        "0 milepæler forsinket.",
        "Utbetalt fra fylket: 70\xa0000\xa0kr av 150\xa0000\xa0kr innvilget.",
        "Neste frister: «Åpning» (Tromsø) 20.11.2026.",
    ]
    body = to_leadership.body
    assert [line for line in body.splitlines() if line in expected] == expected
    assert tromso.get_absolute_url() in body and 3 <= len(expected) <= 6
    html = to_leadership.alternatives[0][0]
    assert all(f"<li>{line}</li>" in html for line in expected)
    (to_staff_county,) = [
        m for m in mail.outbox if m.to == [county_staff.email] and county_report.get_absolute_url() in m.body
    ]
    assert "1 milepæl forsinket (den eldste med 21 dager)." in to_staff_county.body.splitlines()
    assert "Utbetalt fra fylket: 70\xa0000\xa0kr av 210\xa0000\xa0kr innvilget." in to_staff_county.body.splitlines()
    client.force_login(leadership)
    page = client.get(tromso.get_absolute_url()).content.decode()
    download = page.index(reverse("reports:report-download", kwargs={"pk": tromso.pk}))
    for line in expected:
        assert page.index(f"<li>{line}</li>") < download
