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
    ctx.projects = projects
