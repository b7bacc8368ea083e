"""Fetch-and-check for agreements: read through `Agreement.objects.visible_to` (404 for the rest,
missing or not), then, for a change, the rule from `permissions.py` (403)."""

from municipalities.access import require

from . import selectors


def access_agreement(user, pk, *, rule=None):
    """An agreement the user may read; with `rule` (a predicate of `permissions.py`), one they may
    also do that to."""
    agreement = selectors.get_agreement(user, pk)
    if rule is not None:
        require(rule(user, agreement))
    return agreement
