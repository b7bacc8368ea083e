"""The public pages: no login, only what is published, share metadata, a feed that parses."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.models import Newsletter, ShowcasePhoto
from newsletters.services import sending, showcases, writing
from newsletters.services.base import NewsletterError
from tests.newsletters.conftest import png_bytes

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

HOSTILE = (
    "Hei <script>alert('x')</script> og <img src=x onerror=alert(1)>\n\n"
    '[Klikk her](javascript:alert(document.cookie)) og <a href="javascript:alert(2)">her</a>\n\n'
    '<iframe src="https://evil.example"></iframe> <b onclick="alert(3)">fet</b>'
)


def _send(newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_newsletter(newsletter=newsletter, by=newsletter.created_by)
    newsletter.refresh_from_db()
    return newsletter


@pytest.fixture
def sent_newsletters(
    newsletter, stakeholders, county, county_staff, other_county, outsider, django_capture_on_commit_callbacks
):
    public = _send(newsletter, django_capture_on_commit_callbacks)
    private = _send(
        writing.create_newsletter(
            county=county,
            project=stakeholders.project,
            by=county_staff,
            subject="Internt: budsjettet",
            body="Bare for de involverte.",
            is_public=False,
        ),
        django_capture_on_commit_callbacks,
    )
    draft = writing.create_newsletter(
        county=county, by=county_staff, subject="Utkast om høsten", body="Ikke sendt", is_public=True
    )
    foreign = _send(
        writing.create_newsletter(
            county=other_county, by=outsider, subject="Nytt fra Finnmark", body="Hei", is_public=True
        ),
        django_capture_on_commit_callbacks,
    )
    return {"public": public, "private": private, "draft": draft, "foreign": foreign}


def test_the_atom_feed_parses_and_lists_only_public_sent_newsletters(client, county, sent_newsletters):
    response = client.get(reverse("newsletters:archive-feed", kwargs={"number": county.number}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Nytt fra bibliotekrommet"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(sent_newsletters["public"].get_public_url()) and link.startswith("http")
    assert "kommet i gang" in entries[0].find(f"{ATOM}summary").text


def test_the_project_feed_lists_the_projects_public_newsletters(client, county, stakeholders, sent_newsletters):
    url = reverse("newsletters:project-archive-feed", kwargs={"number": county.number, "pk": stakeholders.project.pk})
    entries = ET.fromstring(client.get(url).content).findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Nytt fra bibliotekrommet"]


def test_a_project_with_nothing_public_has_no_public_archive(client, county, stakeholders):
    for name in ("newsletters:project-archive", "newsletters:project-archive-feed"):
        url = reverse(name, kwargs={"number": county.number, "pk": stakeholders.project.pk})
        assert client.get(url).status_code == 404


def test_the_archive_shows_public_newsletters_and_nothing_internal(client, county, sent_newsletters):
    page = client.get(reverse("newsletters:archive", kwargs={"number": county.number})).content.decode()
    assert "Nytt fra bibliotekrommet" in page
    for hidden in ("Internt: budsjettet", "Utkast om høsten", "Nytt fra Finnmark"):
        assert hidden not in page
    for key in ("private", "draft"):
        assert (
            client.get(reverse("newsletters:archive-detail", kwargs={"pk": sent_newsletters[key].pk})).status_code
            == 404
        )
    public = client.get(sent_newsletters["public"].get_public_url()).content.decode()
    assert "<strong>kommet i gang</strong>" in public
    assert "fan@example.no" not in public and "/avmeld/" not in public  # no addresses, no personal links


def test_script_tags_and_javascript_links_do_not_survive(
    client, county, county_staff, stakeholders, django_capture_on_commit_callbacks
):
    from django.core import mail

    newsletter = writing.create_newsletter(
        county=county, project=stakeholders.project, by=county_staff, subject="Farlig", body=HOSTILE, is_public=True
    )
    client.force_login(county_staff)
    preview = client.post(
        reverse("newsletters:newsletter-preview", kwargs={"number": county.number}),
        {"body": HOSTILE},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    detail = client.get(newsletter.get_absolute_url()).content.decode()
    _send(newsletter, django_capture_on_commit_callbacks)
    client.logout()
    public = client.get(newsletter.get_public_url()).content.decode()
    feed = client.get(reverse("newsletters:archive-feed", kwargs={"number": county.number})).content.decode()
    email_html = mail.outbox[0].alternatives[0][0]
    email_text = mail.outbox[0].body
    for html in (preview, detail, public, email_html, feed, email_text):
        lowered = html.lower()
        assert "alert(" not in lowered  # scripts and handlers are gone, not escaped
        assert "javascript:" not in lowered
        assert "onerror" not in lowered and "onclick" not in lowered
        assert "<iframe" not in lowered
    assert "fet" in preview


def test_showcase_has_open_graph_metadata(client, county, showcase):
    page = client.get(showcase.get_public_url()).content.decode()
    assert '<meta property="og:title" content="Tromsø: et rom for alle">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:description" content="Biblioteket ble en møteplass for hele byen.">' in page
    assert f'<meta property="og:url" content="http://127.0.0.1:8000{showcase.get_public_url()}">' in page
    first = showcase.photos.order_by("order").first()
    assert f'<meta property="og:image" content="http://127.0.0.1:8000{first.get_absolute_url()}">' in page
    assert '<meta property="og:image:alt" content="Det nye lesesalen med lyse møbler">' in page


def test_showcase_shows_results_charts_and_only_consented_photos(client, county, county_staff, showcase):
    no_consent = ShowcasePhoto.objects.create(
        showcase=showcase,
        alt_text="Publikum uten samtykke",
        shows_people=True,
        image=SimpleUploadedFile("x.png", png_bytes()),
    )
    page = client.get(showcase.get_public_url()).content.decode()
    assert "Besøket økte med 50 prosent." in page
    assert '<figure class="fd-chart"' in page and "Besøk per uke (besøk)" in page
    assert "120" in page and "180" in page  # before and after, in the chart's table
    assert 'alt="Barn på lesekrakken"' in page  # people shown, consent recorded
    assert "Publikum uten samtykke" not in page
    assert client.get(no_consent.get_absolute_url()).status_code == 404
    assert client.get(showcase.photos.get(alt_text="Barn på lesekrakken").get_absolute_url()).status_code == 200
    assert "Foreldrene signerte" not in page  # the consent record is internal


def test_an_unpublished_showcase_is_not_public(client, county, county_staff, showcase, library_head):
    showcases.publish_showcase(showcase=showcase, by=county_staff, publish=False)
    assert client.get(showcase.get_public_url()).status_code == 404
    photo = showcase.photos.first()
    assert client.get(photo.get_absolute_url()).status_code == 404
    client.force_login(library_head)
    assert client.get(showcase.get_public_url()).status_code == 404
    client.force_login(county_staff)
    assert client.get(showcase.get_public_url()).status_code == 200  # staff check the draft


def test_only_finished_work_can_be_published(stakeholders, county_staff):
    showcase = showcases.create_showcase(
        project=stakeholders.project, by=county_staff, title="For tidlig", summary="Ikke ferdig"
    )
    with pytest.raises(NewsletterError):
        showcases.publish_showcase(showcase=showcase, by=county_staff)
    showcase.refresh_from_db()
    assert not showcase.is_published


def test_a_photo_with_people_needs_recorded_consent(showcase, county_staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        showcases.add_showcase_photo(
            showcase=showcase,
            by=county_staff,
            alt_text="Folk",
            upload=SimpleUploadedFile("folk.png", png_bytes()),
            shows_people=True,
        )
    assert "consent_note" in error.value.message_dict
    assert showcase.photos.count() == 2


def test_the_public_county_page_links_showcases_and_archive(client, county, showcase, sent_newsletters):
    page = client.get(reverse("newsletters:public-county", kwargs={"number": county.number})).content.decode()
    assert showcase.get_public_url() in page
    assert sent_newsletters["public"].get_public_url() in page
    assert reverse("newsletters:archive", kwargs={"number": county.number}) in page
    assert reverse("newsletters:subscribe", kwargs={"number": county.number}) in page
    assert "Internt: budsjettet" not in page and "Utkast om høsten" not in page


def test_images_of_a_draft_are_for_staff_only(client, newsletter, county_staff, django_capture_on_commit_callbacks):
    image = writing.add_image(
        newsletter=newsletter, by=county_staff, alt_text="Kart", upload=SimpleUploadedFile("kart.png", png_bytes())
    )
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(county_staff)
    assert client.get(image.get_absolute_url()).status_code == 200
    client.logout()
    _send(newsletter, django_capture_on_commit_callbacks)
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Newsletter.objects.get().status == Newsletter.Status.SENT
