"""A database made by an older layout of Fremdrift cannot be migrated: say so, and what to do.

The apps were split and their migrations made anew (no installation held data yet), so a database
that records migrations no longer on disk — of an app that no longer exists, or an old step of one
that does — would otherwise be taken as migrated and fail later on missing tables.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# Apps of Fremdrift itself, as they were named at any time.
OUR_APPS = {app.split(".")[0] for app in settings.INSTALLED_APPS if "." not in app} | {"pages"}


@register(Tags.database)
def check_migration_history(app_configs, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        recorder = MigrationRecorder(connection)
        if not recorder.has_table():
            continue
        on_disk = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
        stale = sorted(key for key in recorder.applied_migrations() if key[0] in OUR_APPS and key not in on_disk)
        if stale:
            name = connection.settings_dict.get("NAME")
            errors.append(
                Error(
                    f"The database {name} was made by an older version of Fremdrift whose migrations no longer exist "
                    f"({', '.join(f'{app}.{migration}' for app, migration in stale[:3])}{' …' if len(stale) > 3 else ''}).",
                    hint="It holds only demo data: delete it (for the development database: rm var/db.sqlite3) and run "
                    "`make run` again, which makes it anew.",
                    id="shell.E001",
                )
            )
    return errors


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Kept pages and rate limits need one cache for every process (web and workers): a cache local to
    each process would serve a page another process has changed, for up to five minutes."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                f"CACHE_URL gives each process a cache of its own ({backend.rsplit('.', 1)[-1]}): kept pages would not "
                "see what another process (a second web process, a worker) wrote, and rate limits would count per process.",
                hint="Set CACHE_URL to Redis (redis://host:6379/1), or leave it unset for the database's cache table.",
                id="shell.W001",
            )
        ]
    return []
