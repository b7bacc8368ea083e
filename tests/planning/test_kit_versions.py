"""Kit texts changed by the county staff: a new version of the kit, while projects made from the old one
keep its texts (their letters and agreements are drafted from them)."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.services import drafts
from planning.kits import create_project_from_kit
from planning.letters import draft_letters
from planning.models import Kit, KitDocument
from planning.selectors import kit_of
from planning.standard_kits import install_standard_kits
from tests.conftest import make_active

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def room_kit(county):
    return install_standard_kits(county)[0]


def _project(kit, county, by, municipalities, title):
    return make_active(
        create_project_from_kit(
            kit=kit, county=county, by=by, title=title, start_on=date(2026, 1, 5), municipalities=municipalities
        )
    )


def test_changing_a_letter_makes_a_new_version_and_old_projects_keep_theirs(
    client, county, county_staff, municipality, room_kit
):
    old_project = _project(room_kit, county, county_staff, [municipality], "Før endringen")
    invitation = room_kit.documents.get(kind=KitDocument.Kind.LETTER, title="Invitasjon til kommunen")
    client.force_login(county_staff)
    edit = reverse("planning:kit-document-edit", kwargs={"kit_pk": room_kit.pk, "document_pk": invitation.pk})
    assert "Lagre som ny versjon av pakken" in client.get(edit).content.decode()
    response = client.post(
        edit, {"title": "Invitasjon til kommunen", "body": "Kjære {{ municipality }}: bli med i «{{ project }}»!"}
    )
    new = Kit.objects.get(county=county, name=room_kit.name, is_current=True)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.version == 2 and new.previous == room_kit
    room_kit.refresh_from_db()
    assert not room_kit.is_current
    # The whole kit came along; the other texts too.
    assert new.milestones.count() == room_kit.milestones.count() > 0
    assert new.requirements.count() == room_kit.requirements.count() > 0
    assert set(new.required_positions.all()) == set(room_kit.required_positions.all())
    assert sorted(new.documents.values_list("title", flat=True)) == sorted(
        room_kit.documents.values_list("title", flat=True)
    )

    # The county's list shows the kit once, as version 2; the old version says what it is.
    listing = client.get(reverse("planning:kit-list", kwargs={"number": county.number})).content.decode()
    assert listing.count(room_kit.get_absolute_url()) == 0 and new.get_absolute_url() in listing
    old_page = client.get(room_kit.get_absolute_url()).content.decode()
    assert "Dette er versjon 1 av pakken" in old_page and "Gjeldende versjon er 2." in old_page

    # The project made before keeps the old text; a new project gets the new one.
    assert kit_of(old_project) == room_kit
    (old_letter,) = draft_letters(
        project=old_project,
        template="Invitasjon til kommunen",
        participants=old_project.participants.all(),
        by=county_staff,
    )
    assert old_letter.body.startswith("Til Tromsø v/ biblioteksjef")
    new_project = _project(new, county, county_staff, [municipality], "Etter endringen")
    (new_letter,) = draft_letters(
        project=new_project,
        template="Invitasjon til kommunen",
        participants=new_project.participants.all(),
        by=county_staff,
    )
    assert new_letter.body == "Kjære Tromsø: bli med i «Etter endringen»!"

    # An old version is not changed again: a change goes to the current one.
    response = client.post(edit, {"title": "X", "body": "Y"})
    assert response.status_code == 302
    assert Kit.objects.filter(county=county, name=room_kit.name).count() == 2


def test_changing_the_agreement_text_reaches_only_new_projects(county, county_staff, municipality, room_kit):
    from planning.kits import revise_kit_document

    old_project = _project(room_kit, county, county_staff, [municipality], "Gammel")
    agreement_text = room_kit.documents.get(kind=KitDocument.Kind.AGREEMENT)
    new = revise_kit_document(
        kit=room_kit,
        by=county_staff,
        document=agreement_text,
        title=agreement_text.title,
        body="## Formål\nNytt formål for {{ municipality }}.\n",
    )
    new_project = _project(new, county, county_staff, [municipality], "Ny")
    old = drafts.create_agreement(participant=old_project.participants.get(), by=county_staff)
    fresh = drafts.create_agreement(participant=new_project.participants.get(), by=county_staff)
    assert fresh.purpose == "Nytt formål for Tromsø."
    assert old.purpose != fresh.purpose and "Tromsø" in old.purpose


def test_a_letter_template_can_be_added(client, county, county_staff, room_kit):
    client.force_login(county_staff)
    response = client.post(
        reverse("planning:kit-document-create", kwargs={"kit_pk": room_kit.pk}),
        {"title": "Invitasjon til verksted", "body": "Velkommen, {{ library }}."},
    )
    assert response.status_code == 302
    new = Kit.objects.get(county=county, name=room_kit.name, is_current=True)
    letter = new.documents.get(title="Invitasjon til verksted")
    assert letter.kind == KitDocument.Kind.LETTER
    assert not room_kit.documents.filter(title="Invitasjon til verksted").exists()


def test_kit_texts_are_the_county_staffs(client, library_head, outsider, room_kit):
    document = room_kit.documents.first()
    for user in (library_head, outsider):
        client.force_login(user)
        url = reverse("planning:kit-document-edit", kwargs={"kit_pk": room_kit.pk, "document_pk": document.pk})
        assert client.post(url, {"title": "X", "body": "Y"}).status_code == 404
    assert Kit.objects.count() == len(install_standard_kits(room_kit.county))
