"""A draft from the kit's agreement text: sections by heading, placeholders from live data, nothing templated."""

from datetime import date
from decimal import Decimal

import pytest

from agreements.drafting import split_sections
from agreements.services import drafts
from municipalities.models import Theme
from planning import services as planning_services
from planning.models import KitDocument
from planning.selectors import kit_of
from planning.standard_kits import AGREEMENT_TEXT as DEFAULT_TEXT
from projects import services as project_services

pytestmark = pytest.mark.django_db


def test_the_kit_text_is_split_by_its_headings():
    sections = split_sections("Innledning\n## Formål\nA\n## Finansiering\nB\n## Ukjent\nC\n## Annet\nD")
    assert sections == {"purpose": "Innledning\nA", "finance": "B", "other": "### Ukjent\nC\nD"}


def test_a_draft_from_the_room_kit_is_filled_with_live_data(participant, county_staff, signatories):
    planning_services.save_budget(
        participant=participant,
        by=county_staff,
        county_grant=Decimal("150000"),
        required_local_share=Decimal("40"),
        local_cash=Decimal("100000"),
        hourly_rate=Decimal("500"),
    )
    agreement = drafts.create_agreement(participant=participant, by=county_staff)
    assert agreement.status == "draft" and agreement.version == 1
    assert "Troms fylkesbibliotek og Tromsø samarbeider om prosjektet «Nye bibliotekrom»" in agreement.purpose
    assert "Tromsø bibliotek og byarkiv" in agreement.purpose
    assert "tilskudd på 150\xa0000 kr" in agreement.finance
    assert "minst 40 % av de samlede kostnadene" in agreement.finance
    assert "Tilskuddet utbetales når den lokale andelen er minst 40 % av de samlede kostnadene." in agreement.finance
    assert "- Delta på alle verksteder" in agreement.requirements
    assert "19.01.2026: Oppstartsmøte med rådmann" in agreement.progress_plan  # participant's own milestone
    assert "Verksted 1: Hva skal rommet brukes til?" in agreement.progress_plan  # a project-wide one
    assert "Avtalen gjelder fra 5. januar 2026" in agreement.duration
    assert "- Biblioteksjef: Ingrid Sjef" in agreement.other
    assert "{{" not in "".join(text for _name, _label, text in agreement.sections())
    assert agreement.library_head_contact == signatories.head and agreement.chief_executive_contact == signatories.chief
    assert agreement.county_representative == county_staff and not agreement.requires_mayor
    assert [row["task"] for row in agreement.role_matrix["rows"]][0] == "Godkjenne romplanen"


def test_template_syntax_in_the_kit_text_stays_literal(kit_project, participant, county_staff):
    document = kit_of(kit_project).documents.get(kind=KitDocument.Kind.AGREEMENT)
    document.body = "## Formål\n{{ municipality }} {% debug %} {{ settings.SECRET_KEY }} {{ unknown }}"
    document.save()
    agreement = drafts.create_agreement(participant=participant, by=county_staff)
    assert agreement.purpose == "Tromsø {% debug %} {{ settings.SECRET_KEY }} {{ unknown }}"


def test_a_project_without_a_kit_gets_the_default_text(county, county_staff, municipality):
    theme = Theme.objects.get(county=county, code=Theme.Code.READING)
    project = project_services.create_project(
        county=county,
        by=county_staff,
        title="Leselyst",
        theme=theme,
        purpose="p",
        start_on=date(2026, 3, 1),
        end_on=date(2026, 12, 31),
    )
    (participant,) = project_services.invite_participants(
        project=project, municipalities=[municipality], by=county_staff
    )
    agreement = drafts.create_agreement(participant=participant, by=county_staff)
    assert agreement.title == "Samarbeidsavtale: Leselyst – Tromsø"
    assert "samarbeider om prosjektet «Leselyst»" in agreement.purpose
    assert "(ingen ennå)" in agreement.requirements
    assert "Kontaktpersoner: (ingen ennå)" in agreement.other
    assert [name for name, _label, text in agreement.sections() if not text] == []
    assert "## Formål" in DEFAULT_TEXT
