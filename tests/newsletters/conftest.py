"""A project with one of every kind of stakeholder, and helpers for the newsletter tests."""

import io
from datetime import date
from types import SimpleNamespace

import pytest
from PIL import Image

from municipalities.models import Organisation, Position, Theme
from newsletters.models import Subscriber
from newsletters.services import showcases, writing
from newsletters.services.base import ensure_mailing_list
from projects import services as project_services
from projects.models import Participant, Project
from tests.factories import ContactFactory, position


def png_bytes(size=(8, 6), colour=(18, 55, 94)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def make_project(county, county_staff, title="Bibliotekrommet i Troms", status=Project.Status.ACTIVE, **kwargs):
    project = project_services.create_project(
        county=county,
        by=county_staff,
        title=title,
        theme=Theme.objects.get(county=county, code=Theme.Code.LIBRARY_ROOMS),
        purpose="Bedre rom.",
        start_on=date(2026, 1, 1),
        end_on=date(2027, 12, 31),
        **kwargs,
    )
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


@pytest.fixture
def stakeholders(county, municipality, other_municipality, county_staff, library_head, leadership, expert):
    """Tromsø takes part (contacts, library head, leadership); Gáivuotna has withdrawn; a partner
    with a contact; an external expert; the list has a confirmed, a pending and an unsubscribed
    subscriber. The library head is also a contact with the same address in capitals."""
    project = make_project(county, county_staff)
    tromso, kafjord = project_services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    project_services.change_participant_status(
        participant=kafjord, to=Participant.Status.WITHDRAWN, by=county_staff, reason="Ingen kapasitet"
    )
    head_contact = ContactFactory(
        municipality=municipality,
        name="Ingrid Sjef",
        email="HEAD@Example.no",
        position=position(county, Position.Code.LIBRARY_HEAD),
    )
    mayor = ContactFactory(
        municipality=municipality,
        name="Ordfører Uten Adresse",
        email="",
        position=position(county, Position.Code.MAYOR),
    )
    technical = ContactFactory(
        municipality=municipality,
        name="Ole Teknisk",
        email="teknisk@tromso.example.no",
        position=position(county, Position.Code.TECHNICAL),
    )
    withdrawn_contact = ContactFactory(
        municipality=other_municipality, name="Ánde Borte", email="borte@kafjord.example.no"
    )
    university = Organisation.objects.create(county=county, name="UiT")
    partner_contact = ContactFactory(
        municipality=None, county=county, organisation=university, name="Forsker Nilsen", email="forsker@uit.example.no"
    )
    project_services.attach_partner(project=project, organisation=university, role="Fagmiljø", by=county_staff)
    project_services.attach_expert(project=project, user=expert, role="Interiørarkitekt", by=county_staff)
    mailing_list = ensure_mailing_list(county=county, project=project)
    Subscriber.objects.create(
        mailing_list=mailing_list, email="fan@example.no", name="Fan", status=Subscriber.Status.CONFIRMED
    )
    Subscriber.objects.create(mailing_list=mailing_list, email="venter@example.no", status=Subscriber.Status.PENDING)
    Subscriber.objects.create(mailing_list=mailing_list, email="gikk@example.no", status=Subscriber.Status.UNSUBSCRIBED)
    return SimpleNamespace(
        project=project,
        tromso=tromso,
        kafjord=kafjord,
        mailing_list=mailing_list,
        head_contact=head_contact,
        mayor=mayor,
        technical=technical,
        withdrawn_contact=withdrawn_contact,
        partner_contact=partner_contact,
    )


@pytest.fixture
def newsletter(stakeholders, county, county_staff):
    return writing.create_newsletter(
        county=county,
        project=stakeholders.project,
        by=county_staff,
        subject="Nytt fra bibliotekrommet",
        body="Hei alle!\n\nVi har **kommet i gang**. Les mer på [nettsiden](https://example.no/rom).",
        is_public=True,
    )


EXPECTED_RECIPIENTS = {
    "head@example.no",  # contact and library head user: one entry
    "radmann@example.no",  # leadership user
    "teknisk@tromso.example.no",
    "forsker@uit.example.no",  # partner's contact
    "staff@example.no",  # project leader
    "expert@example.no",
    "fan@example.no",  # confirmed subscriber
}


@pytest.fixture
def showcase(stakeholders, county_staff, municipality):
    """A published showcase of Tromsø's finished work, with before/after measurements and two photos:
    one without people, one with people whose consent is recorded."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from projects.models import Measurement

    project = stakeholders.project
    participant = stakeholders.tromso
    for to in (Participant.Status.COMMITTED, Participant.Status.ACTIVE, Participant.Status.COMPLETED):
        project_services.change_participant_status(participant=participant, to=to, by=county_staff)
    goal = project_services.save_goal(project=project, by=county_staff, text="Flere besøk")
    indicator = project_services.save_indicator(
        project=project, goal=goal, by=county_staff, name="Besøk per uke", unit="besøk", baseline=100, target=150
    )
    library = municipality.libraries.get()
    today = timezone.localdate()
    for period, value, days in (("before", 120, 300), ("after", 180, 10)):
        project_services.record_measurement(
            indicator=indicator,
            by=county_staff,
            value=value,
            library=library,
            period=period,
            measured_on=today - timedelta(days=days),
        )
    assert Measurement.objects.count() == 2
    showcase = showcases.create_showcase(
        project=project,
        participant=participant,
        by=county_staff,
        title="Tromsø: et rom for alle",
        summary="Biblioteket ble **en møteplass** for hele byen.",
        results="Besøket økte med 50 prosent.",
    )
    showcases.add_showcase_photo(
        showcase=showcase,
        by=county_staff,
        alt_text="Det nye lesesalen med lyse møbler",
        upload=SimpleUploadedFile("rom.png", png_bytes()),
        caption="Lesesalen",
    )
    showcases.add_showcase_photo(
        showcase=showcase,
        by=county_staff,
        alt_text="Barn på lesekrakken",
        upload=SimpleUploadedFile("barn.png", png_bytes(colour=(200, 80, 20))),
        shows_people=True,
        consent_note="Foreldrene signerte samtykke 3. mars; skjemaet er arkivert.",
    )
    return showcases.publish_showcase(showcase=showcase, by=county_staff)
