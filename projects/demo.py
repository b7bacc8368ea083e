"""Demo projects for Troms: a library room project, a weeding project and a Bli-ny follow-up."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from municipalities.models import County, Municipality, Organisation, Theme

from . import kits, planning, services
from .models import Participant, Project
from .standard_kits import install_standard_kits

ROOM_PROJECT = "Bibliotekrom i Troms – fra samling til møteplass"
WEEDING_PROJECT = "Kassering og samlingsutvikling i Nord-Troms"
BLI_NY_PROJECT = "Bli-ny: bibliotekrom, siste runde"


def _project(county, by, title, theme_code, start_on, end_on, purpose, summary="") -> tuple[Project, bool]:
    existing = Project.objects.filter(county=county, title=title).first()
    if existing:
        return existing, False
    project = services.create_project(
        county=county,
        by=by,
        title=title,
        theme=Theme.objects.get(county=county, code=theme_code),
        purpose=purpose,
        public_summary=summary,
        start_on=start_on,
        end_on=end_on,
    )
    return project, True


def _set_status(project, status):
    Project.objects.filter(pk=project.pk).update(status=status)
    project.status = status


def seed_projects(county: County) -> dict[str, Project]:
    room_kit, weeding_kit = install_standard_kits(county)
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    head = User.objects.get(email="biblioteksjef.tromso@demo.fremdrift.no")
    expert = User.objects.get(email="ekspert@demo.fremdrift.no")
    today = timezone.localdate()
    numbers = lambda *codes: [Municipality.objects.get(number=code) for code in codes]  # noqa: E731

    room, created = _project(
        county, staff, ROOM_PROJECT, Theme.Code.LIBRARY_ROOMS, today - timedelta(days=300), today + timedelta(days=430),
        "Bibliotekene skal bli gode møteplasser. Vi vet hva vi vil oppnå: flere besøk, flere arrangementer og "
        "rom som brukes hele dagen.\n\n**Ting tar tid** – planen har romslige frister.",
        "Fem kommuner i Troms fornyer bibliotekrommene sine sammen med fylkesbiblioteket.",
    )
    if created:
        _set_status(room, Project.Status.ACTIVE)
        visits = services.save_goal(project=room, by=staff, text="Flere besøk i bibliotekene")
        indicator = services.save_indicator(project=room, goal=visits, by=staff, name="Besøk per uke", unit="besøk",
                                            baseline=420, target=600)
        services.record_measurement(indicator=indicator, by=staff, value=465, measured_on=today - timedelta(days=30))
        events = services.save_goal(project=room, by=staff, text="Rommet brukes til arrangementer og samarbeid")
        services.save_indicator(project=room, goal=events, by=staff, name="Arrangementer per måned", baseline=2, target=6)
        for text in ["Delta på alle verksteder", "Logg fremdrift hver måned",
                     "Teknisk avdeling deltar på oppstartsmøtet", "Rådmann og ordfører deltar på oppstartsmøtet"]:
            services.save_requirement(project=room, by=staff, text=text)
        participants = services.invite_participants(
            project=room, municipalities=numbers("5501", "5503", "5524", "5540", "5518"), by=staff
        )
        tromso, harstad, malselv, kafjord, lavangen = participants
        _plan_room_project(room, room_kit, staff, participants)
        services.commit_to_requirements(participant=tromso, by=head)
        services.change_participant_status(participant=tromso, to=Participant.Status.ACTIVE, by=staff)
        services.change_participant_status(participant=harstad, to=Participant.Status.COMMITTED, by=staff)
        services.change_participant_status(participant=harstad, to=Participant.Status.ACTIVE, by=staff)
        services.change_participant_status(participant=malselv, to=Participant.Status.COMMITTED, by=staff)
        services.change_participant_status(participant=lavangen, to=Participant.Status.WITHDRAWN, by=staff,
                                           reason="Biblioteksjefen sluttet, og kommunen har ikke kapasitet nå.")
        services.update_participant(participant=malselv, by=staff, library=malselv.library, mentor=tromso.municipality)
        requirement = room.requirements.first()
        services.record_compliance(participant=tromso, requirement=requirement, by=staff, compliance="met",
                                   note="Deltok på begge verkstedene i vår.")
        university, _ = Organisation.objects.get_or_create(
            county=county, name="UiT Norges arktiske universitet",
            defaults={"kind": Organisation.Kind.UNIVERSITY, "website": "https://uit.no"},
        )
        services.attach_partner(project=room, organisation=university, role="Fagmiljø for brukerundersøkelser (Dok-vit)", by=staff)
        archive, _ = Organisation.objects.get_or_create(
            county=county, name="Tromsø bibliotek og byarkiv", defaults={"kind": Organisation.Kind.ARCHIVE}
        )
        services.attach_partner(project=room, organisation=archive, role="Vertsbibliotek som trekker de små med", by=staff)
        assignment = services.attach_expert(project=room, user=expert, role="Interiørarkitekt for bibliotekrom", by=staff)
        for item in assignment.briefing.all()[:2]:
            services.set_briefed(item=item, by=staff, done=True)
        services.add_expert_follow_up(assignment=assignment, by=staff, happened_on=today - timedelta(days=14),
                                      text="Gikk gjennom romplanene for Tromsø og Harstad. Neste: Målselv.")

    weeding, created = _project(
        county, staff, WEEDING_PROJECT, Theme.Code.WEEDING, today - timedelta(days=60), today + timedelta(days=300),
        "Mer fokus på kassering og samlingsutvikling: bibliotekene lager en plan og rydder samlingen.",
    )
    if created:
        _set_status(weeding, Project.Status.PLANNING)
        services.save_goal(project=weeding, by=staff, text="En oppdatert samlingsplan i hver kommune")
        weeding_participants = services.invite_participants(
            project=weeding, municipalities=numbers("5544", "5542", "5546"), by=staff
        )
        Project.objects.filter(pk=weeding.pk).update(kit=weeding_kit)
        weeding.kit = weeding_kit
        planning.set_required_positions(project=weeding, positions=planning.default_positions(weeding.theme), by=staff)
        # One shortfall for the reality check: the county's hours are mostly taken by the room project.
        planning.set_capacity_needs(project=weeding, by=staff, county_hours_per_month=15, participant_hours_per_month=6)
        kits.plan_milestones(project=weeding, participants=weeding_participants)

    if not Project.objects.filter(county=county, title=BLI_NY_PROJECT).exists():
        followup = services.create_followup(project=room, by=staff, title=BLI_NY_PROJECT,
                                            start_on=today + timedelta(days=440), end_on=today + timedelta(days=620))
        services.update_project(project=followup, by=staff, purpose="Et lite og overkommelig prosjekt: siste sjanse "
                                "til å gjennomføre endringene som var planlagt.")
    return {"room": room, "weeding": weeding}




def _plan_room_project(room, kit, staff, participants):
    """The room project follows the room kit: its plan, positions, hours and budgets."""
    tromso, harstad, malselv, kafjord, lavangen = participants
    Project.objects.filter(pk=room.pk).update(kit=kit)
    room.kit = kit
    room.required_positions.set(kit.required_positions.all())
    room.handbook_pages.set(kit.handbook_pages.all())
    planning.set_capacity_needs(project=room, by=staff, county_hours_per_month=20, participant_hours_per_month=8)
    planning.declare_staff_capacity(county=room.county, user=staff, hours_per_month=30)
    for participant, hours in [(tromso, 12), (harstad, 10), (malselv, 4)]:
        planning.declare_municipality_capacity(municipality=participant.municipality, hours_per_month=hours, by=staff)
    kits.plan_milestones(project=room, participants=participants[:4])
    money = Decimal
    # Tromsø: local share met, part of the grant released.
    planning.save_budget(participant=tromso, by=staff, county_grant=money("150000"), required_local_share=money("40"),
                         local_cash=money("90000"), local_inkind_hours=money("40"), hourly_rate=money("500"))
    planning.release_grant(participant=tromso, amount=money("100000"), by=staff, note="Første utbetaling")
    # Harstad: everything released and spent; closed with final accounts.
    planning.save_budget(participant=harstad, by=staff, county_grant=money("80000"), required_local_share=money("40"),
                         local_cash=money("60000"), local_inkind_hours=money("0"), hourly_rate=money("500"))
    planning.release_grant(participant=harstad, amount=money("80000"), by=staff)
    planning.close_grant(participant=harstad, spent_county=money("72000"), spent_local=money("64000"), by=staff)
    # Målselv: below the required local share, so nothing can be released yet.
    planning.save_budget(participant=malselv, by=staff, county_grant=money("100000"), required_local_share=money("40"),
                         local_cash=money("30000"), local_inkind_hours=money("20"), hourly_rate=money("500"))
