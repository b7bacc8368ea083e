"""Synthetic projects for benchmarks: projects over five years, their participants, goals and requirements."""

from datetime import date, timedelta

from accounts.models import Membership
from municipalities.models import Municipality, Theme

from .models import Goal, Indicator, Participant, Project, Requirement

STATUSES = [Project.Status.CLOSED] * 5 + [Project.Status.ACTIVE] * 3 + [Project.Status.PLANNING, Project.Status.IDEA, Project.Status.CLOSING]


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

    from .models import Budget, GrantRelease, Milestone, StaffCapacity
    from .standard_kits import install_standard_kits

    rng = ctx.rng
    for county in ctx.counties:
        install_standard_kits(county)
    StaffCapacity.objects.bulk_create(
        [StaffCapacity(county_id=m.county_id, user_id=m.user_id, hours_per_month=rng.choice([10, 20, 30, 40]))
         for m in Membership.objects.filter(role__in=[Membership.Role.COUNTY_STAFF, Membership.Role.COUNTY_ADMIN])],
        ignore_conflicts=True,
    )
    participants = list(Participant.objects.filter(project__in=projects).select_related("project"))
    budgets = []
    for participant in participants:
        grant = Decimal(rng.randrange(20000, 300000, 5000))
        budgets.append(Budget(participant=participant, county_grant=grant, required_local_share=Decimal("40"),
                              local_cash=(grant * Decimal(rng.choice([0.3, 0.6, 0.7, 1.0]))).quantize(Decimal("1")),
                              hourly_rate=Decimal("500")))
    Budget.objects.bulk_create(budgets, batch_size=2000)
    GrantRelease.objects.bulk_create(
        [GrantRelease(budget=b, amount=(b.county_grant / 2).quantize(Decimal("1")), released_on=b.participant.project.start_on)
         for b in budgets if b.meets_required_share and rng.random() < 0.6],
        batch_size=2000,
    )
    milestones = []
    names = ["Oppstartsmøte", "Kartlegging", "Verksted", "Plan vedtatt", "Gjennomføring", "Åpning", "Sluttrapport"]
    for participant in participants:
        for n, name in enumerate(names[: ctx.size.milestones_per_participant]):
            planned = participant.project.start_on + timedelta(days=30 + 60 * n)
            milestones.append(Milestone(project_id=participant.project_id, participant=participant, name=name,
                                        planned_on=planned, original_planned_on=planned, order=n))
    Milestone.objects.bulk_create(milestones, batch_size=5000)
