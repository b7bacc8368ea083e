"""Signing without an account: the personal link a contact got by e-mail.

The link (notifications.links) opens nothing until the visitor has entered the one-time code sent to
the same address; then this agreement, frozen as it was sent, its PDF and the signing form are open to
that session, and nothing else is: the visitor is not logged in, and every other page answers them as
anyone anonymous. The link is used up by the signature.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from documents.pdf import DocumentError
from notifications import links
from notifications.link_pages import code_step, problem_page
from notifications.models import PersonalLink
from shell.client import client_ip

from .forms import SignForm
from .matrix import LEGEND, labelled_rows
from .models import Agreement, Signature
from .pdf import render_agreement_pdf
from .services import signatures as signatures_services
from .services.base import LINK_PURPOSE, AgreementError
from .signing import contact_signing_method
from .views import _pdf_response, pdf_filename


def _open(request, token):
    """(link, agreement, None) for a link that works, or (…, a page saying why not)."""
    opened = links.open_link(token, purpose=LINK_PURPOSE)
    link = opened.link
    if link is None:
        return None, None, problem_page(request, opened.problem, status=opened.status)
    agreement = Agreement.objects.select_related("county", "municipality", "project").filter(pk=link.object_id).first()
    if agreement is None:
        return link, None, problem_page(request, _("The agreement no longer exists."), status=404)
    if agreement.status == Agreement.Status.DRAFT and link.state == PersonalLink.State.REVOKED:
        return (
            link,
            agreement,
            problem_page(
                request,
                _(
                    "The agreement was withdrawn for changes, so the link has been revoked. You will get a new "
                    "link when it is sent for signature again."
                ),
                status=410,
                heading=_("The agreement was withdrawn"),
            ),
        )
    if opened.problem:
        return link, agreement, problem_page(request, opened.problem, status=opened.status)
    if agreement.status != Agreement.Status.SENT:
        return link, agreement, problem_page(request, _("The agreement no longer awaits signature."), status=410)
    return link, agreement, None


@never_cache
def agreement_link(request, token):
    link, agreement, refused = _open(request, token)
    if refused is not None:
        return refused
    if not links.in_scope(request.session, link):
        return code_step(
            request,
            link,
            what=_("“%(title)s” awaits your signature as %(slot)s.")
            % {"title": agreement.title, "slot": Signature.slot_in_sentence(link.slot)},
        )
    method = contact_signing_method()
    form = SignForm(
        request.POST if request.method == "POST" else None,
        method=method,
        initial={"content_sha256": agreement.content_sha256},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                signatures_services.sign_agreement_by_link(
                    agreement=agreement,
                    link=link,
                    content_sha256=form.cleaned_data["content_sha256"],
                    ip_address=client_ip(request),
                )
            except (AgreementError, DocumentError) as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                links.leave_scope(request.session, link)
                messages.success(request, _("Thank you: your signature is recorded."))
                return render(request, "agreements/link_signed.html", {"agreement": agreement, "link": link})
    content = json.loads(agreement.content_snapshot)
    matrix = content.get("role_matrix") or {}
    return render(
        request,
        "agreements/link_sign.html",
        {
            "agreement": agreement,
            "content": content,
            "link": link,
            "form": form,
            "slot_label": Signature.slot_in_sentence(link.slot),
            "signing_method": method,
            "token": token,
            "frozen": {"role_matrix": matrix},
            "matrix_rows": labelled_rows(matrix),
            "legend": LEGEND,
        },
        status=status,
    )


@require_GET
@never_cache
def agreement_link_pdf(request, token):
    """The agreement exactly as it was sent for signature, as PDF (marked as not signed)."""
    link, agreement, refused = _open(request, token)
    if refused is not None:
        return refused
    if not links.in_scope(request.session, link):
        return redirect("agreements:link", token=token)
    try:
        pdf = render_agreement_pdf(content=json.loads(agreement.content_snapshot), county=agreement.county)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("agreements:link", token=token)
    return _pdf_response(pdf, f"til-signering-{pdf_filename(agreement)}")
