"""The start page's to-do list ("Dine oppgaver"): per role what this person must do, each with its
deadline and a link to the form that does it, most urgent first, and the menu's count of it.

Every kind of task is asked of the app that knows it (a `shell.start.TaskSource` from its selectors);
this module only says which role gets which. The counts of all sources come in one query (the menu
badge's, and the start page's totals); the start page then reads each source that has rows once. So
the number of queries depends on the user's roles and counties (at most one per source), never on how
much data there is.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.selectors import invitation_source, no_two_factor_source
from agreements.selectors import newly_sealed_source, signing_source, stuck_source
from evaluations.selectors import answer_source, closing_round_source, expert_answer_source, ttt_source
from followup.selectors import (
    letter_source,
    meeting_source,
    milestone_source,
    red_participant_source,
    unreachable_source,
)
from municipalities.models import County
from notifications.selectors import failed_source
from projects.selectors import expert_project_source
from reports.selectors import latest_report_source
from shell.freshness import KEPT_SECONDS, data_version
from shell.start import Task, TaskSource, task_order


def library_head_sources(user, municipality_ids, *, today: date) -> list[TaskSource]:
    """Every late and coming milestone, open rounds to answer, TTT values to enter, agreements to sign,
    meetings to attend."""
    return [
        milestone_source(municipality_ids),
        answer_source(municipality_ids, today=today),
        ttt_source(municipality_ids, period="before", today=today),
        ttt_source(municipality_ids, period="after", today=today),
        signing_source(user),
        meeting_source(user),
    ]


def leadership_sources(user, municipality_ids, *, today: date) -> list[TaskSource]:
    """Agreements to sign; newly signed agreements and the latest monthly report (to know, not to do)."""
    return [signing_source(user), newly_sealed_source(municipality_ids), latest_report_source(municipality_ids)]


def expert_sources(user, *, today: date) -> list[TaskSource]:
    """Their projects (what, when, whom to ask), open rounds asked of them, meetings."""
    return [expert_project_source(user), expert_answer_source(user, today=today), meeting_source(user)]


def county_staff_sources(user, county, *, today: date) -> list[TaskSource]:
    """What needs county staff in one county: proposed letters to review, failed e-mails, municipalities
    nobody can be reached at, participants turning red, rounds closing this week, agreements stuck
    unsigned, and their own signatures and meetings."""
    ids = [county.pk]
    return [
        letter_source(ids),
        failed_source(county),
        unreachable_source(ids),
        red_participant_source(ids, county_number=county.number),
        closing_round_source(ids, today=today),
        stuck_source(ids),
        signing_source(user),
        meeting_source(user),
    ]


def county_admin_sources(user, county, *, today: date) -> list[TaskSource]:
    """County staff's, and invitations not accepted and users without two-factor authentication."""
    return county_staff_sources(user, county, today=today) + [invitation_source(county), no_two_factor_source(county)]


def sources_for(user, *, today: date) -> list[TaskSource]:
    """The sources of all the user's roles, each once (a signature source is the same for every role)."""
    access = user.access
    found: dict[str, TaskSource] = {}

    def add(sources):
        for source in sources:
            found.setdefault(source.key, source)

    for pk, number, name in access.staff_county_rows:
        county = County(pk=pk, number=number, name=name)
        if pk in access.admin_county_ids:
            add(county_admin_sources(user, county, today=today))
        else:
            add(county_staff_sources(user, county, today=today))
    if access.head_municipality_ids:
        add(library_head_sources(user, sorted(access.head_municipality_ids), today=today))
    if access.leadership_municipality_ids:
        add(leadership_sources(user, sorted(access.leadership_municipality_ids), today=today))
    if access.expert_county_ids:
        add(expert_sources(user, today=today))
    return list(found.values())


def _count(rows):
    """The number of rows as a scalar subquery (COUNT without GROUP BY: one row whatever the data)."""
    counted = rows.order_by().annotate(_n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
    return Coalesce(Subquery(counted.values("_n")[:1], output_field=IntegerField()), 0)


def count_sources(user, sources) -> dict[str, int]:
    """{source key: how many rows it has}, all in one query."""
    if not sources:
        return {}
    names = {f"n{index}": source.key for index, source in enumerate(sources)}
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(**{name: _count(source.rows) for name, source in zip(names, sources, strict=True)})
        .values(*names)
        .first()
    ) or {}
    return {key: row.get(name, 0) for name, key in names.items()}


def badge_count(sources, totals: dict[str, int]) -> int:
    """What the menu's badge says: every task (a `single` source is one task), news not counted."""
    return sum((1 if totals[s.key] else 0) if s.single else totals[s.key] for s in sources if not s.news)


@dataclass(frozen=True)
class More:
    """ "Vis alle": a source with more tasks than the start page shows."""

    url: str
    label: str
    shown: int
    total: int


@dataclass
class TodoList:
    tasks: list[Task] = field(default_factory=list)
    news: dict[str, list[Task]] = field(default_factory=dict)  # heading: what to know
    more: list[More] = field(default_factory=list)
    count: int = 0  # the badge's number
    today: date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.tasks


def todo_list(user, *, today: date | None = None) -> TodoList:
    """The user's to-do list: tasks of all their roles, most urgent first (late, then what waits now,
    then by deadline); news apart. One query for the counts and one per source that has rows."""
    today = today or timezone.localdate()
    sources = sources_for(user, today=today)
    totals = count_sources(user, sources)
    result = TodoList(today=today, count=badge_count(sources, totals))
    for source in sources:
        total = totals[source.key]
        if not total:  # nothing to read: an empty source costs no query of its own
            tasks = []
        elif source.single:
            tasks = source.tasks([], total)
        else:
            tasks = source.tasks(list(source.listed(source.rows)[: source.limit]), total)
            if total > len(tasks) and source.more_url:
                result.more.append(More(url=source.more_url, label=source.more_label, shown=len(tasks), total=total))
        if source.news:
            if tasks:
                result.news.setdefault(source.news, []).extend(tasks)
        else:
            result.tasks.extend(tasks)
    result.tasks.sort(key=task_order(today))
    return result


def todo_count(user, *, today: date | None = None) -> int:
    """The menu badge's number: one query, made once until the data changes (`shell.freshness`), the day
    does, or `KEPT_SECONDS` pass (the same as the start page's list, which shows the same number)."""
    today = today or timezone.localdate()
    key = f"todo-count:{user.pk}:{today.isoformat()}:{data_version()}"
    count = cache.get(key)
    if count is None:
        sources = sources_for(user, today=today)
        count = badge_count(sources, count_sources(user, sources))
        cache.set(key, count, KEPT_SECONDS)
    return count


def start_page_provider(user, context: dict) -> None:
    """The to-do list on the start page (registered with `shell.start`)."""
    context["todo"] = todo_list(user)
