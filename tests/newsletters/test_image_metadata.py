"""Infobrev images and showcase photos keep their pixels and colour profile and nothing else."""

import pytest
from django.urls import reverse

from newsletters.models import NewsletterImage, ShowcasePhoto
from newsletters.services import showcases
from tests.documents.upload_samples import assert_only_pixels_and_colour_profile, upload

pytestmark = pytest.mark.django_db
KINDS = ["jpg", "png", "webp", "gif"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_infobrev_image_keeps_only_its_pixels_and_colour_profile(client, county_staff, newsletter, kind):
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-image-add", kwargs={"pk": newsletter.pk})
    response = client.post(url, {"image": upload(kind), "alt_text": "Lesesalen"})
    assert response.status_code == 302
    with NewsletterImage.objects.get().image.open("rb") as handle:
        assert_only_pixels_and_colour_profile(handle.read(), kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_showcase_photo_keeps_only_its_pixels_and_colour_profile(client, county_staff, stakeholders, kind):
    client.force_login(county_staff)
    showcase = showcases.create_showcase(project=stakeholders.project, by=county_staff, title="Harstad", summary="x")
    url = reverse("newsletters:showcase-photo-add", kwargs={"pk": showcase.pk})
    response = client.post(url, {"image": upload(kind), "alt_text": "Det nye rommet"})
    assert response.status_code == 302
    with ShowcasePhoto.objects.get().image.open("rb") as handle:
        assert_only_pixels_and_colour_profile(handle.read(), kind)
