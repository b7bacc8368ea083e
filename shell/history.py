"""Who made a change, for the audit trail (django-simple-history).

On a page, `simple_history.middleware.HistoryRequestMiddleware` gives every history record the
signed-in user. A service also runs outside a page (a Celery task, a management command, a test), so
a service that is told who acts (`by=`) says so with `@records_by`: the history records made inside
it name that user. No service sets `_history_user` by hand.
"""

from contextlib import contextmanager
from functools import wraps
from types import SimpleNamespace

from simple_history.models import HistoricalRecords

_MISSING = object()


@contextmanager
def acting_user(user):
    """History records saved inside the block name `user` (nothing changes when `user` is None).

    It is simple-history's own hook: the request the middleware exposes, here a stand-in carrying
    only the user, restored afterwards."""
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    context = HistoricalRecords.context
    previous = getattr(context, "request", _MISSING)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is _MISSING:
            del context.request
        else:
            context.request = previous


def records_by(service=None, *, argument: str = "by"):
    """A service decorator: the history records the service makes name its `by` (or `argument`)."""

    def decorate(function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            with acting_user(kwargs.get(argument)):
                return function(*args, **kwargs)

        return wrapper

    return decorate(service) if service is not None else decorate
