"""Newsletter pages for county staff: forms, live preview, images, progress, money drafts, flat lists."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from newsletters.models import Newsletter, NewsletterImage, Subscriber
from newsletters.services import sending, showcases, writing
from newsletters.services.base import ensure_mailing_list
from planning import services as planning_services
from projects.models import Project
from tests.newsletters.conftest import make_project, png_bytes

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def _make_newsletters(county, staff, project, n, start=0):
    for i in range(start, start + n):
        writing.create_newsletter(
            county=county, by=staff, project=project if i % 2 else None, subject=f"Infobrev {i}", body="Tekst"
        )


def test_newsletter_list_query_count_is_flat(client, county, county_staff, stakeholders):
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-list", kwargs={"number": county.number})
    _make_newsletters(county, county_staff, stakeholders.project, 3)
    small = _queries(client, url)
    _make_newsletters(county, county_staff, stakeholders.project, 30, start=3)
    assert _queries(client, url) == small


def test_archive_and_lists_query_counts_are_flat(client, county, county_staff, stakeholders):
    def publish(n, start):
        for i in range(start, start + n):
            newsletter = writing.create_newsletter(
                county=county,
                by=county_staff,
                project=stakeholders.project,
                subject=f"Offentlig {i}",
                body="Tekst",
                is_public=True,
            )
            Newsletter.objects.filter(pk=newsletter.pk).update(
                status=Newsletter.Status.SENT, sent_at="2026-01-01T10:00Z"
            )
            other = make_project(county, county_staff, title=f"Prosjekt {i}")
            Subscriber.objects.create(
                mailing_list=ensure_mailing_list(county=county, project=other), email=f"a{i}@example.no"
            )
            showcases.create_showcase(project=other, by=county_staff, title=f"Eksempel {i}", summary="Slik gikk det.")

    urls = [
        reverse("newsletters:archive", kwargs={"number": county.number}),
        reverse("newsletters:archive-feed", kwargs={"number": county.number}),
        reverse("newsletters:public-county", kwargs={"number": county.number}),
    ]
    publish(2, 0)
    client.force_login(county_staff)
    staff_urls = [
        reverse("newsletters:mailing-lists", kwargs={"number": county.number}),
        reverse("newsletters:showcase-list", kwargs={"number": county.number}),
    ]
    client.get(staff_urls[0])  # the first visit makes the county's own list
    small = [_queries(client, url) for url in staff_urls]
    client.logout()
    small += [_queries(client, url) for url in urls]
    publish(15, 2)
    client.force_login(county_staff)
    large = [_queries(client, url) for url in staff_urls]
    client.logout()
    large += [_queries(client, url) for url in urls]
    assert large == small


def test_audience_page_query_count_does_not_grow_with_the_audience(client, county_staff, newsletter):
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-audience", kwargs={"pk": newsletter.pk})
    small = _queries(client, url)
    Subscriber.objects.bulk_create(
        [
            Subscriber(mailing_list=newsletter.mailing_list, email=f"leser{i}@example.no", status="confirmed")
            for i in range(150)
        ]
    )
    page = client.get(url).content.decode()
    assert _queries(client, url) == small
    assert "157 mottakere" in page and "Ordfører Uten Adresse" in page and "Ingen e-postadresse" in page


def test_a_subject_with_a_line_break_gets_a_message_on_the_field(client, county, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("newsletters:newsletter-create", kwargs={"number": county.number}),
        {"subject": "Hei\r\nBcc: alle@example.no", "body": "Tekst"},
    )
    assert response.status_code == 200
    one_line = "Skriv dette på én linje, uten linjeskift eller kontrolltegn: det blir en del av e-posthodet."
    assert response.context["form"].errors["subject"] == [one_line]
    assert one_line in response.content.decode()
    assert not Newsletter.objects.exists()


def test_staff_write_a_project_infobrev(client, county, county_staff, stakeholders):
    client.force_login(county_staff)
    url = (
        reverse("newsletters:newsletter-create", kwargs={"number": county.number})
        + f"?prosjekt={stakeholders.project.pk}"
    )
    response = client.post(url, {"subject": "Status", "body": "Alt går bra.", "is_public": "on"})
    newsletter = Newsletter.objects.get()
    assert response.status_code == 302 and response.url == newsletter.get_absolute_url()
    assert newsletter.project == stakeholders.project and newsletter.mailing_list == stakeholders.mailing_list


def test_a_project_of_another_county_cannot_be_chosen(client, county, county_staff, other_county, outsider):
    foreign = make_project(other_county, outsider, title="Fremmed")
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-create", kwargs={"number": county.number}) + f"?prosjekt={foreign.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404


def test_live_preview_returns_the_sanitised_body(client, county, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("newsletters:newsletter-preview", kwargs={"number": county.number}),
        {"body": "# Tittel\n\n**Viktig** <script>alert(1)</script>"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<strong>Viktig</strong>" in html and "<script" not in html
    assert "<html" not in html  # a fragment for htmx to swap in


def test_the_edit_form_wires_the_live_preview(client, county_staff, newsletter):
    client.force_login(county_staff)
    page = client.get(reverse("newsletters:newsletter-edit", kwargs={"pk": newsletter.pk})).content.decode()
    assert 'data-hx-post="/fylker/55/infobrev/forhandsvisning/"' in page
    assert 'data-hx-target="#newsletter-preview"' in page and 'id="newsletter-preview"' in page


def test_an_image_is_checked_by_its_bytes_and_stored_under_a_generated_name(client, county_staff, newsletter):
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-image-add", kwargs={"pk": newsletter.pk})
    fake = SimpleUploadedFile("bilde.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(url, {"image": fake, "alt_text": "Et bilde"})
    assert response.status_code == 400
    assert "Filen er ikke et PNG-, JPEG-, GIF- eller WebP-bilde." in response.content.decode()
    assert not NewsletterImage.objects.exists()
    missing_alt = client.post(url, {"image": SimpleUploadedFile("a.png", png_bytes())})
    assert "Feltet er påkrevet." in missing_alt.content.decode()

    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Telefonprodusent"  # Make
    Image.new("RGB", (10, 10), (1, 2, 3)).save(photo, "JPEG", exif=exif)
    upload = SimpleUploadedFile("../../etc/mitt bilde.PNG", photo.getvalue(), content_type="image/png")
    response = client.post(url, {"image": upload, "alt_text": "Lesesalen", "caption": "Ny"})
    assert response.status_code == 302
    image = NewsletterImage.objects.get()
    assert image.image.name == f"infobrev/{image.key.hex}.jpg"  # the bytes said JPEG, the name said PNG
    with image.image.open("rb") as stored, Image.open(stored) as picture:
        assert picture.format == "JPEG" and not picture.getexif()


def test_progress_is_polled_until_sending_is_finished(
    client, county_staff, newsletter, django_capture_on_commit_callbacks
):
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-progress", kwargs={"pk": newsletter.pk})
    with django_capture_on_commit_callbacks(execute=False):
        sending.send_newsletter(newsletter=newsletter, by=county_staff)
        sending.queue_recipients(newsletter_id=newsletter.pk)
    polling = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-hx-trigger="every 2s"' in polling and 'data-progress="queued">7<' in polling
    from notifications.services import send_batch

    send_batch(size=100)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "data-hx-trigger" not in done and 'data-progress="sent">7<' in done


def _budget(participant, staff, grant):
    planning_services.save_budget(
        participant=participant,
        by=staff,
        county_grant=Decimal(grant),
        required_local_share=Decimal("40"),
        local_cash=Decimal("80000"),
        local_inkind_hours=Decimal("0"),
        hourly_rate=Decimal("500"),
    )


def test_money_changes_offer_a_draft_and_sending_clears_the_suggestion(
    client, county_staff, stakeholders, django_capture_on_commit_callbacks
):
    project, tromso = stakeholders.project, stakeholders.tromso
    from projects import services as project_services

    project_services.change_participant_status(participant=tromso, to="committed", by=county_staff)
    _budget(tromso, county_staff, "100000")
    _budget(tromso, county_staff, "120000")
    planning_services.release_grant(participant=tromso, amount=Decimal("50000"), by=county_staff)
    project.refresh_from_db()
    assert project.infobrev_suggested_at is not None
    client.force_login(county_staff)
    page = client.get(reverse("newsletters:project-newsletters", kwargs={"pk": project.pk})).content.decode()
    assert "Tilskudd fra fylket endret fra 100\xa0000\xa0kr til 120\xa0000\xa0kr." in page
    # The change that set the suggestion is listed too.
    assert "Et budsjett ble satt opp: tilskudd fra fylket 100\xa0000\xa0kr, lokale midler 80\xa0000\xa0kr." in page
    response = client.post(reverse("newsletters:newsletter-money-draft", kwargs={"pk": project.pk}))
    draft = Newsletter.objects.get()
    assert response.url == reverse("newsletters:newsletter-edit", kwargs={"pk": draft.pk})
    assert draft.project == project and draft.status == Newsletter.Status.DRAFT
    assert "**Tromsø**" in draft.body and "120\xa0000\xa0kr" in draft.body and "50\xa0000\xa0kr" in draft.body
    project.refresh_from_db()
    assert project.infobrev_suggested_at is not None  # a draft is not yet information
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:newsletter-send", kwargs={"pk": draft.pk}), {"when": "now", "confirm": "yes"})
    project.refresh_from_db()
    assert project.infobrev_suggested_at is None
    assert Newsletter.objects.get().status == Newsletter.Status.SENT


def test_the_project_page_links_to_the_infobrev_when_money_changed(client, county_staff, stakeholders):
    Project.objects.filter(pk=stakeholders.project.pk).update(infobrev_suggested_at="2026-03-01T10:00Z")
    client.force_login(county_staff)
    page = client.get(stakeholders.project.get_absolute_url()).content.decode()
    assert reverse("newsletters:project-newsletters", kwargs={"pk": stakeholders.project.pk}) in page


def test_scheduling_from_the_page_needs_a_future_time(client, county_staff, newsletter):
    client.force_login(county_staff)
    url = reverse("newsletters:newsletter-send", kwargs={"pk": newsletter.pk})
    response = client.post(url, {"when": "later", "scheduled_at": "2020-01-01T10:00"}, follow=True)
    assert "Velg et tidspunkt fram i tid." in response.content.decode()
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT
    client.post(url, {"when": "later", "scheduled_at": "2099-01-01T10:00", "confirm": "yes"})
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED


def test_showcase_form_errors_are_on_the_fields_and_change_nothing(client, county_staff, stakeholders):
    client.force_login(county_staff)
    showcases.create_showcase(project=stakeholders.project, by=county_staff, title="Tromsø", summary="x", slug="tromso")
    url = reverse("newsletters:showcase-create", kwargs={"pk": stakeholders.project.pk})
    response = client.post(url, {"title": "Et annet", "slug": "tromso", "summary": "y"})
    assert "En annen eksempelside i fylket har denne adressen." in response.content.decode()
    showcase = showcases.create_showcase(project=stakeholders.project, by=county_staff, title="Harstad", summary="x")
    photo_url = reverse("newsletters:showcase-photo-add", kwargs={"pk": showcase.pk})
    response = client.post(
        photo_url, {"image": SimpleUploadedFile("folk.png", png_bytes()), "alt_text": "Folk", "shows_people": "on"}
    )
    assert response.status_code == 400
    assert (
        "Registrer samtykket fra personene på bildet: hvem som samtykket, når og hvordan." in response.content.decode()
    )
    assert not showcase.photos.exists()
    response = client.post(
        photo_url,
        {
            "image": SimpleUploadedFile("folk.png", png_bytes()),
            "alt_text": "Folk",
            "shows_people": "on",
            "consent_note": "Skriftlig samtykke 2. mai",
        },
    )
    assert response.status_code == 302
    photo = showcase.photos.get()
    assert photo.consent_recorded_by == county_staff and photo.consent_recorded_at is not None


def test_the_bounce_endpoint_refuses_malformed_bodies(client, settings):
    settings.NEWSLETTER_BOUNCE_SECRET = "s3cret"
    for body in ("null", "[1, 2]", '"x"', "{not json", '{"email": "ikke en adresse"}'):
        response = client.post(
            reverse("newsletters:bounce"),
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer s3cret",
        )
        assert response.status_code == 400, body
