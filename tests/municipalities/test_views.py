import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import Contact, County, Library, Position
from tests.factories import ContactFactory, LibraryFactory, MunicipalityFactory, position

pytestmark = pytest.mark.django_db


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_municipality_list_query_count_does_not_grow(client, county, county_staff):
    client.force_login(county_staff)
    for i in range(5):
        MunicipalityFactory(county=county, number=f"55{i + 10}")
    small = _query_count(client, reverse("municipalities:municipality-list"))
    for i in range(45):
        municipality = MunicipalityFactory(county=county, number=f"55{i + 20}")
        LibraryFactory(municipality=municipality)
    assert _query_count(client, reverse("municipalities:municipality-list")) == small


def test_municipality_page_query_count_does_not_grow(client, county, county_staff, municipality):
    client.force_login(county_staff)
    for _ in range(5):
        ContactFactory(municipality=municipality)
    small = _query_count(client, municipality.get_absolute_url())
    for _ in range(45):
        ContactFactory(municipality=municipality)
        LibraryFactory(municipality=municipality, is_main=False)
    assert _query_count(client, municipality.get_absolute_url()) == small


def test_municipality_list_filters_by_search_and_region(client, county, county_staff):
    MunicipalityFactory(county=county, number="5501", name="Tromsø", region="Tromsø-området")
    MunicipalityFactory(county=county, number="5503", name="Harstad", region="Sør-Troms")
    client.force_login(county_staff)
    html = client.get(reverse("municipalities:municipality-list"), {"q": "harst"}).content.decode()
    assert "Harstad" in html and "Tromsø</a>" not in html
    html = client.get(reverse("municipalities:municipality-list"), {"region": "Tromsø-området"}).content.decode()
    assert "Tromsø</a>" in html and "Harstad" not in html
    html = client.get(reverse("municipalities:municipality-list"), {"q": "finnes-ikke"}).content.decode()
    assert "Ingen kommuner passer til filteret" in html


def test_municipality_list_paginates(client, county, county_staff):
    for i in range(60):
        MunicipalityFactory(county=county, number=f"55{i + 10:02d}")
    client.force_login(county_staff)
    response = client.get(reverse("municipalities:municipality-list"))
    assert len(response.context["page_obj"].object_list) == 50
    assert "Side 1 av 2" in response.content.decode()


def test_library_head_sees_only_their_municipality(client, library_head, municipality, other_municipality):
    client.force_login(library_head)
    response = client.get(reverse("municipalities:municipality-list"))
    assert [m.number for m in response.context["page_obj"]] == [municipality.number]
    assert client.get(other_municipality.get_absolute_url()).status_code == 404


def test_library_head_edits_a_contact_in_their_municipality(client, county, library_head, municipality):
    contact = ContactFactory(municipality=municipality, name="Gammelt Navn")
    client.force_login(library_head)
    url = reverse("municipalities:contact-edit", kwargs={"number": municipality.number, "pk": contact.pk})
    form = client.get(url).context["form"]
    assert "user" not in form.fields  # only county staff link contacts to users
    response = client.post(
        url,
        {"name": "Ánte Nytt Navn", "position": position(county, "technical").pk, "email": "ante@example.no"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Ánte Nytt Navn" and contact.position.code == "technical"
    assert contact.history.first().history_user == library_head


def test_contact_form_rejects_a_position_of_another_county(client, county, other_county, library_head, municipality):
    client.force_login(library_head)
    response = client.post(
        reverse("municipalities:contact-create", kwargs={"number": municipality.number}),
        {"name": "Ny", "position": position(other_county, "mayor").pk},
    )
    assert response.status_code == 200
    assert "position" in response.context["form"].errors
    assert not Contact.objects.filter(name="Ny").exists()


def test_second_main_library_is_refused_on_the_field(client, county_staff, municipality):
    client.force_login(county_staff)
    response = client.post(
        reverse("municipalities:library-create", kwargs={"number": municipality.number}),
        {"name": "Nytt hovedbibliotek", "is_main": "on"},
    )
    assert response.status_code == 200
    assert "er allerede hovedbibliotek" in response.context["form"].errors["is_main"][0]
    assert Library.objects.filter(municipality=municipality).count() == 1


def test_leadership_reads_but_cannot_edit(client, leadership, municipality):
    client.force_login(leadership)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "Legg til kontakt" not in html
    assert (
        client.get(reverse("municipalities:contact-create", kwargs={"number": municipality.number})).status_code == 403
    )


def test_county_settings_save_name_sender_and_positions(client, county, county_admin):
    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": "55"})
    page = client.get(url).context
    formset = page["positions"]
    data = {f"county-{name}": value for name, value in page["form"].initial.items() if name != "letterhead"} | {
        "county-name": "Troms fylke",
        "county-sender_name": "Troms fylkesbibliotek",
        "county-sender_email": "fylkesbiblioteket@example.no",
        "positions-TOTAL_FORMS": str(len(formset.forms)),
        "positions-INITIAL_FORMS": str(len(formset.initial_forms)),
        "themes-TOTAL_FORMS": "0",
        "themes-INITIAL_FORMS": "0",
    }
    for i, form in enumerate(formset.forms):
        if form.instance.pk:
            data[f"positions-{i}-id"] = form.instance.pk
            data[f"positions-{i}-name"] = "Rådmann" if form.instance.code == "chief_executive" else form.instance.name
            data[f"positions-{i}-order"] = form.instance.order
            data[f"positions-{i}-is_active"] = "on"
        else:
            data[f"positions-{i}-name"] = "Kultursjef"
            data[f"positions-{i}-order"] = "70"
            data[f"positions-{i}-is_active"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.name == "Troms fylke"
    assert county.from_email == "Troms fylkesbibliotek <fylkesbiblioteket@example.no>"
    assert Position.objects.get(county=county, code="chief_executive").name == "Rådmann"
    assert Position.objects.filter(county=county, name="Kultursjef", code="").exists()


def test_county_settings_refuse_a_letterhead_that_is_not_an_image(client, county, county_admin):
    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": "55"})
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    initial = client.get(url).context["form"].initial
    data = {f"county-{name}": value for name, value in initial.items() if name != "letterhead"}
    response = client.post(
        url,
        data
        | {
            "county-letterhead": fake,
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
            "themes-TOTAL_FORMS": "0",
            "themes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["letterhead"]
    assert not County.objects.get(pk=county.pk).letterhead


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("health_overdue_yellow", "health_overdue_red"),
        ("health_silence_yellow_days", "health_silence_red_days"),
        ("escalation_reminder_days", "escalation_alert_days"),
        ("escalation_alert_days", "escalation_leadership_days"),
        ("agreement_reminder_days", "agreement_signing_days"),
    ],
)
def test_county_thresholds_in_the_wrong_order_are_refused_on_the_field(client, county, county_admin, lower, higher):
    from tests.notifications.test_header_injection import _county_settings_data

    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": "55"})
    before = County.objects.values(lower, higher).get(pk=county.pk)
    data = _county_settings_data(client, url, **{lower: "50", higher: "20"})
    response = client.post(url, data)
    assert response.status_code == 400
    [error] = response.context["form"].errors[lower]
    assert "Må være mindre enn" in error and "(20)" in error
    assert County.objects.values(lower, higher).get(pk=county.pk) == before
    # 0 turns a step off, and is not compared.
    assert client.post(url, _county_settings_data(client, url, **{lower: "0", higher: "20"})).status_code == 302
