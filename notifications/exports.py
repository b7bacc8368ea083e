"""The county's outbox as a spreadsheet: when, to whom, what kind, the subject and how it went. Never the
message bodies, attachments or headers (they hold personal links: invitations, login and response
links), which are not even read from the database. County staff only, as the outbox page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.exports import Export
from documents.spreadsheet import Column, Kind, Table
from municipalities.selectors import get_county_for_staff

from .forms import OutboxFilterForm
from .models import OutboxMessage

CHUNK = 2000
FIELDS = ("created_at", "sent_at", "status", "kind", "recipient", "subject", "attempts", "last_error")

OUTBOX_COLUMNS = [
    Column(gettext_lazy("Created"), Kind.DATETIME),
    Column(gettext_lazy("Sent"), Kind.DATETIME),
    Column(gettext_lazy("Status")),
    Column(gettext_lazy("Kind")),
    Column(gettext_lazy("Recipient")),
    Column(gettext_lazy("Subject")),
    Column(gettext_lazy("Attempts"), Kind.INTEGER),
    Column(gettext_lazy("Last error"), width=40),
]


def _rows(messages):
    for message in messages.iterator(chunk_size=CHUNK):
        yield [
            message.created_at,
            message.sent_at,
            message.get_status_display(),
            message.get_kind_display(),
            message.recipient,
            message.subject,
            message.attempts,
            message.last_error[:500],
        ]


def outbox_export(user, params: dict) -> Export:
    county = get_county_for_staff(user, params.get("number", ""))
    filters = OutboxFilterForm(params or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    messages = OutboxMessage.objects.filter(county=county).only(*FIELDS).order_by("-created_at", "-id")
    if status:
        messages = messages.filter(status=status)
    return Export(
        filename=f"utboks-{county.number}-{timezone.localdate():%Y-%m-%d}",
        title=_("Outgoing e-mail: %(county)s") % {"county": county.name},
        tables=[Table(gettext_lazy("Outgoing e-mail"), OUTBOX_COLUMNS, _rows(messages))],
        count=messages.count(),
        back_url=reverse("notifications:outbox", kwargs={"number": county.number}),
    )
