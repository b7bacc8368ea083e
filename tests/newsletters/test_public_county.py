"""The public county page links the published conclusions and agreements (and nothing unpublished)."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from agreements.services import amendments
from demo.accounts import seed_logins
from demo.agreements import seed_agreements
from demo.evaluations import seed_evaluations
from demo.municipalities import seed_places
from demo.projects import seed_projects
from evaluations.models import Conclusion

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    county = seed_places()
    seed_logins(county)
    seed_projects(county)
    seed_evaluations(county)
    seed_agreements(county)
    return county


def test_public_county_page_links_published_conclusions_and_agreements(client, demo):
    html = client.get(reverse("newsletters:public-county", kwargs={"number": "55"})).content.decode()
    published = Conclusion.objects.filter(published_on__isnull=False)
    assert published.exists()
    for conclusion in published:
        assert conclusion.get_absolute_url() in html
    for conclusion in Conclusion.objects.filter(published_on__isnull=True):
        assert conclusion.get_absolute_url() not in html
    public = Agreement.objects.filter(publication__isnull=False)
    assert public.exists()
    for agreement in Agreement.objects.all():
        link = reverse("agreements:published-pdf", kwargs={"pk": agreement.pk})
        assert (link in html) == public.filter(pk=agreement.pk).exists()
    pdf = client.get(reverse("agreements:published-pdf", kwargs={"pk": public.first().pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_public_county_page_lists_only_the_current_version_of_an_agreement(client, demo):
    staff = demo.memberships.filter(role="county_staff").first().user
    harstad = {a.version: a for a in Agreement.objects.filter(municipality__number="5503")}
    assert harstad[1].is_superseded and harstad[2].is_sealed
    for agreement in harstad.values():
        amendments.set_published(agreement=agreement, by=staff, published=True)
    html = client.get(reverse("newsletters:public-county", kwargs={"number": "55"})).content.decode()
    assert reverse("agreements:published-pdf", kwargs={"pk": harstad[2].pk}) in html
    assert reverse("agreements:published-pdf", kwargs={"pk": harstad[1].pk}) not in html
