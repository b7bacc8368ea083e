"""The start page below the menu, and the menu's badge, are kept in the shared cache (shell.start,
shell.freshness): a second visit reads no to-do source. What is kept is the reader's own, in their
language, and any change to what it shows shows at the next visit, however it was written."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from followup.models import Milestone
from notifications.models import OutboxMessage
from projects.models import Participant
from shell.freshness import data_version
from tests.factories import CountyFactory, MunicipalityFactory, make_user
from tests.todo.test_start_pages import badge

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _start(client, **headers) -> tuple[str, int]:
    """(the start page's text below the menu, how many queries the request made)."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("shell:home"), **headers).content.decode()
    return _text(html[html.index("<main") : html.index("</main>")]), len(queries)


def test_the_kept_start_page_is_each_readers_own_in_their_language(client, world):
    head, place = world["head"], world["municipality"].name
    other = MunicipalityFactory(county=world["county"], number="5598", name="Nabovik")
    neighbour = make_user("library_head", municipality=other, email="nabo@example.no", name="Nina Nabo")
    pages = {}
    for user, language in [(head, "nb"), (neighbour, "nb"), (head, "en"), (neighbour, "en")]:
        client.force_login(user)
        first, made = _start(client, HTTP_ACCEPT_LANGUAGE=language)
        again, kept = _start(client, HTTP_ACCEPT_LANGUAGE=language)
        assert again == first
        assert kept < made, f"{user.email} ({language}): {made} queries, then {kept}: the page was not kept"
        pages[user.email, language] = first
    client.force_login(head)
    assert _start(client, HTTP_ACCEPT_LANGUAGE="nb")[0] == pages[head.email, "nb"]  # back to bokmål
    mine, theirs = pages[head.email, "nb"], pages[neighbour.email, "nb"]
    assert f"Velkommen, {head.get_short_name()}" in mine and f"{place} – Biblioteksjef" in mine
    assert "Logg fremdrift: Oppstartsmøte" in mine
    assert f"Velkommen, {neighbour.get_short_name()}" in theirs and "Nabovik – Biblioteksjef" in theirs
    assert place not in theirs and "Logg fremdrift" not in theirs and "Ingenting venter på deg." in theirs
    mine_en, theirs_en = pages[head.email, "en"], pages[neighbour.email, "en"]
    assert f"Welcome, {head.get_short_name()}" in mine_en and f"{place} – Library head" in mine_en
    assert "Log progress: Oppstartsmøte" in mine_en and "Logg fremdrift" not in mine_en
    assert "Nothing is waiting for you." in theirs_en and place not in theirs_en


def _late_milestone_done(world):
    """A bulk UPDATE (no model signal), as a course correction or a kit's rewrite does."""
    Milestone.objects.filter(
        participant__municipality=world["municipality"], name__startswith="Oppstartsmøte", status__in=Milestone.OPEN
    ).update(status=Milestone.Status.DONE, completed_on=timezone.localdate())


def _failed_mail_resent(world):
    OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).update(status=OutboxMessage.Status.SENT)


def _health_recomputed_green(world):
    Participant.objects.filter(health=Participant.Health.RED).update(health=Participant.Health.GREEN)


def _role_removed(world):
    Membership.objects.filter(user=world["staff"]).delete()


def _raw_sql(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_participant SET health = %s WHERE health = %s",
            [Participant.Health.GREEN, Participant.Health.RED],
        )


@pytest.mark.parametrize(
    "role, change, before, after",
    [
        ("head", _late_milestone_done, "Logg fremdrift: Oppstartsmøte", None),
        ("staff", _failed_mail_resent, "1 e-post kunne ikke sendes", None),
        ("staff", _health_recomputed_green, "Rød helse: Gáivuotna", None),
        ("staff", _raw_sql, "Rød helse: Gáivuotna", None),
        ("staff", _role_removed, "Ingen kan nås i Gáivuotna", "Du har ingen rolle i noe fylke eller noen kommune ennå"),
    ],
    ids=["milestone done", "e-mail resent", "health recomputed", "raw SQL", "role removed"],
)
def test_a_change_shows_at_the_next_visit_however_it_was_written(client, world, role, change, before, after):
    client.force_login(world[role])
    text, _queries = _start(client)
    count = badge(client)
    assert before in text and _start(client)[0] == text  # kept
    change(world)
    now, _queries = _start(client)
    assert before not in now
    if after:
        assert after in now
    assert badge(client) != count


@pytest.mark.django_db(transaction=True)
def test_the_number_moves_with_a_write_and_again_when_it_commits():
    start = data_version()
    with transaction.atomic():
        CountyFactory()
        during = data_version()  # the same request reads anew what it has just changed
        assert during > start
        CountyFactory()
        assert data_version() == during + 1  # read, then written again: it moves again
    assert data_version() == during + 2  # what another request kept before the commit is not read again
    before = data_version()
    CountyFactory()  # outside a transaction: each statement commits
    assert data_version() > before


def test_sessions_and_logins_do_not_move_the_number(client, world):
    client.force_login(world["head"])  # writes the session and last_login
    start = data_version()
    client.force_login(world["staff"])
    client.logout()
    assert data_version() == start
