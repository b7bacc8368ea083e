"""Demo projects for Troms: a library room project, a weeding project and a Bli-ny follow-up."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from municipalities.models import County, Municipality, Organisation, Theme
from planning import kits
from planning import services as planning_services
from planning.models import KitUse
from planning.standard_kits import install_standard_kits
from projects import services
from projects.models import Participant, Project

ROOM_PROJECT = "Bibliotekrom i Troms – fra samling til møteplass"
WEEDING_PROJECT = "Kassering og samlingsutvikling i Nord-Troms"
BLI_NY_PROJECT = "Bli-ny: bibliotekrom, siste runde"
ROOM_CASE_NUMBER = "2025/1187"  # the case the Tromsø agreement's document 2025/1187-3 belongs to


def _project(
    county, by, title, theme_code, start_on, end_on, purpose, summary="", case_number=""
) -> tuple[Project, bool]:
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
        case_number=case_number,
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
        county,
        staff,
        ROOM_PROJECT,
        Theme.Code.LIBRARY_ROOMS,
        today - timedelta(days=300),
        today + timedelta(days=430),
        "Bibliotekene skal bli gode møteplasser. Vi vet hva vi vil oppnå: flere besøk, flere arrangementer og "
        "rom som brukes hele dagen.\n\n**Ting tar tid** – planen har romslige frister.",
        "Tre kommuner i Troms fornyer bibliotekrommene sine sammen med fylkesbiblioteket.",
        case_number=ROOM_CASE_NUMBER,  # its agreements are sealed (demo.agreements): the archive files them here
    )
    if not room.case_number:  # a demo loaded before there were case numbers
        services.update_project(project=room, by=staff, case_number=ROOM_CASE_NUMBER)
    if created:
        _set_status(room, Project.Status.ACTIVE)
        visits = services.save_goal(project=room, by=staff, text="Flere besøk i bibliotekene")
        indicator = services.save_indicator(
            project=room, goal=visits, by=staff, name="Besøk per uke", unit="besøk", baseline=420, target=600
        )
        services.record_measurement(indicator=indicator, by=staff, value=465, measured_on=today - timedelta(days=30))
        events = services.save_goal(project=room, by=staff, text="Rommet brukes til arrangementer og samarbeid")
        services.save_indicator(
            project=room, goal=events, by=staff, name="Arrangementer per måned", baseline=2, target=6
        )
        for text in [
            "Delta på alle verksteder",
            "Logg fremdrift hver måned",
            "Teknisk avdeling deltar på oppstartsmøtet",
            "Rådmann og ordfører deltar på oppstartsmøtet",
        ]:
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
        services.change_participant_status(
            participant=lavangen,
            to=Participant.Status.WITHDRAWN,
            by=staff,
            reason="Biblioteksjefen sluttet, og kommunen har ikke kapasitet nå.",
        )
        services.update_participant(participant=malselv, by=staff, library=malselv.library, mentor=tromso.municipality)
        requirement = room.requirements.first()
        services.record_compliance(
            participant=tromso,
            requirement=requirement,
            by=staff,
            compliance="met",
            note="Deltok på begge verkstedene i vår.",
        )
        university, _ = Organisation.objects.get_or_create(
            county=county,
            name="UiT Norges arktiske universitet",
            defaults={"kind": Organisation.Kind.UNIVERSITY, "website": "https://uit.no"},
        )
        services.attach_partner(
            project=room, organisation=university, role="Fagmiljø for brukerundersøkelser (Dok-vit)", by=staff
        )
        archive, _ = Organisation.objects.get_or_create(
            county=county, name="Tromsø bibliotek og byarkiv", defaults={"kind": Organisation.Kind.ARCHIVE}
        )
        services.attach_partner(
            project=room, organisation=archive, role="Vertsbibliotek som trekker de små med", by=staff
        )
        assignment = services.attach_expert(
            project=room, user=expert, role="Interiørarkitekt for bibliotekrom", by=staff
        )
        for item in assignment.briefing.all()[:2]:
            services.set_briefed(item=item, by=staff, done=True)
        services.add_expert_note(
            assignment=assignment,
            by=staff,
            happened_on=today - timedelta(days=14),
            text="Gikk gjennom romplanene for Tromsø og Harstad. Neste: Målselv.",
        )

    weeding, created = _project(
        county,
        staff,
        WEEDING_PROJECT,
        Theme.Code.WEEDING,
        today - timedelta(days=60),
        today + timedelta(days=300),
        "Mer fokus på kassering og samlingsutvikling: bibliotekene lager en plan og rydder samlingen.",
    )
    if created:
        _set_status(weeding, Project.Status.PLANNING)
        services.save_goal(project=weeding, by=staff, text="En oppdatert samlingsplan i hver kommune")
        weeding_participants = services.invite_participants(
            project=weeding, municipalities=numbers("5544", "5542", "5546"), by=staff
        )
        KitUse.objects.create(project=weeding, kit=weeding_kit)
        planning_services.set_required_positions(
            project=weeding, positions=planning_services.default_positions(weeding.theme), by=staff
        )
        # One shortfall for the reality check: the county's hours are mostly taken by the room project.
        planning_services.set_capacity_needs(
            project=weeding, by=staff, county_hours_per_month=15, participant_hours_per_month=6
        )
        kits.plan_milestones(project=weeding, participants=weeding_participants)

    if not Project.objects.filter(county=county, title=BLI_NY_PROJECT).exists():
        successor = services.create_bli_ny(
            project=room,
            by=staff,
            title=BLI_NY_PROJECT,
            start_on=today + timedelta(days=440),
            end_on=today + timedelta(days=620),
        )
        services.update_project(
            project=successor,
            by=staff,
            purpose="Et lite og overkommelig prosjekt: siste sjanse til å gjennomføre endringene som var planlagt.",
        )
    seed_followup(room, staff)
    return {"room": room, "weeding": weeding}


def _plan_room_project(room, kit, staff, participants):
    """The room project follows the room kit: its plan, positions, hours and budgets."""
    tromso, harstad, malselv, kafjord, lavangen = participants
    KitUse.objects.create(project=room, kit=kit)
    room.required_positions.set(kit.required_positions.all())
    room.handbook_pages.set(kit.handbook_pages.all())
    planning_services.set_capacity_needs(
        project=room, by=staff, county_hours_per_month=20, participant_hours_per_month=8
    )
    planning_services.declare_staff_capacity(county=room.county, user=staff, hours_per_month=30)
    for participant, hours in [(tromso, 12), (harstad, 10), (malselv, 4)]:
        planning_services.declare_municipality_capacity(
            municipality=participant.municipality, hours_per_month=hours, by=staff
        )
    kits.plan_milestones(project=room, participants=participants[:4])
    money = Decimal
    # Tromsø: local share met, part of the grant released.
    planning_services.save_budget(
        participant=tromso,
        by=staff,
        county_grant=money("150000"),
        required_local_share=money("40"),
        local_cash=money("90000"),
        local_inkind_hours=money("40"),
        hourly_rate=money("500"),
    )
    planning_services.release_grant(participant=tromso, amount=money("100000"), by=staff, note="Første utbetaling")
    # Harstad: everything released and spent; closed with final accounts.
    planning_services.save_budget(
        participant=harstad,
        by=staff,
        county_grant=money("80000"),
        required_local_share=money("40"),
        local_cash=money("60000"),
        local_inkind_hours=money("0"),
        hourly_rate=money("500"),
    )
    planning_services.release_grant(participant=harstad, amount=money("80000"), by=staff)
    planning_services.close_grant(
        participant=harstad, spent_county=money("72000"), spent_local=money("64000"), by=staff
    )
    # Målselv: below the required local share, so nothing can be released yet.
    planning_services.save_budget(
        participant=malselv,
        by=staff,
        county_grant=money("100000"),
        required_local_share=money("40"),
        local_cash=money("30000"),
        local_inkind_hours=money("20"),
        hourly_rate=money("500"),
    )


def seed_followup(room: Project, staff) -> None:
    """Progress, visits and meetings in the room project, so the follow-up dashboard shows
    Tromsø green, Harstad yellow (one late milestone, quiet for 50 days) and Målselv red
    (nothing done, never visited, nobody in the required positions, and no library head to
    remind: a gap); a councillor taken off a coming meeting's list. Runs once."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from followup import health
    from followup.models import (
        EscalationStep,
        Meeting,
        MeetingInvitee,
        MeetingObjective,
        Milestone,
        ProgressEntry,
        Visit,
    )
    from municipalities.models import Contact, Position

    if room.meetings.exists():
        return
    today = timezone.localdate()
    oslo = ZoneInfo("Europe/Oslo")
    at = lambda day, hour=10: datetime.combine(day, time(hour), tzinfo=oslo)  # noqa: E731
    participants = {p.municipality.number: p for p in room.participants.select_related("municipality")}
    tromso, harstad = participants["5501"], participants["5503"]
    heads = {
        number: User.objects.filter(email=f"biblioteksjef.{name}@demo.fremdrift.no").first()
        for number, name in (("5501", "tromso"), ("5503", "harstad"))
    }
    past = Milestone.objects.filter(project=room, planned_on__lt=today)
    # The project's own past steps (the workshops) were held on the day: the demo's late milestones are
    # Harstad's weeding and Målselv's plan, nothing the story does not tell.
    past.filter(participant__isnull=True).update(status=Milestone.Status.DONE, completed_on=F("planned_on"))

    # Tromsø: everything due is done, one step slipped three weeks; a steady progress log.
    for milestone in past.filter(participant=tromso):
        slipped = milestone.name.startswith("Kostnadsoverslag")
        done_on = milestone.planned_on + timedelta(days=21 if slipped else 3)
        Milestone.objects.filter(pk=milestone.pk).update(
            status=Milestone.Status.DONE,
            completed_on=min(done_on, today),
            planned_on=milestone.planned_on + timedelta(days=21) if slipped else milestone.planned_on,
        )
        ProgressEntry.objects.create(
            project=room,
            participant=tromso,
            milestone=milestone,
            status=Milestone.Status.DONE,
            written_by=heads["5501"],
            text=f"{milestone.name}: ferdig.",
            written_at=at(min(done_on, today - timedelta(days=5)), 14),
        )
    building = Milestone.objects.filter(participant=tromso, name__startswith="Ombygging").first()
    if building:
        Milestone.objects.filter(pk=building.pk).update(status=Milestone.Status.IN_PROGRESS)
        ProgressEntry.objects.create(
            project=room,
            participant=tromso,
            milestone=building,
            status=Milestone.Status.IN_PROGRESS,
            written_by=heads["5501"],
            written_at=at(today - timedelta(days=5), 15),
            text="Snekkeren er i gang. Hyllene i barneavdelingen er montert.",
        )

    # Harstad: all done but the weeding, which is a month late; the last entry is 50 days old.
    for milestone in past.filter(participant=harstad):
        if milestone.name.startswith("Kassering"):
            continue
        Milestone.objects.filter(pk=milestone.pk).update(
            status=Milestone.Status.DONE, completed_on=milestone.planned_on + timedelta(days=6)
        )
    last = past.filter(participant=harstad, status=Milestone.Status.DONE).order_by("-planned_on").first()
    if last:
        ProgressEntry.objects.create(
            project=room,
            participant=harstad,
            milestone=last,
            status=Milestone.Status.DONE,
            written_by=heads["5503"],
            written_at=at(today - timedelta(days=50), 9),
            text="Inventaret er bestilt. Vi venter på leveransen før vi rydder.",
        )
    weeding = past.filter(participant=harstad, name__startswith="Kassering").first()
    if weeding:
        days = (today - weeding.planned_on).days
        EscalationStep.objects.create(
            participant=harstad,
            milestone=weeding,
            step=EscalationStep.Step.REMINDER,
            due_on=weeding.planned_on,
            overdue_days=7,
            recipients="biblioteksjef.harstad@demo.fremdrift.no",
            subject=f"Påminnelse: «{weeding.name}» er 7 dager forsinket",
            created_at=at(weeding.planned_on + timedelta(days=7), 7),
        )
        if days >= 21:
            EscalationStep.objects.create(
                participant=harstad,
                milestone=weeding,
                step=EscalationStep.Step.ALERT,
                due_on=weeding.planned_on,
                overdue_days=21,
                recipients=staff.email,
                subject=f"Varsel: Harstad er 21 dager forsinket med «{weeding.name}»",
                created_at=at(weeding.planned_on + timedelta(days=21), 7),
            )

    # Visits: Tromsø recently, Harstad two months ago and again soon.
    for participant, day, status, purpose, notes, points in [
        (
            tromso,
            today - timedelta(days=20),
            Visit.Status.DONE,
            "Befaring før ombyggingen",
            "Gikk gjennom romplanen med biblioteksjef og teknisk avdeling.",
            "Bestille ekstra strømuttak\nAvklare åpningsdato",
        ),
        (harstad, today - timedelta(days=60), Visit.Status.DONE, "Oppfølging av romplanen", "Planen er godkjent.", ""),
        (harstad, today + timedelta(days=10), Visit.Status.PLANNED, "Hjelp med kassering", "", ""),
        (tromso, today + timedelta(days=40), Visit.Status.PLANNED, "Forberede åpningen", "", ""),
    ]:
        visit = Visit.objects.create(
            participant=participant,
            planned_on=day,
            status=status,
            purpose=purpose,
            notes=notes,
            follow_up_points=points,
            created_by=staff,
        )
        visit.visitors.set([staff])

    # Meetings: the start-up (chief executive and mayor of Tromsø came together), a workshop, two to come.
    contacts = list(
        Contact.objects.filter(municipality__in=[tromso.municipality, harstad.municipality]).select_related("position")
    )
    start = room.start_on
    rows = [
        (
            "Oppstartsmøte",
            Meeting.Kind.STARTUP,
            start + timedelta(days=14),
            Meeting.Status.HELD,
            "Tromsø rådhus",
            "",
            [("Alle vet hva prosjektet skal oppnå", "achieved"), ("Roller og ansvar er avklart", "partly")],
        ),
        (
            "Verksted 1: Hva skal rommet brukes til?",
            Meeting.Kind.WORKSHOP,
            start + timedelta(days=60),
            Meeting.Status.HELD,
            "Harstad bibliotek",
            "",
            [("Hver kommune har tre mål for rommet", "achieved")],
        ),
        (
            "Verksted 3: Åpning og bruk av rommet",
            Meeting.Kind.WORKSHOP,
            today + timedelta(days=20),
            Meeting.Status.SCHEDULED,
            "Tromsø bibliotek og byarkiv",
            "",
            [("En plan for åpningen i hver kommune", ""), ("Ideer til arrangementer", "")],
        ),
        (
            "Digitalt statusmøte",
            Meeting.Kind.DIGITAL,
            today + timedelta(days=35),
            Meeting.Status.SCHEDULED,
            "",
            "https://møte.example/bibliotekrom",
            [("Status for hver kommune", "")],
        ),
    ]
    for title, kind, day, status, place, link, objectives in rows:
        meeting = Meeting.objects.create(
            project=room,
            kind=kind,
            title=title,
            starts_at=at(day),
            ends_at=at(day, 14),
            place=place,
            video_link=link,
            status=status,
            created_by=staff,
            agenda="1. Velkommen\n2. Status fra hver kommune\n3. Veien videre",
            notes="Godt oppmøte og gode diskusjoner." if status == Meeting.Status.HELD else "",
        )
        MeetingObjective.objects.bulk_create(
            [
                MeetingObjective(meeting=meeting, text=text, outcome=outcome, order=n)
                for n, (text, outcome) in enumerate(objectives)
            ]
        )
        held = status == Meeting.Status.HELD
        MeetingInvitee.objects.bulk_create(
            [
                MeetingInvitee(
                    meeting=meeting,
                    contact=c,
                    user=c.user,
                    municipality=c.municipality,
                    position_code=c.position.code,
                    name=c.name,
                    email=c.email,
                    attended=(c.position.code != Position.Code.COUNCILLOR) if held else None,
                )
                for c in contacts
                if c.position.code != Position.Code.OTHER
            ]
        )

    # A councillor taken off the list of the coming workshop, through the real service: they get a
    # CANCEL naming only them ("Du er tatt av invitasjonslisten"), the others stay invited.
    from followup.services.meetings import set_invitees

    workshop = room.meetings.get(title__startswith="Verksted 3")
    kept = [i.contact for i in workshop.invitees.select_related("contact__position") if i.name != "Terje Lund"]
    set_invitees(meeting=workshop, by=staff, contacts=kept)

    # Målselv said yes but has no library head with a login: the ladder's reminder about its most
    # overdue milestone had nobody to go to, a gap the dashboard shows county staff.
    malselv = participants.get("5524")
    most_late = (
        Milestone.objects.filter(
            participant=malselv, status__in=Milestone.OPEN, planned_on__lte=today - timedelta(days=7)
        )
        .order_by("planned_on", "pk")
        .first()
    )
    if most_late is not None:
        EscalationStep.objects.create(
            participant=malselv,
            milestone=most_late,
            step=EscalationStep.Step.REMINDER,
            status=EscalationStep.Status.NO_RECIPIENT,
            due_on=most_late.planned_on,
            overdue_days=7,
            recipients="",
            created_at=at(most_late.planned_on + timedelta(days=7), 7),
        )
    health.recompute_project(room)
