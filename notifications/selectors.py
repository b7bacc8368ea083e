"""Reads of the outbox for other pages (the start page's to-do list)."""

from django.urls import reverse
from django.utils.translation import ngettext

from shell.start import Task, TaskSource

from .models import OutboxMessage


def failed_source(county) -> TaskSource:
    """The county's e-mails that could not be sent: one task for county staff, to the outbox's failed ones."""

    def tasks(rows, total):
        return [
            Task(
                text=ngettext("%(count)s e-mail could not be sent", "%(count)s e-mails could not be sent", total)
                % {"count": total},
                url=reverse("notifications:outbox", kwargs={"number": county.number}) + "?status=failed",
                detail=county.name,
            )
        ]

    return TaskSource(
        key=f"failed-mail-{county.pk}",
        rows=OutboxMessage.objects.filter(county=county, status=OutboxMessage.Status.FAILED),
        tasks=tasks,
        listed=lambda rows: rows.only("pk"),
        limit=1,
        single=True,
    )
