"""Making monthly reports: planning a run, rendering one report, telling the readers.

A scheduled run creates one row per (month, kind, subject) at version 1 and
skips what exists, so a second run or a second beat adds nothing. The manual
command makes new versions on purpose. Rendering is one task per report, so
several workers share a run; a report already rendered is never rendered again.
"""

import hashlib
import logging
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation

from accounts.models import Membership
from documents.pdf import DocumentError, image_data_url, render_pdf
from municipalities.models import County, Municipality
from notifications.services import queue_templated_email, recipient_language
from projects.models import Participant, Project

from . import content
from .models import Report

logger = logging.getLogger(__name__)

Kind = Report.Kind
TEMPLATES = {
    Kind.COUNTY: "pdf/report_county.html",
    Kind.PROJECT: "pdf/report_project.html",
    Kind.MUNICIPALITY: "pdf/report_municipality.html",
}


class ReportError(Exception):
    """The report cannot be made as asked; the message is for the user."""


def subject_key(kind: str, subject) -> str:
    return f"{kind}:{subject.number if kind != Kind.PROJECT else subject.pk}"


def _fields(kind, subject) -> dict:
    if kind == Kind.COUNTY:
        return {"county": subject, "project": None, "municipality": None}
    if kind == Kind.PROJECT:
        return {"county": subject.county, "project": subject, "municipality": None}
    return {"county": subject.county, "project": None, "municipality": subject}


def subjects_for(county: County, period: content.Period) -> list[tuple[str, object]]:
    """What a county's monthly run reports on: the county, each running project, each taking-part municipality."""
    projects = list(
        content.active_in(
            period, Project.objects.filter(county=county, status__in=[Project.Status.ACTIVE, Project.Status.CLOSING])
        )
    )
    taking_part = Participant.objects.filter(project__in=projects).taking_part().values("municipality_id")
    municipalities = Municipality.objects.filter(pk__in=taking_part).order_by("number")
    return (
        [(Kind.COUNTY, county)]
        + [(Kind.PROJECT, p) for p in projects]
        + [(Kind.MUNICIPALITY, m) for m in municipalities]
    )


@transaction.atomic
def plan_scheduled_run(*, month: date, counties=None) -> list[Report]:
    """Creates the month's missing reports (version 1) and queues their rendering. Returns the new ones."""
    period = content.Period.of(month)
    created = []
    for county in counties if counties is not None else County.objects.all():
        for kind, subject in subjects_for(county, period):
            key = subject_key(kind, subject)
            if Report.objects.filter(
                kind=kind, month=period.first, subject_key=key, requested_for__isnull=True
            ).exists():
                continue
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        kind=kind, month=period.first, subject_key=key, version=1, **_fields(kind, subject)
                    )
            except IntegrityError:
                continue  # another beat or worker planned the same report a moment ago
            created.append(report)
    _queue_rendering([r.pk for r in created])
    return created


@transaction.atomic
def create_new_versions(*, month: date, counties=None) -> list[Report]:
    """The manual command: a new version of every report of the month, keeping the old ones."""
    period = content.Period.of(month)
    created = []
    for county in counties if counties is not None else County.objects.all():
        for kind, subject in subjects_for(county, period):
            key = subject_key(kind, subject)
            latest = Report.objects.filter(
                kind=kind, month=period.first, subject_key=key, requested_for__isnull=True
            ).aggregate(v=Max("version"))["v"]
            created.append(
                Report.objects.create(
                    kind=kind, month=period.first, subject_key=key, version=(latest or 0) + 1, **_fields(kind, subject)
                )
            )
    _queue_rendering([r.pk for r in created])
    return created


@transaction.atomic
def request_report(*, user, kind: str, subject, month: date) -> Report:
    """An on-demand report of something the user may see; only they will see it."""
    report = Report.objects.create(
        kind=kind,
        month=content.Period.of(month).first,
        subject_key=subject_key(kind, subject),
        requested_for=user,
        **_fields(kind, subject),
    )
    _queue_rendering([report.pk])
    return report


def _queue_rendering(report_ids: list[int]) -> None:
    from .tasks import render_report_task

    for report_id in report_ids:
        transaction.on_commit(lambda report_id=report_id: render_report_task.delay(report_id))


def build_context(report: Report) -> dict:
    period = content.Period(report.month)
    if report.kind == Kind.COUNTY:
        context = content.county_context(report.county, period)
    elif report.kind == Kind.PROJECT:
        context = content.project_context(report.project, period)
    else:
        context = content.municipality_context(report.municipality, period)
    return context | {"report": report, "letterhead_url": image_data_url(report.county.letterhead)}


def report_language(report: Report) -> str:
    """A monthly report is stored, hashed and archived: one rendering, in the county's written standard.
    An on-demand report is its requester's alone: in their language."""
    if report.requested_for_id:
        return report.requested_for.preferred_language
    return report.county.written_standard


def render_report(*, report_id: int) -> Report | None:
    """Renders one report to PDF (in `report_language`) and tells its readers. Does nothing if it is
    gone or already ready."""
    with transaction.atomic():
        report = Report.objects.select_for_update(skip_locked=True).filter(pk=report_id).first()
        if report is None or report.status == Report.Status.READY:
            return report
        report.status = Report.Status.RENDERING
        report.save(update_fields=["status"])
    language = report_language(report)
    with translation.override(language):
        context = build_context(report)
        title = f"{report.get_kind_display()}: {report.subject_name}, {_month_name(report.month, language)}"
    try:
        pdf = render_pdf(
            TEMPLATES[report.kind],
            context | {"month_name": _month_name(report.month, language)},
            title=title,
            lang=language,
        )
    except DocumentError as exc:
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=str(exc))
        logger.error("report %s failed: %s", report.pk, exc)
        return report
    with transaction.atomic():
        report.pdf.save(report.filename, ContentFile(pdf), save=False)
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.size = len(pdf)
        report.summary = content.summary_of(context)
        report.status, report.generated_at, report.error = Report.Status.READY, timezone.now(), ""
        report.save(update_fields=["pdf", "sha256", "size", "summary", "status", "generated_at", "error"])
        notify_readers(report)
    return report


def _month_name(month: date, language: str = settings.LANGUAGE_CODE) -> str:
    from django.utils.formats import date_format

    with translation.override(language):
        return date_format(month, "F Y")


def readers(report: Report):
    """Who gets the link: county staff for county and project reports; a municipality's
    leadership and library head for its report; the requester alone for an on-demand one."""
    if report.requested_for_id:
        return [report.requested_for]
    if report.kind == Kind.MUNICIPALITY:
        memberships = Membership.objects.filter(
            municipality=report.municipality, role__in=[Membership.Role.LEADERSHIP, Membership.Role.LIBRARY_HEAD]
        )
    else:
        memberships = Membership.objects.filter(
            county=report.county, role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN]
        )
    users = {m.user for m in memberships.select_related("user") if m.user.is_active}
    return sorted(users, key=lambda u: u.email)


def notify_readers(report: Report) -> None:
    """Each reader is told in their own language (the report itself is in `report_language`)."""
    for user in readers(report):
        language = recipient_language(user=user, county=report.county)
        with translation.override(language):
            lines = content.summary_lines(report.summary)
        queue_templated_email(
            language=language,
            template="reports/email/report_ready",
            context={
                "report": report,
                "user": user,
                "url": settings.SITE_URL + report.get_absolute_url(),
                "month_name": _month_name(report.month, language),
                "summary_lines": lines,
            },
            to=user.email,
            user=user,
            county=report.county,
            about=report,
            kind="report",
            idempotency_key=f"report:{report.pk}:{user.email.lower()}",
        )


@transaction.atomic
def set_case_number(*, report: Report, case_number: str) -> Report:
    report.archive_case_number = case_number.strip()
    report.save(update_fields=["archive_case_number"])
    return report
