"""Saving what a service changed: a create-or-update service writes a new row whole, and an existing
row only in the columns it set (`update_fields`), so that a parallel change to another column stays."""

from collections.abc import Iterable

from django.db import models


def save_changes(instance: models.Model, fields: Iterable[str]) -> None:
    """Inserts a new `instance`, or updates an existing one in `fields` only (nothing when empty)."""
    if instance._state.adding:
        instance.save()
        return
    fields = list(dict.fromkeys(fields))
    if fields:
        instance.save(update_fields=fields)
