"""Attached photos keep their pixels and colour profile and nothing else: no EXIF (GPS), XMP, IPTC,
JPEG comments, GIF comments, PNG text chunks or bytes after the image."""

import pytest

from followup.services.files import attach_file
from tests.conftest import project, theme  # noqa: F401
from tests.documents.upload_samples import SAMPLES, assert_only_pixels_and_colour_profile, markers_in, upload
from tests.followup.helpers import active_project  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["jpg", "png", "webp", "gif"])
def test_an_attached_image_keeps_only_its_pixels_and_colour_profile(active_project, county_staff, kind):
    assert len(markers_in(SAMPLES[kind]())) >= 2  # the sample carries metadata in several places
    attachment = attach_file(project=active_project, uploaded=upload(kind), by=county_staff)
    with attachment.file.open("rb") as handle:
        data = handle.read()
    assert_only_pixels_and_colour_profile(data, kind)
    assert attachment.size == len(data) and attachment.extension == kind
