"""The pages that change places and people, through municipalities.services: what the user sees after
saving, what is stored (only the fields changed, with who changed it), and the refusals on their fields."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.services import drafts as agreement_services
from municipalities import services
from municipalities.models import Contact, Library, Municipality, Organisation, Position
from projects import services as project_services
from tests.conftest import make_active
from tests.factories import ContactFactory, LibraryFactory, position

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def test_municipality_edit_saves_the_changed_fields_with_who(client, county_staff, municipality):
    client.force_login(county_staff)
    response = client.post(
        reverse("municipalities:municipality-edit", kwargs={"number": municipality.number}),
        {"name": municipality.name, "population": 77000, "region": "Tromsø-regionen"},
        follow=True,
    )
    assert "Kommunen er lagret." in page(response)
    municipality.refresh_from_db()
    assert (municipality.population, municipality.region) == (77000, "Tromsø-regionen")
    assert municipality.history.first().history_user == county_staff


def test_update_municipality_writes_only_what_changed(municipality):
    rows = municipality.history.count()
    municipality = services.update_municipality(municipality=municipality, name=municipality.name)
    assert municipality.history.count() == rows  # nothing changed: no save, no history row
    services.update_municipality(municipality=municipality, population=12)
    assert Municipality.objects.get(pk=municipality.pk).population == 12
    assert municipality.history.count() == rows + 1


def test_a_library_is_added_renamed_and_removed(client, county_staff, municipality):
    client.force_login(county_staff)
    response = client.post(
        reverse("municipalities:library-create", kwargs={"number": municipality.number}),
        {"name": "Filial Kvaløya"},
        follow=True,
    )
    assert "Filial Kvaløya" in page(response)
    library = Library.objects.get(name="Filial Kvaløya")
    client.post(
        reverse("municipalities:library-edit", kwargs={"number": municipality.number, "pk": library.pk}),
        {"name": "Kvaløya bibliotek", "address": "Kvaløyvegen 1"},
    )
    library.refresh_from_db()
    assert (library.name, library.address, library.is_main) == ("Kvaløya bibliotek", "Kvaløyvegen 1", False)
    response = client.post(
        reverse("municipalities:library-delete", kwargs={"number": municipality.number, "pk": library.pk}), follow=True
    )
    assert "Biblioteket Kvaløya bibliotek er fjernet." in page(response)
    assert not Library.objects.filter(pk=library.pk).exists()


def test_editing_the_main_library_keeps_it_main(client, county_staff, municipality):
    main = municipality.libraries.get(is_main=True)
    LibraryFactory(municipality=municipality, name="Filialen", is_main=False)
    client.force_login(county_staff)
    response = client.post(
        reverse("municipalities:library-edit", kwargs={"number": municipality.number, "pk": main.pk}),
        {"name": main.name, "is_main": "on", "phone": "77 00 00 00"},
    )
    assert response.status_code == 302
    main.refresh_from_db()
    assert main.phone == "77 00 00 00" and main.is_main


def test_a_library_head_editing_a_contact_keeps_the_user_link(client, county, library_head, municipality):
    contact = ContactFactory(municipality=municipality, name="Ánte", user=library_head)
    client.force_login(library_head)
    client.post(
        reverse("municipalities:contact-edit", kwargs={"number": municipality.number, "pk": contact.pk}),
        {"name": "Ánte Aslaksen", "position": contact.position_id, "phone": "900 00 000"},
    )
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.user) == ("Ánte Aslaksen", "900 00 000", library_head)


def test_a_signatory_of_an_agreement_cannot_be_removed(
    client, county, county_staff, municipality, project, library_head
):
    make_active(project)
    (participant,) = project_services.invite_participants(
        project=project, municipalities=[municipality], by=county_staff
    )
    head = ContactFactory(
        municipality=municipality,
        name="Ingrid Sjef",
        user=library_head,
        position=position(county, Position.Code.LIBRARY_HEAD),
    )
    agreement = agreement_services.create_agreement(participant=participant, by=county_staff)
    assert agreement.library_head_contact == head
    client.force_login(county_staff)
    response = client.post(
        reverse("municipalities:contact-delete", kwargs={"number": municipality.number, "pk": head.pk}), follow=True
    )
    assert "Ingrid Sjef er nevnt i en avtale og kan ikke fjernes." in page(response)
    assert Contact.objects.filter(pk=head.pk).exists()


def test_partner_organisations_are_added_renamed_and_keep_their_names_unique(client, county, county_staff):
    client.force_login(county_staff)
    listing = reverse("municipalities:organisation-list", kwargs={"number": county.number})
    response = client.post(listing, {"name": "UiT", "kind": "university", "website": "uit.no"}, follow=True)
    assert "UiT er lagt til." in page(response)
    uit = Organisation.objects.get(county=county, name="UiT")
    assert uit.website == "https://uit.no"
    response = client.post(listing, {"name": "uit", "kind": "university"})
    assert response.context["form"].errors["name"] == ["Fylket har allerede en organisasjon med dette navnet."]
    assert Organisation.objects.filter(county=county).count() == 1
    response = client.post(
        reverse("municipalities:organisation-detail", kwargs={"pk": uit.pk}),
        {"name": "UiT Norges arktiske universitet", "kind": "university", "website": "https://uit.no"},
        follow=True,
    )
    assert "UiT Norges arktiske universitet er lagret." in page(response)
    assert uit.history.first().history_user == county_staff


def test_an_organisation_contact_is_added_and_edited(client, county, county_staff):
    organisation = services.create_organisation(county=county, name="Arkivet")
    client.force_login(county_staff)
    client.post(
        reverse("municipalities:organisation-contact-create", kwargs={"pk": organisation.pk}),
        {"name": "Arkivar Berg", "position": position(county, Position.Code.OTHER).pk},
    )
    contact = Contact.objects.get(name="Arkivar Berg")
    assert contact.organisation == organisation and contact.municipality is None and contact.county == county
    client.post(
        reverse("municipalities:organisation-contact-edit", kwargs={"pk": organisation.pk, "contact_pk": contact.pk}),
        {"name": "Arkivar Berg", "position": contact.position_id, "email": "berg@example.no"},
    )
    contact.refresh_from_db()
    assert contact.email == "berg@example.no"


def test_a_contact_with_another_countys_position_is_refused(county, other_county, municipality):
    with pytest.raises(ValidationError) as refused:
        services.create_contact(
            county=county, municipality=municipality, name="Feil", position=position(other_county, Position.Code.MAYOR)
        )
    assert refused.value.message_dict == {"position": ["Velg en stilling fra fylkets liste."]}
