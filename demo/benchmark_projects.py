"""Synthetic projects for benchmarks: projects over five years, their participants, goals and requirements."""

from datetime import date, timedelta

from accounts.models import Membership
from municipalities.models import Municipality, Theme
from projects.models import Goal, Indicator, Participant, Project, Requirement

STATUSES = (
    [Project.Status.CLOSED] * 5
    + [Project.Status.ACTIVE] * 3
    + [Project.Status.PLANNING, Project.Status.IDEA, Project.Status.CLOSING]
)


def generate(ctx) -> None:
    rng, size = ctx.rng, ctx.size
    if not size.projects:
        return
    themes = {}
    for theme in Theme.objects.all():
        themes.setdefault(theme.county_id, []).append(theme)
    staff = {}
    for membership in Membership.objects.filter(role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN]):
        staff.setdefault(membership.county_id, []).append(membership.user_id)
    by_county = {}
    for municipality in Municipality.objects.all():
        by_county.setdefault(municipality.county_id, []).append(municipality)
    counties = [c for c in ctx.counties if by_county.get(c.pk)]
    first = date.today().replace(month=1, day=1) - timedelta(days=5 * 365)
    projects = []
    for i in range(size.projects):
        county = counties[i % len(counties)]
        start = first + timedelta(days=rng.randint(0, 5 * 365 - 200))
        projects.append(
            Project(
                county=county,
                title=f"Prosjekt {i + 1}: {rng.choice(['Bibliotekrom', 'Leselyst', 'Kassering', 'Digitalt', 'Møteplass'])}",
                theme=rng.choice(themes[county.pk]),
                purpose="Et syntetisk prosjekt for ytelsesmåling.",
                start_on=start,
                end_on=start + timedelta(days=rng.randint(120, 900)),
                status=rng.choice(STATUSES),
            )
        )
    Project.objects.bulk_create(projects, batch_size=1000)
    leaders = Project.leaders.through
    leaders.objects.bulk_create(
        [leaders(project_id=p.pk, user_id=rng.choice(staff[p.county_id])) for p in projects if staff.get(p.county_id)],
        batch_size=2000,
    )
    per_project = max(1, -(-size.participants // size.projects))  # rounded up; the list is cut to size below
    participants, goals, requirements = [], [], []
    for project in projects:
        candidates = by_county[project.county_id]
        for municipality in rng.sample(candidates, min(len(candidates), per_project + rng.randint(-1, 1) or 1)):
            participants.append(
                Participant(
                    project=project,
                    municipality=municipality,
                    status=rng.choice(["invited", "committed", "active", "active", "completed", "withdrawn"]),
                    withdrawal_reason="Kapasitet",
                )
            )
        goals += [Goal(project=project, text=f"Mål {n + 1} for {project.title}", order=n) for n in range(2)]
        requirements += [Requirement(project=project, text=f"Krav {n + 1}", order=n) for n in range(3)]
    for participant in participants:
        if participant.status != "withdrawn":
            participant.withdrawal_reason = ""
    Participant.objects.bulk_create(participants[: size.participants], batch_size=2000)
    Goal.objects.bulk_create(goals, batch_size=2000)
    Requirement.objects.bulk_create(requirements, batch_size=2000)
    Indicator.objects.bulk_create(
        [Indicator(project_id=g.project_id, goal=g, name="Besøk per uke", baseline=100, target=150) for g in goals],
        batch_size=2000,
    )
    _generate_planning(ctx, projects)
    ctx.projects = projects


def _generate_planning(ctx, projects) -> None:
    """Kits and handbook pages per county, declared hours, budgets with releases, kit milestones."""
    from datetime import timedelta
    from decimal import Decimal

    from followup.models import Milestone
    from planning.models import Budget, GrantRelease, StaffCapacity
    from planning.standard_kits import install_standard_kits

    rng = ctx.rng
    for county in ctx.counties:
        install_standard_kits(county)
    StaffCapacity.objects.bulk_create(
        [
            StaffCapacity(county_id=m.county_id, user_id=m.user_id, hours_per_month=rng.choice([10, 20, 30, 40]))
            for m in Membership.objects.filter(role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN])
        ],
        ignore_conflicts=True,
    )
    participants = list(Participant.objects.filter(project__in=projects).select_related("project"))
    budgets = []
    for participant in participants:
        grant = Decimal(rng.randrange(20000, 300000, 5000))
        budgets.append(
            Budget(
                participant=participant,
                county_grant=grant,
                required_local_share=Decimal("40"),
                local_cash=(grant * Decimal(rng.choice([0.3, 0.6, 0.7, 1.0]))).quantize(Decimal("1")),
                hourly_rate=Decimal("500"),
            )
        )
    Budget.objects.bulk_create(budgets, batch_size=2000)
    GrantRelease.objects.bulk_create(
        [
            GrantRelease(
                budget=b, amount=(b.county_grant / 2).quantize(Decimal("1")), released_on=b.participant.project.start_on
            )
            for b in budgets
            if b.meets_required_share and rng.random() < 0.6
        ],
        batch_size=2000,
    )
    milestones = []
    names = ["Oppstartsmøte", "Kartlegging", "Verksted", "Plan vedtatt", "Gjennomføring", "Åpning", "Sluttrapport"]
    for participant in participants:
        for n, name in enumerate(names[: ctx.size.milestones_per_participant]):
            planned = participant.project.start_on + timedelta(days=30 + 60 * n)
            milestones.append(
                Milestone(
                    project_id=participant.project_id,
                    participant=participant,
                    name=name,
                    planned_on=planned,
                    original_planned_on=planned,
                    order=n,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=5000)


def generate_followup(ctx) -> None:
    """Follow-up at scale: progress entries on the milestones, visits, meetings with objectives
    and invitees (attendance for the held ones), then everyone's health. Bulk, in chunks."""
    from collections import defaultdict
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from followup.health import recompute_all
    from followup.models import Meeting, MeetingInvitee, MeetingObjective, Milestone, ProgressEntry, Visit
    from municipalities.models import Contact

    rng, size = ctx.rng, ctx.size
    projects = getattr(ctx, "projects", None)
    if not projects or not (size.progress_entries or size.visits or size.meetings):
        return
    oslo = ZoneInfo("Europe/Oslo")
    today = date.today()
    by_id = {p.pk: p for p in projects}
    milestones = list(
        Milestone.objects.filter(project_id__in=by_id, participant__isnull=False).values_list(
            "id", "project_id", "participant_id", "planned_on"
        )
    )
    participants = list(
        Participant.objects.filter(project_id__in=by_id)
        .exclude(status="withdrawn")
        .values_list("id", "project_id", "municipality_id")
    )
    staff = defaultdict(list)
    for membership in Membership.objects.filter(role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN]):
        staff[membership.county_id].append(membership.user_id)
    texts = [
        "Møte med teknisk avdeling.",
        "Kartleggingen er ferdig.",
        "Vi venter på tilbud.",
        "Verkstedet gikk bra.",
        "Hyllene er montert.",
        "Rådmannen har godkjent planen.",
        "Kassering pågår.",
    ]

    def moment(day):
        return datetime.combine(min(day, today), time(rng.randint(8, 15), rng.choice([0, 15, 30, 45])), tzinfo=oslo)

    for chunk_start in range(0, size.progress_entries if milestones else 0, 10000):
        entries = []
        for _ in range(min(10000, size.progress_entries - chunk_start)):
            milestone_id, project_id, participant_id, planned_on = rng.choice(milestones)
            entries.append(
                ProgressEntry(
                    project_id=project_id,
                    participant_id=participant_id,
                    milestone_id=milestone_id,
                    status=rng.choice(["in_progress", "in_progress", "done", "not_started"]),
                    text=rng.choice(texts),
                    written_at=moment(planned_on - timedelta(days=rng.randint(0, 60))),
                )
            )
        ProgressEntry.objects.bulk_create(entries, batch_size=5000)

    visits = []
    for _ in range(size.visits if participants else 0):
        participant_id, project_id, _municipality = rng.choice(participants)
        project = by_id[project_id]
        day = project.start_on + timedelta(days=rng.randint(0, max(1, (project.end_on - project.start_on).days)))
        visits.append(
            Visit(
                participant_id=participant_id,
                planned_on=day,
                purpose="Oppfølgingsbesøk",
                status=Visit.Status.DONE if day <= today else Visit.Status.PLANNED,
            )
        )
    Visit.objects.bulk_create(visits, batch_size=5000)
    through = Visit.visitors.through
    visit_county = {p.pk: p.county_id for p in projects}
    participant_project = {pk: project_id for pk, project_id, _m in participants}
    through.objects.bulk_create(
        [
            through(visit_id=v.pk, user_id=rng.choice(staff[visit_county[participant_project[v.participant_id]]]))
            for v in visits
            if staff.get(visit_county[participant_project[v.participant_id]])
        ],
        batch_size=5000,
    )

    contacts = defaultdict(list)
    for contact in Contact.objects.filter(municipality__isnull=False).values(
        "id", "municipality_id", "name", "email", "position__code"
    ):
        contacts[contact["municipality_id"]].append(contact)
    municipalities = defaultdict(list)
    for _pk, project_id, municipality_id in participants:
        municipalities[project_id].append(municipality_id)
    kinds = [k for k, _label in Meeting.Kind.choices]
    for chunk_start in range(0, size.meetings, 5000):
        meetings = []
        for _ in range(min(5000, size.meetings - chunk_start)):
            project = rng.choice(projects)
            day = project.start_on + timedelta(days=rng.randint(0, max(1, (project.end_on - project.start_on).days)))
            starts = datetime.combine(day, time(rng.choice([9, 10, 12, 13])), tzinfo=oslo)
            status = (
                Meeting.Status.HELD if day < today else rng.choice([Meeting.Status.SCHEDULED, Meeting.Status.DRAFT])
            )
            kind = rng.choice(kinds)
            meetings.append(
                Meeting(
                    project=project,
                    kind=kind,
                    title=f"{Meeting.Kind(kind).label} {day:%d.%m.%Y}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    status=status,
                    place="" if kind == "digital" else "Biblioteket",
                    video_link="https://video.example/mote" if kind == "digital" else "",
                )
            )
        Meeting.objects.bulk_create(meetings, batch_size=2500)
        objectives, invitees = [], []
        for meeting in meetings:
            held = meeting.status == Meeting.Status.HELD
            for n in range(rng.randint(1, 3)):
                objectives.append(
                    MeetingObjective(
                        meeting=meeting,
                        text=f"Mål {n + 1}",
                        order=n,
                        outcome=rng.choice(["achieved", "partly", "not"]) if held else "",
                    )
                )
            for municipality_id in municipalities.get(meeting.project_id, [])[:4]:
                for contact in contacts.get(municipality_id, [])[:2]:
                    invitees.append(
                        MeetingInvitee(
                            meeting=meeting,
                            contact_id=contact["id"],
                            municipality_id=municipality_id,
                            position_code=contact["position__code"],
                            name=contact["name"],
                            email=contact["email"],
                            attended=rng.random() < 0.8 if held else None,
                        )
                    )
        MeetingObjective.objects.bulk_create(objectives, batch_size=5000)
        MeetingInvitee.objects.bulk_create(invitees, batch_size=5000)
    _ladder_history(list(by_id), today)
    recompute_all()


def _ladder_history(project_ids, today) -> None:
    """The escalation ladder as the daily reminder job has left it by yesterday, so that the job's
    benchmark measures an ordinary day rather than a first run over years of late milestones."""
    from django.utils import timezone

    from followup.models import EscalationStep, Milestone
    from followup.services.escalation import ladder

    yesterday = today - timedelta(days=1)
    late = Milestone.objects.filter(
        project_id__in=project_ids,
        project__status=Project.Status.ACTIVE,
        participant__isnull=False,
        participant__status__in=Participant.FOLLOWED_UP,
        status__in=Milestone.OPEN,
        planned_on__lt=yesterday,
    ).select_related("project__county")
    now, steps = timezone.now(), []
    for milestone in late.iterator(chunk_size=5000):
        days = (yesterday - milestone.planned_on).days
        for step, threshold in ladder(milestone.project).items():
            if threshold and days >= threshold:
                steps.append(
                    EscalationStep(
                        participant_id=milestone.participant_id,
                        milestone=milestone,
                        step=step,
                        due_on=milestone.planned_on,
                        overdue_days=threshold,
                        status=EscalationStep.Status.SENT,
                        created_at=now - timedelta(days=days - threshold + 1),
                    )
                )
    EscalationStep.objects.bulk_create(steps, batch_size=5000)
