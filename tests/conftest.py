"""Shared fixtures: one county with two municipalities, another county, and one user per role."""

import os
from datetime import date

import pytest

from accounts.models import Membership
from municipalities.models import Theme
from projects import services
from projects.models import Project
from shell.defaults import ensure_default_pages
from shell.models import Page
from tests.factories import CountyFactory, LibraryFactory, MunicipalityFactory, make_superuser, make_user
from tests.smtp import smtp_server  # noqa: F401  (a fixture for every test module)

Role = Membership.Role


def pytest_configure(config):
    """Each test database is made from the models, not by replaying every migration: that saves ~40 s of CPU per
    process (Django re-renders the model states after each of the ~250 operations). What the migrations add
    beyond the tables is put in place by fixtures: the PostgreSQL trigger that protects sealed agreements by
    `django_db_setup` below (with the migration's own SQL), the default pages by `_default_pages`. The
    migrations themselves are replayed by `tests/test_deploy_check.py` (a fresh clone's `migrate`) and kept in
    step with the models by `makemigrations --check` in `.ci/run`."""
    config.option.nomigrations = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as pytest-django makes it, plus, on PostgreSQL, the trigger of
    agreements/migrations/0002_sealed_rows_trigger.py (its SQL, run the way that migration runs it)."""
    from importlib import import_module

    from django.db import connection

    trigger = import_module("agreements.migrations.0002_sealed_rows_trigger")
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(trigger.DROP)
                cursor.execute(trigger.CREATE)
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                superuser = cursor.fetchone()[0]
            if superuser:
                _flush_by_delete()


def _flush_by_delete() -> None:
    """After each transactional test (browser journeys, real workers) pytest-django empties every table with
    Django's flush, on PostgreSQL one TRUNCATE of ~200 tables: 2–5 s each time, since TRUNCATE makes new files
    for every table and index. The tables hold a few hundred rows, so DELETE empties them in milliseconds. With
    `session_replication_role = replica` for that transaction only, neither the foreign keys' triggers nor the
    sealed-agreement trigger run (TRUNCATE fires neither), so the order of the tables does not matter. Needs a
    superuser (CI's `postgres`); otherwise the flush stays Django's."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica;"] + [
            f"DELETE FROM {self.quote_name(table)};" for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests that start a real Celery worker share the broker and run one at a time under xdist:
    each must say so with `xdist_group("worker")` (`--dist loadgroup` sends a group to one process)."""
    missing = [
        item.nodeid
        for item in items
        if item.get_closest_marker("worker")
        and not any(mark.args[:1] == ("worker",) for mark in item.iter_markers("xdist_group"))
    ]
    if missing:
        raise pytest.UsageError(f'Worker tests without @pytest.mark.xdist_group("worker"): {missing}')


def pytest_collection_finish(session):
    """Under `--dist loadgroup` xdist keeps a group together by suffixing its tests' ids with "@group". If a
    pytest release stops honouring that (pytest 9 did), grouped tests would silently run side by side: refuse."""
    if not (hasattr(session.config, "workerinput") and session.config.getvalue("loadgroup")):
        return
    loose = [item.nodeid for item in session.items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if loose:
        raise pytest.UsageError(f"xdist groups do not hold with this pytest (no '@' in {loose[0]}); see pyproject.toml")


def skip_or_fail(reason: str) -> None:
    """Skips a test that needs something absent here; in CI (FREMDRIFT_CI=1) that is a failure."""
    if os.environ.get("FREMDRIFT_CI"):
        pytest.fail(f"{reason} (FREMDRIFT_CI is set, so this may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _mail_through_the_outbox(settings):
    """Django's test setup swaps EMAIL_BACKEND for locmem; Fremdrift's mail must still go
    through the outbox. Delivery (OUTBOX_DELIVERY_BACKEND) is locmem, so mail.outbox
    shows what the sender task delivered."""
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request through the test client leaves the language it
    chose (a Vestland user's nynorsk, an English browser's) active in the thread for whatever test comes next."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _default_pages(request):
    """The migrations make the default pages (privacy notice, accessibility statement); a transactional test's
    flush removes them for whatever test comes next in the process. Each database test finds them in place."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    ensure_default_pages(Page)


@pytest.fixture
def one_rate_window(monkeypatch):
    """Rate limits count in fixed windows of the clock: pin it, so a slow run does not cross into a new window."""
    import types

    import shell.client

    monkeypatch.setattr(shell.client, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0))


@pytest.fixture
def county(db):
    return CountyFactory(number="55", name="Troms")


@pytest.fixture
def other_county(db):
    return CountyFactory(number="56", name="Finnmark")


@pytest.fixture
def municipality(county):
    municipality = MunicipalityFactory(county=county, number="5501", name="Tromsø")
    LibraryFactory(municipality=municipality, name="Tromsø bibliotek og byarkiv")
    return municipality


@pytest.fixture
def other_municipality(county):
    return MunicipalityFactory(county=county, number="5540", name="Gáivuotna - Kåfjord - Kaivuono")


@pytest.fixture
def foreign_municipality(other_county):
    return MunicipalityFactory(county=other_county, number="5601", name="Alta")


@pytest.fixture
def county_admin(county):
    return make_user(Role.COUNTY_ADMIN, county=county, email="admin@example.no", name="Astrid Admin")


@pytest.fixture
def superuser(db):
    """An installation superuser with TOTP (the admin is closed to superusers without it)."""
    return make_superuser(email="root@example.no", name="Rot Superbruker")


@pytest.fixture
def county_staff(county):
    return make_user(Role.COUNTY_STAFF, county=county, email="staff@example.no", name="Fredrik Fylke")


@pytest.fixture
def library_head(municipality):
    return make_user(Role.LIBRARY_HEAD, municipality=municipality, email="head@example.no", name="Ingrid Sjef")


@pytest.fixture
def other_library_head(other_municipality):
    return make_user(Role.LIBRARY_HEAD, municipality=other_municipality, email="head2@example.no", name="Ánde Sjef")


@pytest.fixture
def leadership(municipality):
    return make_user(Role.LEADERSHIP, municipality=municipality, email="radmann@example.no", name="Per Rådmann")


@pytest.fixture
def other_leadership(other_municipality):
    return make_user(
        Role.LEADERSHIP, municipality=other_municipality, email="ordforer2@example.no", name="Áile Ordfører"
    )


@pytest.fixture
def expert(county):
    return make_user(Role.EXPERT, county=county, email="expert@example.no", name="Eirik Ekspert")


@pytest.fixture
def outsider(other_county):
    """County staff of another county."""
    return make_user(Role.COUNTY_STAFF, county=other_county, email="outsider@example.no", name="Olga Utenfor")


@pytest.fixture
def deactivated(county):
    user = make_user(Role.COUNTY_STAFF, county=county, email="gone@example.no", name="Gunnar Borte")
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def project_page_html(client, project) -> str:
    """The project page as a reader sees it once loaded: the page plus the parts htmx loads after it."""
    import re

    html = client.get(project.get_absolute_url()).content.decode()
    for url in re.findall(r'data-hx-get="([^"]+)" data-hx-trigger="load"', html):
        html += client.get(url, HTTP_HX_REQUEST="true").content.decode()
    return html


# ------------------------------------------------------------------ a project


@pytest.fixture
def theme(county):
    return Theme.objects.get(county=county, code=Theme.Code.LIBRARY_ROOMS)


@pytest.fixture
def project(county, county_staff, theme):
    return services.create_project(
        county=county,
        by=county_staff,
        title="Bibliotekrommet",
        theme=theme,
        purpose="Et bedre bibliotekrom.",
        start_on=date(2026, 1, 1),
        end_on=date(2027, 6, 30),
    )


def make_active(project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    project.refresh_from_db()
    return project
