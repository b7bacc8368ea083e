"""Fixtures for agreements: a project from the room kit with Tromsø and Gáivuotna, contacts linked to
the library head and the chief executive (and a mayor), and agreements in each state."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection

from accounts.models import Membership
from agreements.models import Signature
from agreements.services import drafts, sending, signatures
from municipalities.models import Position
from planning.kits import create_project_from_kit
from planning.standard_kits import install_standard_kits
from tests.conftest import make_active
from tests.documents.conftest import http_server, weasyprint  # noqa: F401 (fixtures)
from tests.factories import TEST_PASSWORD, ContactFactory, make_user, position

Slot = Signature.Slot


def stub_pdf_bytes(verification_code="") -> bytes:
    return f"%PDF-1.7\n% stand-in {verification_code}\n%%EOF\n".encode()


@pytest.fixture
def stub_pdf(monkeypatch):
    """Sealing without WeasyPrint: tests about rules, not documents, get stand-in PDF bytes."""
    calls = []

    def render(**kwargs):
        calls.append(kwargs)
        return stub_pdf_bytes(kwargs.get("verification_code", ""))

    monkeypatch.setattr("agreements.services.signatures.render_agreement_pdf", render)
    return calls


@pytest.fixture
def kit_project(county, county_staff, municipality, other_municipality):
    kit = install_standard_kits(county)[0]
    project = create_project_from_kit(
        kit=kit,
        county=county,
        by=county_staff,
        title="Nye bibliotekrom",
        start_on=date(2026, 1, 5),
        municipalities=[municipality, other_municipality],
    )
    return make_active(project)


@pytest.fixture
def participant(kit_project, municipality):
    return kit_project.participants.get(municipality=municipality)


@pytest.fixture
def other_participant(kit_project, other_municipality):
    return kit_project.participants.get(municipality=other_municipality)


@pytest.fixture
def mayor(municipality):
    return make_user(
        Membership.Role.LEADERSHIP, municipality=municipality, email="ordforer@example.no", name="Kari Ordfører"
    )


@pytest.fixture
def signatories(county, municipality, library_head, leadership, mayor):
    return SimpleNamespace(
        head=ContactFactory(
            municipality=municipality,
            name="Ingrid Sjef",
            user=library_head,
            position=position(county, Position.Code.LIBRARY_HEAD),
        ),
        chief=ContactFactory(
            municipality=municipality,
            name="Per Rådmann",
            user=leadership,
            position=position(county, Position.Code.CHIEF_EXECUTIVE),
        ),
        mayor=ContactFactory(
            municipality=municipality, name="Kari Ordfører", user=mayor, position=position(county, Position.Code.MAYOR)
        ),
    )


@pytest.fixture
def draft(participant, county_staff, signatories):
    return drafts.create_agreement(participant=participant, by=county_staff)


@pytest.fixture
def sent(draft, county_staff):
    return sending.send_for_signature(agreement=draft, by=county_staff)


def sign(agreement, slot, user, *, password=TEST_PASSWORD, content_sha256=None):
    return signatures.sign_agreement(
        agreement=agreement,
        slot=slot,
        user=user,
        content_sha256=content_sha256 or agreement.content_sha256,
        data={"password": password},
        ip_address="192.0.2.10",
    )


@pytest.fixture
def sealed(sent, county_staff, library_head, leadership, stub_pdf):
    sign(sent, Slot.COUNTY, county_staff)
    sign(sent, Slot.LIBRARY_HEAD, library_head)
    sign(sent, Slot.CHIEF_EXECUTIVE, leadership)
    sent.refresh_from_db()
    return sent


def tamper(sql, params):
    """What an intruder with database access could do: change a stored seal row, triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign key checks before ALTER TABLE
            cursor.execute("ALTER TABLE agreements_seal DISABLE TRIGGER agreements_seal_sealed")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE agreements_seal ENABLE TRIGGER agreements_seal_sealed")
