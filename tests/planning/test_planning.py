"""Capacity check, stakeholder check, money and matching funds, kits (issue: projects 2 of 2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from municipalities.models import Theme
from planning import kits, stakeholders
from planning import selectors as planning_selectors
from planning import services as planning_services
from planning.selectors import kit_of
from planning.standard_kits import install_standard_kits
from projects import services
from projects.models import Project
from shell.templatetags.money import kr
from tests.conftest import make_active
from tests.factories import ContactFactory, make_user, position

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def participant(project, county_staff, municipality):
    return services.invite_participants(project=project, municipalities=[municipality], by=county_staff)[0]


def _planning(project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    project.refresh_from_db()
    return project


# ------------------------------------------------------------------ capacity


def test_capacity_passes_when_everyone_has_the_hours(project, county, county_staff, participant, municipality):
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=20, participant_hours_per_month=8
    )
    planning_services.declare_staff_capacity(county=county, user=county_staff, hours_per_month=30)
    planning_services.declare_municipality_capacity(municipality=municipality, hours_per_month=10, by=county_staff)
    check = planning_selectors.capacity_for(project)
    assert check.passes
    assert check.county.available == 30 and check.participants[0].available == 10


def test_capacity_shortfall_counts_other_active_projects(
    project, county, county_staff, theme, participant, municipality
):
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=20, participant_hours_per_month=8
    )
    planning_services.declare_staff_capacity(county=county, user=county_staff, hours_per_month=30)
    planning_services.declare_municipality_capacity(municipality=municipality, hours_per_month=10, by=county_staff)
    other = services.create_project(
        county=county,
        by=county_staff,
        title="Annet",
        theme=theme,
        purpose="p",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    planning_services.set_capacity_needs(
        project=other, by=county_staff, county_hours_per_month=15, participant_hours_per_month=5
    )
    services.invite_participants(project=other, municipalities=[municipality], by=county_staff)
    assert planning_selectors.capacity_for(project).passes  # the other project is not active yet
    make_active(other)
    check = planning_selectors.capacity_for(project)
    assert check.county.elsewhere == 15 and check.county.shortfall == 5
    assert check.participants[0].elsewhere == 5 and check.participants[0].shortfall == 3
    assert not check.passes


def test_undeclared_capacity_is_a_shortfall(project, county_staff, participant):
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=5, participant_hours_per_month=2
    )
    check = planning_selectors.capacity_for(project)
    assert not check.county.passes and not check.participants[0].passes


def test_activation_requires_a_pass_or_a_written_reason(project, county_staff, participant):
    _planning(project)
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=5, participant_hours_per_month=2
    )
    with pytest.raises(ValidationError) as error:
        services.change_project_status(project=project, to=Project.Status.ACTIVE, by=county_staff)
    assert "reason" in error.value.error_dict
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNING
    services.change_project_status(
        project=project, to=Project.Status.ACTIVE, by=county_staff, reason="Rådmannen har lovet mer tid fra januar."
    )
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    assert project.capacity_override_reason == "Rådmannen har lovet mer tid fra januar."
    assert project.capacity_override_by == county_staff and project.capacity_override_at
    assert project.history.first().history_change_reason == "Rådmannen har lovet mer tid fra januar."


def test_activation_passes_without_reason_when_capacity_is_there(project, county, county_staff):
    _planning(project)
    planning_services.declare_staff_capacity(county=county, user=county_staff, hours_per_month=10)
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=10, participant_hours_per_month=0
    )
    services.change_project_status(project=project, to=Project.Status.ACTIVE, by=county_staff)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE and project.capacity_override_reason == ""


def test_county_load(project, county, county_staff):
    planning_services.set_capacity_needs(
        project=project, by=county_staff, county_hours_per_month=12, participant_hours_per_month=0
    )
    planning_services.declare_staff_capacity(county=county, user=county_staff, hours_per_month=10)
    make_active(project)
    assert planning_selectors.county_load(county) == {"load": 12, "declared": 10, "free": -2}


# --------------------------------------------------------------- stakeholders


def test_default_positions_include_the_technical_department_for_library_rooms(county, theme):
    codes = {p.code for p in planning_services.default_positions(theme)}
    assert codes == {"library_head", "chief_executive", "mayor", "technical"}
    weeding = county.themes.get(code="weeding")
    assert {p.code for p in planning_services.default_positions(weeding)} == {
        "library_head",
        "chief_executive",
        "mayor",
    }


def test_stakeholder_gaps_follow_contacts_added_and_removed(
    project, county, county_staff, municipality, other_municipality
):
    services.invite_participants(project=project, municipalities=[municipality, other_municipality], by=county_staff)
    planning_services.set_required_positions(
        project=project, positions=planning_services.default_positions(project.theme), by=county_staff
    )
    assert stakeholders.stakeholder_gap_count(project) == 8
    head = ContactFactory(municipality=municipality, position=position(county, "library_head"))
    ContactFactory(municipality=municipality, position=position(county, "mayor"))
    ContactFactory(municipality=municipality, position=position(county, "councillor"))  # not required: no effect
    assert stakeholders.stakeholder_gap_count(project) == 6
    rows = {row.participant.municipality: row for row in stakeholders.stakeholder_check(project)}
    assert {p.code for p in rows[municipality].missing} == {"chief_executive", "technical"}
    head.delete()
    assert stakeholders.stakeholder_gap_count(project) == 7


def test_withdrawn_participants_are_not_counted(project, county_staff, municipality):
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    planning_services.set_required_positions(
        project=project, positions=planning_services.default_positions(project.theme), by=county_staff
    )
    services.change_participant_status(participant=participant, to="withdrawn", by=county_staff, reason="Ute")
    assert stakeholders.stakeholder_gap_count(project) == 0


# ----------------------------------------------------------------------- money


def _budget(participant, staff, grant, cash, hours=0, rate=500, share=40):
    return planning_services.save_budget(
        participant=participant,
        by=staff,
        county_grant=D(grant),
        required_local_share=D(share),
        local_cash=D(cash),
        local_inkind_hours=D(hours),
        hourly_rate=D(rate),
    )


def test_budget_defaults_come_from_the_project_and_the_county(project, participant, county):
    budget = planning_selectors.get_budget(participant)
    assert budget.required_local_share == D("40") and budget.hourly_rate == county.default_hourly_rate
    project.default_local_share = D("50")
    project.save()
    participant.project.refresh_from_db()
    assert planning_selectors.get_budget(participant).required_local_share == D("50")


def test_grant_is_releasable_exactly_at_forty_percent(participant, county_staff):
    budget = _budget(participant, county_staff, "60000", "40000")  # 40000 / 100000 = 40 %
    assert budget.local_share == D("40.00") and budget.meets_required_share
    planning_services.release_grant(participant=participant, amount=D("60000"), by=county_staff)


def test_grant_is_not_releasable_at_39_99_percent(participant, county_staff):
    budget = _budget(participant, county_staff, "60004", "39996")  # 39996 / 100000 = 39.996 %
    assert budget.local_share == D("40.00")  # rounded for display…
    assert not budget.meets_required_share  # …but the rule compares exactly
    budget = _budget(participant, county_staff, "60010", "39990")  # 39.99 %
    assert budget.local_share == D("39.99") and not budget.meets_required_share
    with pytest.raises(ValidationError) as error:
        planning_services.release_grant(participant=participant, amount=D("1000"), by=county_staff)
    assert "amount" in error.value.error_dict
    assert not budget.releases.exists()


def test_in_kind_hours_count_as_local_funds(participant, county_staff):
    budget = _budget(participant, county_staff, "60000", "20000", hours="40", rate="500")
    assert budget.local_inkind_value == D("20000.00") and budget.local_committed == D("40000.00")
    assert budget.meets_required_share


def test_partial_releases_never_exceed_the_grant(participant, county_staff):
    _budget(participant, county_staff, "100000", "80000")
    planning_services.release_grant(participant=participant, amount=D("30000"), by=county_staff)
    planning_services.release_grant(participant=participant, amount=D("50000.50"), by=county_staff)
    with pytest.raises(ValidationError):
        planning_services.release_grant(participant=participant, amount=D("20000"), by=county_staff)
    planning_services.release_grant(participant=participant, amount=D("19999.50"), by=county_staff)
    assert planning_selectors.released_total(participant.budget) == D("100000")
    with pytest.raises(ValidationError):
        planning_services.release_grant(participant=participant, amount=D("0.01"), by=county_staff)
    with pytest.raises(ValidationError):  # the grant cannot shrink below what is paid out
        _budget(participant, county_staff, "90000", "80000")


def test_final_accounts_record_what_is_returned_and_freeze_the_grant(participant, county_staff):
    _budget(participant, county_staff, "100000", "80000")
    planning_services.release_grant(participant=participant, amount=D("100000"), by=county_staff)
    with pytest.raises(ValidationError):
        planning_services.close_grant(
            participant=participant, spent_county=D("100000.01"), spent_local=D("0"), by=county_staff
        )
    account = planning_services.close_grant(
        participant=participant, spent_county=D("87500"), spent_local=D("91000"), by=county_staff
    )
    assert account.to_return == D("12500")
    with pytest.raises(services.ProjectError):
        planning_services.close_grant(participant=participant, spent_county=D("1"), spent_local=D("1"), by=county_staff)
    with pytest.raises(services.ProjectError):
        planning_services.release_grant(participant=participant, amount=D("1"), by=county_staff)
    with pytest.raises(services.ProjectError):
        _budget(participant, county_staff, "100000", "90000")


def test_totals_and_leverage(project, county, county_staff, municipality, other_municipality):
    first, second = services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    _budget(first, county_staff, "100000", "80000")
    _budget(second, county_staff, "50000", "40000", hours="20", rate="500")
    planning_services.release_grant(participant=first, amount=D("25000"), by=county_staff)
    totals = planning_selectors.project_money(project)
    assert (totals.granted, totals.released, totals.local_committed) == (D("150000"), D("25000"), D("130000"))
    assert totals.leverage == D("0.87")
    assert planning_selectors.county_money(county).granted == D("150000")


def test_county_totals_add_up_the_county_projects_and_nothing_else(
    project, county, county_staff, theme, municipality, other_municipality, other_county, foreign_municipality
):
    second = services.create_project(
        county=county,
        by=county_staff,
        title="Lesekampanjen",
        theme=theme,
        purpose="Les.",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    (first_participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    (second_participant,) = services.invite_participants(
        project=second, municipalities=[other_municipality], by=county_staff
    )
    _budget(first_participant, county_staff, "100000", "80000", hours="20", rate="500")
    # Half a øre of in-kind value (0.5 h × 1.01 kr = 0.505 kr) rounds up, on the project page and in the county total.
    _budget(second_participant, county_staff, "10", "10", hours="0.5", rate="1.01")
    planning_services.release_grant(participant=first_participant, amount=D("25000"), by=county_staff)
    foreign_staff = make_user("county_staff", county=other_county)
    foreign = services.create_project(
        county=other_county,
        by=foreign_staff,
        title="Annet fylke",
        theme=Theme.objects.get(county=other_county, code=Theme.Code.LIBRARY_ROOMS),
        purpose="p",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    (foreign_participant,) = services.invite_participants(
        project=foreign, municipalities=[foreign_municipality], by=foreign_staff
    )
    _budget(foreign_participant, foreign_staff, "999999", "999999")

    assert planning_selectors.project_money(second).local_committed == D("10.51")
    county_totals = planning_selectors.county_money(county)
    assert (county_totals.granted, county_totals.released, county_totals.local_committed) == (
        D("100010"),
        D("25000"),
        D("90010.51"),
    )
    projects = [planning_selectors.project_money(p) for p in (project, second)]
    assert county_totals.local_committed == sum(t.local_committed for t in projects)


def test_every_budget_change_is_kept_and_suggests_an_infobrev(project, participant, county_staff):
    assert project.infobrev_suggested_at is None
    _budget(participant, county_staff, "100000", "80000")
    _budget(participant, county_staff, "120000", "80000")
    project.refresh_from_db()
    assert project.infobrev_suggested_at is not None
    history = participant.budget.history.all()
    assert [h.county_grant for h in history] == [D("120000"), D("100000")]
    assert history[0].history_user == county_staff


@pytest.mark.parametrize(
    "value, language, expected",
    [
        (D("1234567.5"), "nb", "1\xa0234\xa0567,50\xa0kr"),
        (D("0"), "nb", "0\xa0kr"),
        (D("80000.00"), "nb", "80\xa0000\xa0kr"),  # whole kroner without øre
        (D("999.999"), "nb", "1\xa0000\xa0kr"),
        (D("1234567.5"), "en", "1,234,567.50\xa0kr"),
    ],
)
def test_money_is_shown_in_norwegian(value, language, expected):
    with translation.override(language):
        assert kr(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(D("42.857142"), "42,9\xa0%"), (D("40.00"), "40\xa0%"), (D("39.99"), "40\xa0%"), (D("12.5"), "12,5\xa0%")],
)
def test_percent_has_at_most_one_decimal(value, expected):
    from shell.templatetags.money import percent

    with translation.override("nb"):
        assert percent(value) == expected


# ------------------------------------------------------------------------ kits


def test_kit_to_project_to_kit_keeps_the_plan(county, county_staff, municipality, other_municipality):
    room_kit = install_standard_kits(county)[0]
    project = kits.create_project_from_kit(
        kit=room_kit,
        county=county,
        by=county_staff,
        title="Rom",
        start_on=date(2026, 2, 1),
        municipalities=[municipality, other_municipality],
    )
    assert kit_of(project) == room_kit and project.county_hours_per_month == room_kit.county_hours_per_month
    assert {p.code for p in project.required_positions.all()} == {
        "library_head",
        "chief_executive",
        "mayor",
        "technical",
    }
    assert [r.text for r in project.requirements.all()] == [r.text for r in room_kit.requirements.all()]
    per_participant = room_kit.milestones.filter(scope="participant").count()
    project_wide = room_kit.milestones.filter(scope="project").count()
    assert project.milestones.count() == project_wide + 2 * per_participant
    opening = project.milestones.get(name="Åpning av det nye rommet", participant__municipality=municipality)
    assert opening.planned_on == date(2027, 2, 1) and opening.original_planned_on == date(2027, 2, 1)
    assert project.end_on == date(2027, 5, 27)  # start + the kit's 480 days

    copy = kits.save_project_as_kit(project=project, name="Rom, vår utgave", by=county_staff)
    plan = lambda kit: [(m.name, m.offset_days, m.scope, m.responsible_position_id) for m in kit.milestones.all()]  # noqa: E731
    assert plan(copy) == plan(room_kit)
    assert [r.text for r in copy.requirements.all()] == [r.text for r in room_kit.requirements.all()]
    assert set(copy.required_positions.all()) == set(room_kit.required_positions.all())
    assert copy.documents.count() == room_kit.documents.count()


def test_placeholders_outside_the_whitelist_stay_literal():
    text = "Til {{ municipality }}: {{ secret_key }} {{county_grant}} {{ settings.SECRET_KEY }} {{ library }}"
    filled = kits.fill_placeholders(
        text, {"municipality": "Gáivuotna - Kåfjord - Kaivuono", "county_grant": "100 000", "secret_key": "x"}
    )
    assert (
        filled == "Til Gáivuotna - Kåfjord - Kaivuono: {{ secret_key }} 100 000 {{ settings.SECRET_KEY }} {{ library }}"
    )


def test_template_tags_in_kit_text_have_no_effect():
    text = "{% debug %} {% include 'base.html' %} {% load static %}{{ municipality|upper }} {{ municipality }}"
    assert kits.fill_placeholders(text, {"municipality": "Tromsø"}) == (
        "{% debug %} {% include 'base.html' %} {% load static %}{{ municipality|upper }} Tromsø"
    )


def test_a_handbook_page_is_written_and_changed_on_the_page_with_who_and_a_unique_address(
    client, county, county_staff, county_admin
):
    from planning.models import HandbookPage

    client.force_login(county_staff)
    form = {"title": "Lydregler", "slug": "lydregler", "body": "Mikrofonen av når du ikke snakker.", "order": 5}
    response = client.post(reverse("planning:handbook-create", kwargs={"number": county.number}), form)
    page = HandbookPage.objects.get(county=county, slug="lydregler")
    assert response.status_code == 302 and page.updated_by == county_staff and not page.is_public
    client.force_login(county_admin)
    client.post(
        reverse("planning:handbook-edit", kwargs={"number": county.number, "slug": "lydregler"}),
        {**form, "body": "Slå av mikrofonen.", "is_public": "on"},
    )
    page.refresh_from_db()
    assert (page.body, page.is_public, page.updated_by) == ("Slå av mikrofonen.", True, county_admin)
    assert page.history.latest().history_user == county_admin
    other = {**form, "title": "Andre regler"}
    refused = client.post(reverse("planning:handbook-create", kwargs={"number": county.number}), other)
    assert refused.status_code == 200 and "En annen side i fylket har denne adressen." in refused.content.decode()
