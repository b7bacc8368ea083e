"""The agreement as a PDF (documents.render_pdf: A4, archival PDF/A-2a, tagged), and as a Word copy
(documents.word.render_docx, from the same template) for the municipality's own case handling.

Rendered from the same dicts that are hashed (agreements.snapshot). A sealed
agreement's PDF is rendered once, at sealing, and stored with its hash; it is
never rendered again. Drafts and agreements out for signature get a preview
marked as not signed. The Word copy of a sealed agreement is made from the sealed record each time it
is asked for and says on every page that the PDF with the verification code is the authoritative version.
"""

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.pdf import image_data_url, render_pdf
from documents.word import render_docx

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


def _context(*, content: dict, signatures, verification_code: str, sealed_at, county) -> dict:
    columns = content["role_matrix"].get("columns", []) if content.get("role_matrix") else []
    rows = [{"task": task, "cells": cells} for task, cells in display_rows(content.get("role_matrix") or {})]
    signed = {s["slot"]: {**s, "signed_at": _when(s["signed_at"])} for s in signatures or []}
    return {
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


def render_agreement_pdf(
    *, content: dict, signatures: list[dict] | None = None, verification_code: str = "", sealed_at=None, county=None
) -> bytes:
    """PDF bytes, in the county's written standard (bokmål without a county). Raises documents.pdf.DocumentError."""
    language = _language(county)
    with translation.override(language):
        context = _context(
            content=content,
            signatures=signatures,
            verification_code=verification_code,
            sealed_at=sealed_at,
            county=county,
        )
        return render_pdf("pdf/agreement.html", context, title=content["agreement"]["title"], lang=language)


def render_agreement_docx(
    *, content: dict, signatures: list[dict] | None = None, verification_code: str = "", sealed_at=None, county=None
) -> bytes:
    """.docx bytes of the same text as the PDF, in the same language. A sealed agreement's copy (with
    `verification_code`) says in the footer of every page that the PDF is the authoritative version; a draft's
    says it is not signed."""
    language = _language(county)
    with translation.override(language):
        context = _context(
            content=content,
            signatures=signatures,
            verification_code=verification_code,
            sealed_at=sealed_at,
            county=county,
        )
        footer = None
        if verification_code:
            footer = _(
                "A copy for case handling. The authoritative version is the signed PDF with verification code "
                "%(code)s (check it at %(url)s)."
            ) % {"code": verification_code, "url": context["verify_url"]}
        return render_docx(
            "pdf/agreement.html", context, title=content["agreement"]["title"], lang=language, footer=footer
        )


def _language(county) -> str:
    """The county's written standard: an agreement is one document, whoever reads it."""
    return county.written_standard if county is not None else "nb"
