"""The county logo (printed on fact sheets and reports) keeps its pixels and colour profile and nothing else."""

import pytest
from django.urls import reverse

from municipalities.models import County
from tests.documents.upload_samples import assert_only_pixels_and_colour_profile, upload

pytestmark = pytest.mark.django_db


def _post_logo(client, logo):
    url = reverse("municipalities:county-settings", kwargs={"number": "55"})
    initial = client.get(url).context["form"].initial
    data = {f"county-{name}": value for name, value in initial.items() if name != "letterhead"}
    return client.post(
        url,
        data
        | {
            "county-letterhead": logo,
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
            "themes-TOTAL_FORMS": "0",
            "themes-INITIAL_FORMS": "0",
        },
    )


@pytest.mark.parametrize("kind", ["jpg", "png"])
def test_the_county_logo_keeps_only_its_pixels_and_colour_profile(client, county, county_admin, kind):
    client.force_login(county_admin)
    response = _post_logo(client, upload(kind, name=f"logo.{kind}"))
    assert response.status_code == 302
    with County.objects.get(pk=county.pk).letterhead.open("rb") as handle:
        assert_only_pixels_and_colour_profile(handle.read(), kind)


@pytest.mark.parametrize("kind", ["gif", "webp"])
def test_the_county_logo_is_png_or_jpeg(client, county, county_admin, kind):
    client.force_login(county_admin)
    response = _post_logo(client, upload(kind, name="logo.png"))
    assert response.status_code == 400
    assert response.context["form"].errors["letterhead"] == ["Logoen må være et PNG- eller JPEG-bilde."]
    assert not County.objects.get(pk=county.pk).letterhead
