"""Query budgets of the key pages: the same count at two data sizes, and at most 15 queries (the dashboard 20).
A start page reads each of its to-do sources that has rows, and skips the empty ones: its count, less what
its to-do list reads (at most two queries per source), is the same at both sizes.

The demo is loaded and every key page (bench/keypages.py, the same list the page benchmark
times) is counted; then `generate_benchmark_data --scale county` adds a second county and
hundreds of projects, participants, milestones, progress entries, visits, meetings,
evaluation rounds, agreements and infobrev (half of them in the demo's county), and every
page is counted again. All of it happens in one transaction that is rolled back at the end.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from shell.freshness import data_changed
from todo import selectors as todo_selectors

# The marker makes pytest-django set up the test database; the counts come from one module-wide run.
# One xdist group: the demo and the benchmark data (`counts`) are built once, in one process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query_budgets")]
BUDGET = 15
# The follow-up dashboard also reads, for the 25 rows on its page, the facts health is made of (last
# visit, last progress entry, late milestones, agreements, positions: one query each, whatever the data)
# and the reminder gaps.
BUDGETS = {"follow-up dashboard": 20}


def _count(client: Client, path: str) -> int:
    client.get(path)  # the first request fills per-process caches (content types, translations)
    data_changed()  # what the start pages keep in the shared cache is counted as it is made, not as it is kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    return len(queries)


def _todo_reads(user) -> int:
    """The queries the user's to-do list makes beyond its one count: the reads of the sources that have
    rows (none for an empty source, none for a source shown as one line, two for one with a prefetch).
    However much data there is, never more than two per source."""
    user = User.objects.get(pk=user.pk)
    sources = todo_selectors.sources_for(user, today=timezone.localdate())  # reads the memberships (`access`)
    with CaptureQueriesContext(connection) as queries:
        todo_selectors.todo_list(user)
    reads = len(queries) - 1  # the count
    assert 0 <= reads <= 2 * len(sources), f"the to-do list of {user.email} reads {reads} times"
    return reads


def _measure() -> dict[str, tuple[str, int, int]]:
    """{page: (path, queries, of which reading to-do sources)}."""
    from bench.keypages import pages

    clients = {}
    counts = {}
    for name, email, path in pages():
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
        todo = _todo_reads(User.objects.get(email=email)) if path == "/" else 0
        counts[name] = (path, _count(clients[email], path), todo)
    return counts


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", "--i-know-this-is-demo", stdout=open("/dev/null", "w"))
            small = _measure()
            call_command("generate_benchmark_data", "--scale", "county", stdout=open("/dev/null", "w"))
            large = _measure()
            transaction.set_rollback(True)
    return small, large


def _page_names():
    return [
        "county start page",
        "follow-up dashboard",
        "project list",
        "project page",
        "municipality page",
        "agreement page",
        "lessons log",
        "reports archive",
        "my milestones (library head)",
        "library head start page",
        "county page",
    ]


@pytest.mark.parametrize("page", _page_names())
def test_key_page_query_count_is_flat_and_within_budget(counts, page):
    small, large = counts
    path, before, todo_before = small[page]
    _path, after, todo_after = large[page]
    assert after - todo_after == before - todo_before, (
        f"{page} ({path}): {before} queries with the demo ({todo_before} reading to-do sources), "
        f"{after} with more data ({todo_after})"
    )
    budget = BUDGETS.get(page, BUDGET)
    assert after <= budget, f"{page} ({path}): {after} queries, the budget is {budget}"


def test_the_list_of_key_pages_is_the_benchmarks(counts):
    assert sorted(counts[0]) == sorted(_page_names())
