"""The agreement as a PDF (documents.render_pdf: A4, archival PDF/A-2a, tagged).

Rendered from the same dicts that are hashed (agreements.snapshot). A sealed
agreement's PDF is rendered once, at sealing, and stored with its hash; it is
never rendered again. Drafts and agreements out for signature get a preview
marked as not signed.
"""

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from documents.pdf import image_data_url, render_pdf

from .matrix import display_rows, legend_text


def _when(value):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value):
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def render_agreement_pdf(
    *, content: dict, signatures: list[dict] | None = None, verification_code: str = "", sealed_at=None, county=None
) -> bytes:
    """PDF bytes, in the county's written standard (bokmål without a county). Raises documents.pdf.DocumentError."""
    language = county.written_standard if county is not None else "nb"
    with translation.override(language):
        title = content["agreement"]["title"]
        columns = content["role_matrix"].get("columns", []) if content.get("role_matrix") else []
        rows = [{"task": task, "cells": cells} for task, cells in display_rows(content.get("role_matrix") or {})]
        signed = {s["slot"]: {**s, "signed_at": _when(s["signed_at"])} for s in signatures or []}
        context = {
            "content": content,
            "project_start": _day(content["project"]["start_on"]),
            "project_end": _day(content["project"]["end_on"]),
            "columns": columns,
            "matrix_rows": rows,
            "matrix_legend": legend_text(),
            "signatories": [
                {**signatory, "signature": signed.get(signatory["slot"])} for signatory in content["signatories"]
            ],
            "verification_code": verification_code,
            "verify_url": settings.SITE_URL + reverse("agreements:verify"),
            "sealed_at": _when(sealed_at),
            "letterhead_url": image_data_url(county.letterhead) if county is not None else None,
            "sent_at": _when(content.get("sent_at")),
        }
        return render_pdf("pdf/agreement.html", context, title=title, lang=language)
