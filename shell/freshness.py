"""One number that changes whenever Fremdrift's data may have changed: what the start pages cache is
kept under it, so a cached page is never older than the last write.

Every statement that writes (INSERT, UPDATE, DELETE, TRUNCATE) on any connection is seen here: saves
and deletes, but also the bulk `update()`s, `bulk_create()`s and raw SQL that send no model signal
(health recomputation, outbox marks, links expiring). The number moves when a transaction that wrote
commits, and also at a write that follows a read of the number in the same thread, so that the same
request, or a test inside one transaction, reads anew what it has just changed. A page read by another
request between that write and the commit is kept under a number the commit leaves behind.
A rolled-back transaction changes nothing but costs a page render.

Writes to the session and cache tables are not data and do not count. Nor does a login's
`last_login`, which every login writes.

The number lives in the shared cache (`CACHE_URL`), so every process sees it: with a cache local to
each process (`locmemcache://`), a page cached by one process would not see another's writes.
"""

import hashlib
import re
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

KEY = "fremdrift:data-version"

# The table a writing statement starts with: INSERT INTO "t", UPDATE "t", DELETE FROM "t", TRUNCATE "t".
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?', re.IGNORECASE)
_LAST_LOGIN_ONLY = re.compile(r'\s*UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE', re.IGNORECASE)


def _ignored_tables() -> frozenset[str]:
    tables = {"django_session"}
    for config in settings.CACHES.values():
        if config["BACKEND"].endswith("DatabaseCache"):
            tables.add(config["LOCATION"])
    return frozenset(tables)


_thread = threading.local()  # .read: this thread has read the number since it last moved it


def data_version() -> int:
    """The current number. A cache that has none (new, emptied, or it evicted the number) starts from
    the clock, so that a number is never used twice and nothing kept before is read again."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, time.time_ns() // 1000, None)
        version = cache.get(KEY)
    _thread.read = True
    return version


def data_changed() -> None:
    """Move the number: what was cached under the old one is not read again."""
    _thread.read = False
    try:
        cache.incr(KEY)
    except ValueError:  # not in the cache: the next reader starts a new number from the clock
        pass
    except DatabaseError:  # the cache's table is not made yet (a first `migrate`): nothing is kept in it
        pass


def writes_data(sql: str, ignored: frozenset[str]) -> bool:
    match = _WRITE.match(sql)
    return bool(match) and match.group(1) not in ignored and not _LAST_LOGIN_ONLY.match(sql)


class _Watcher:
    """The execute wrapper of one connection (`connection.execute_wrappers`)."""

    def __init__(self, connection):
        self.connection = connection
        self.ignored = _ignored_tables()

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and writes_data(sql, self.ignored):
            if getattr(_thread, "read", False):
                data_changed()
            if not self._pending():
                # robust: a cache that cannot be reached is logged, and does not undo the committed write
                transaction.on_commit(_on_commit, using=self.connection.alias, robust=True)
        return result

    def _pending(self) -> bool:
        """Whether this transaction has already registered its bump on commit (it is dropped from
        `run_on_commit` with a rolled-back savepoint, and then registered anew by the next write)."""
        if not self.connection.in_atomic_block:
            return False
        return any(callback is _on_commit for _savepoints, callback, _robust in self.connection.run_on_commit)


def _on_commit() -> None:
    data_changed()


def watch(connection) -> None:
    if not any(isinstance(wrapper, _Watcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watcher(connection))


def _on_connection_created(sender, connection, **kwargs):
    watch(connection)


def install() -> None:
    """Watch every connection: those made from now on, and any made already."""
    from django.db import connections

    connection_created.connect(_on_connection_created, dispatch_uid="shell-freshness")
    for connection in connections.all(initialized_only=True):
        watch(connection)


# ------------------------------------------------------------------ kept pages

# What only the clock changes (a meeting that has begun is no longer coming) shows at most this late.
KEPT_SECONDS = 300
# A form's token, as `{% csrf_token %}` writes it: kept as a placeholder, and the reader's own token put in
# its place at every visit (the same token Django's own rendering would give this request).
_TOKEN_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"<>]*">')
_TOKEN_PLACE = "<!--fremdrift:csrf-token-->"
# Any other per-request secret: HTML still holding one is never kept (a token written another way, a nonce).
_PER_REQUEST = re.compile(r"csrfmiddlewaretoken|\bnonce=")


def kept(request, name: str, make) -> str:
    """The HTML `make()` renders, kept in the shared cache for this reader, their language, this address
    (path and query) and this day, until the data changes or `KEPT_SECONDS` pass. For the part of a page
    below the menu that is the same on every visit; the view still checks access before asking, and the
    part must hold nothing of the request itself but forms' tokens, which are put in anew at each visit
    (it is not kept if it holds another per-request secret)."""
    parts = (name, request.user.pk, get_language(), request.get_full_path(), timezone.localdate(), data_version())
    key = "kept:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = make()
        placed = _TOKEN_INPUT.sub(_TOKEN_PLACE, html)
        if not _PER_REQUEST.search(placed):
            cache.set(key, placed, KEPT_SECONDS)
    elif _TOKEN_PLACE in html:
        token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        html = html.replace(_TOKEN_PLACE, token)
    return mark_safe(html)  # rendered by the template engine, which escaped what needs it


def render_kept(request, template_name: str, context: dict, make_context) -> HttpResponse:
    """`render()` of a page whose `{% block content %}` is kept (`kept`): `context` is what the rest of the
    page needs (its title, the object whose access the view has checked), `make_context()` what only the
    content needs, asked for only when the content is not kept. base.html renders the content alone when
    `content_only` is set, and puts `page_content` in its place when it is given."""
    content = kept(
        request,
        template_name,
        lambda: render_to_string(template_name, context | make_context() | {"content_only": True}, request),
    )
    return render(request, template_name, context | {"page_content": content})
