"""Shared set-up for the follow-up tests: an active project with a participant and a late milestone."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from followup.services import milestones
from projects import services
from tests.conftest import make_active


@pytest.fixture
def active_project(project):
    return make_active(project)


@pytest.fixture
def participant(active_project, municipality, county_staff):
    (participant,) = services.invite_participants(
        project=active_project, municipalities=[municipality], by=county_staff
    )
    return participant


@pytest.fixture
def other_participant(active_project, other_municipality, county_staff):
    (participant,) = services.invite_participants(
        project=active_project, municipalities=[other_municipality], by=county_staff
    )
    return participant


def late_milestone(project, participant, by, *, days=10, name="Romplan ferdig"):
    return milestones.save_milestone(
        project=project,
        by=by,
        name=name,
        participant=participant,
        planned_on=timezone.localdate() - timedelta(days=days),
    )


def pdf_upload(name="tilbud.pdf", size=0):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF\n", content_type="application/pdf")


def jpeg_with_gps(name="bilde.jpg", orientation=None) -> SimpleUploadedFile:
    """A JPEG whose EXIF says where it was taken (Tromsø) and which camera took it."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kameraprodusent"  # Make
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (69.0, 40.0, 58.0), "E", (18.0, 56.0, 34.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def on(day: date, hour=7, minute=0):
    """An aware datetime at the given Oslo wall-clock time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Oslo"))
