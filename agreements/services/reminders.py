"""Reminders to signatories who have not signed yet."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation

from notifications.models import OutboxMessage

from ..models import Agreement, Signature
from .base import LINK, _notify, open_link_of, reach_of


def send_signature_reminders(*, now=None) -> int:
    """Reminds every signatory who has not signed, every `County.agreement_reminder_days` days after
    sending (0: never). Idempotent: each reminder has its own key, so running twice queues nothing new."""
    now = now or timezone.now()
    agreements = (
        Agreement.objects.filter(status=Agreement.Status.SENT, sent_at__isnull=False)
        .select_related(
            "county",
            "municipality",
            "project",
            "county_representative",
            "library_head_contact__user",
            "chief_executive_contact__user",
            "mayor_contact__user",
        )
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.valid(), to_attr="valid_signatures"))
        .defer("content_snapshot")
        .order_by("pk")
    )
    queued = 0
    with translation.override("nb"):
        for agreement in agreements.iterator(chunk_size=200):
            days = agreement.county.agreement_reminder_days
            if not days:
                continue
            elapsed = (now - agreement.sent_at) // timedelta(days=1)
            if elapsed < days:
                continue
            round_number = elapsed // days
            signed = {signature.slot for signature in agreement.valid_signatures}
            for slot, who in agreement.signatory_slots():
                if slot in signed or who is None:
                    continue
                key = f"agreement-reminder:{agreement.pk}:{agreement.content_sha256[:16]}:{slot}:{round_number}"
                if OutboxMessage.objects.filter(idempotency_key=key).exists():
                    continue
                with transaction.atomic():
                    link = open_link_of(agreement, slot) if reach_of(who)[0] == LINK else None
                    if _notify(agreement, slot=slot, who=who, template="agreements/email/reminder", key=key, link=link):
                        queued += 1
    return queued
