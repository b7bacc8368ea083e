"""Agreement pages. Every view reads through `Agreement.objects.visible_to` (404 for what the user
may not see) and checks a permission predicate for changes (403). Two pages are public: the
verification page and a published agreement's PDF."""

import json
from datetime import timedelta
from functools import partial

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from documents.pdf import DocumentError
from documents.word import DOCX_MIMETYPE
from municipalities.access import require
from municipalities.languages import speak_for
from projects.access import access_participant, access_project
from projects.permissions import can_read_participant
from shell.client import RateLimit, client_ip
from shell.forms import run_service
from shell.freshness import render_kept

from . import selectors
from .access import access_agreement
from .forms import AgreementForm, ListFilterForm, RoleMatrixForm, ScanForm, SignForm, VerifyForm, WithdrawForm
from .matrix import LEGEND, labelled_rows
from .models import Agreement, Signature
from .pdf import render_agreement_docx, render_agreement_pdf
from .permissions import (
    can_amend_agreement,
    can_create_agreement,
    can_delete_agreement,
    can_edit_agreement,
    can_invite_signatory,
    can_publish_agreement,
    can_revoke_link,
    can_send_agreement,
    can_upload_scan,
    can_view_events,
    can_withdraw_agreement,
    may_sign,
)
from .services import amendments, drafts, sending
from .services import signatures as signatures_services
from .services.base import AgreementError
from .signing import get_signing_method
from .snapshot import build_content

# Lookups on the public verification page per client (shell.client): plenty for people, little for a script.
VERIFY_LIMIT = RateLimit("agreement-verify", limit=30, seconds=60)


# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(AgreementError, DocumentError))


def _agreement(request, pk, predicate=None) -> Agreement:
    return access_agreement(request.user, pk, rule=predicate)


def _pdf_response(pdf: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=attachment, filename=filename)
    return response


def pdf_filename(agreement: Agreement) -> str:
    """`avtale-5501-v2.pdf`: plain ASCII whatever the municipality's name."""
    return f"avtale-{agreement.municipality.number}-v{agreement.version}.pdf"


# --------------------------------------------------------------------------- lists


@login_required
def agreement_list(request):
    filters = ListFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(selectors.list_agreements(request.user, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/agreement_list.html",
        {"page_obj": page, "filters": filters, "awaiting": list(selectors.awaiting_signature(request.user)[:50])},
    )


# ---------------------------------------------------------------------- an agreement


@login_required
@require_POST
def agreement_create(request, pk, participant_pk):
    project = access_project(request.user, pk)
    participant = access_participant(request.user, project, participant_pk)
    require(can_create_agreement(request.user, participant))
    try:
        agreement = drafts.create_agreement(participant=participant, by=request.user)
    except AgreementError as exc:
        messages.error(request, str(exc))
        return redirect(participant)
    messages.success(request, _("A draft agreement was made from the kit. Check the text and the role matrix."))
    return redirect(agreement)


def _slot_rows(request, agreement: Agreement, signatures) -> list[dict]:
    valid = {s.slot: s for s in signatures if s.discarded_at is None}
    reach = {row.slot: row.how for row in sending.signatory_reach(agreement)}
    rows = []
    for slot, who in agreement.signatory_slots():
        rows.append(
            {
                "slot": slot,
                "label": Signature.Slot(slot).label,
                "label_in_sentence": Signature.slot_in_sentence(slot),
                "who": who,
                "name": who.get_full_name() if hasattr(who, "get_full_name") else (who.name if who else ""),
                "signature": valid.get(slot),
                "by_link": reach.get(slot) == "link",
                "can_sign": slot not in valid and may_sign(request.user, agreement, slot),
            }
        )
    return rows


@login_required
def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    return render_kept(
        request,
        "agreements/agreement_detail.html",
        {"agreement": agreement},
        lambda: _detail_context(request, agreement),
    )


def _detail_context(request, agreement) -> dict:
    user = request.user
    signatures = list(selectors.list_signatures(agreement))
    is_staff = can_view_events(user, agreement)
    return {
        "project": agreement.project,
        "slots": _slot_rows(request, agreement, signatures),
        "discarded": [s for s in signatures if s.discarded_at] if is_staff else [],
        "matrix_rows": labelled_rows(agreement.role_matrix),
        "legend": LEGEND,
        "signing_method": get_signing_method(),
        "links": list(selectors.signing_links(agreement)) if is_staff else [],
        "can_revoke_link": can_revoke_link(user, agreement),
        "can_invite": can_invite_signatory(user, agreement),
        "versions": selectors.list_versions(agreement),
        "changes": selectors.changes_from_amended(agreement) if agreement.amends_id else None,
        "events": selectors.list_events(agreement) if is_staff else None,
        "problems": sending.readiness_problems(agreement)
        if agreement.status == Agreement.Status.DRAFT and is_staff
        else [],
        "can_edit": can_edit_agreement(user, agreement),
        "can_send": can_send_agreement(user, agreement),
        "can_withdraw": can_withdraw_agreement(user, agreement),
        "can_upload_scan": can_upload_scan(user, agreement),
        "can_amend": can_amend_agreement(user, agreement),
        "can_delete": can_delete_agreement(user, agreement),
        "can_publish": can_publish_agreement(user, agreement),
        "is_published": hasattr(agreement, "publication"),
        "is_staff": is_staff,
        "can_see_project": can_read_participant(user, agreement.participant),
    }


@login_required
def agreement_edit(request, pk):
    agreement = _agreement(request, pk, can_edit_agreement)
    initial = {name: getattr(agreement, name) for name in drafts.EDITABLE_FIELDS}
    form = AgreementForm(request.POST or None, agreement=agreement, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("withdraw_reason", "")
        if _run(
            request,
            form,
            lambda: drafts.update_agreement(agreement=agreement, by=request.user, withdraw_reason=reason, **data),
            _("The agreement was saved."),
        ):
            return redirect(agreement)
    return render(request, "agreements/agreement_form.html", {"agreement": agreement, "form": form})


@login_required
def agreement_matrix(request, pk):
    agreement = _agreement(request, pk, can_edit_agreement)
    sent = agreement.status == Agreement.Status.SENT
    form = RoleMatrixForm(request.POST or None, matrix=agreement.role_matrix, sent=sent)
    if request.method == "POST" and form.is_valid():
        matrix = form.matrix()
        reason = form.cleaned_data.get("withdraw_reason", "")
        if _run(
            request,
            form,
            lambda: drafts.save_role_matrix(
                agreement=agreement, matrix=matrix, by=request.user, withdraw_reason=reason
            ),
            _("The role matrix was saved."),
        ):
            return redirect(f"{agreement.get_absolute_url()}#roles")
        # Show what the user entered, with the messages, instead of the stored matrix.
        form = _rebound_matrix_form(request, form, matrix, sent)
    header, body = form.table()
    return render(
        request,
        "agreements/matrix_form.html",
        {"agreement": agreement, "form": form, "header": header, "body": body, "legend": LEGEND},
    )


def _rebound_matrix_form(request, form, matrix, sent):
    """A fresh form on the matrix as entered (removed rows gone, the new row kept), carrying the errors."""
    rebound = RoleMatrixForm(
        matrix=matrix, sent=sent, initial={"withdraw_reason": form.cleaned_data.get("withdraw_reason", "")}
    )
    rebound._errors = form.errors
    rebound.cleaned_data = {}
    return rebound


@login_required
def agreement_send(request, pk):
    """Before sending: how many sign, who is reached how (login, or a personal link by e-mail), and who
    has no e-mail address at all (then sending is refused, naming whom to fix). Sending asks once."""
    agreement = _agreement(request, pk, can_send_agreement)
    reach = sending.signatory_reach(agreement)
    problems = sending.readiness_problems(agreement)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        sent = None

        def action():
            nonlocal sent
            sent = sending.send_for_signature(agreement=agreement, by=request.user)

        if _run(request, None, action, None):
            _tell_who_was_reached(request, sent)
            return redirect(agreement)
        return redirect(request.path)
    if request.method == "POST":
        return redirect(request.path)
    return render(
        request,
        "agreements/send_confirm.html",
        {
            "agreement": agreement,
            "reach": reach,
            "unreachable": [row for row in reach if not row.how],
            "problems": problems,
            "deadline": timezone.localdate() + timedelta(days=agreement.county.agreement_signing_days),
            "municipality": agreement.municipality,
        },
    )


def _tell_who_was_reached(request, agreement: Agreement) -> None:
    """Says how many signatories the request reached and how: never "everyone" when a message failed."""
    delivered = selectors.signature_requests_delivered(agreement)
    reach = sending.signatory_reach(agreement)
    reached = [row for row in reach if row.slot in delivered]
    missed = [row for row in reach if row.slot not in delivered]
    text = _(
        "The agreement was sent for signature to %(reached)s of %(total)s signatories "
        "(%(login)s by login, %(link)s by a personal link by e-mail). Signing deadline: %(deadline)s."
    ) % {
        "reached": len(reached),
        "total": len(reach),
        "login": sum(row.by_login for row in reached),
        "link": sum(row.by_link for row in reached),
        "deadline": date_format(agreement.signing_deadline, "j. F Y"),
    }
    if not missed:
        messages.success(request, text)
        return
    messages.warning(
        request,
        text
        + " "
        + _("Not reached: %(names)s. See the outbox.")
        % {"names": get_text_list([f"{row.name} ({row.label})" for row in missed], _("and"))},
    )


@login_required
@require_POST
def agreement_signatory_invite(request, pk, slot):
    """Invite the slot's contact as a user instead of sending them a personal link."""
    agreement = _agreement(request, pk, can_invite_signatory)
    slot = _slot(slot)
    invitation = None

    def action():
        nonlocal invitation
        invitation = sending.invite_signatory(agreement=agreement, slot=slot, by=request.user)

    if _run(request, None, action, None):
        messages.success(
            request,
            _("An invitation was e-mailed. Once it is accepted, they sign logged in.")
            if invitation is not None
            else _("They can already log in and now sign logged in."),
        )
    back = request.POST.get("next")
    if back == "send" and agreement.status == Agreement.Status.DRAFT:
        return redirect("agreements:agreement-send", pk=agreement.pk)
    return redirect(f"{agreement.get_absolute_url()}#signatures")


@login_required
@require_POST
def agreement_link_revoke(request, pk, link_pk):
    agreement = _agreement(request, pk, can_revoke_link)
    link = get_object_or_404(selectors.signing_links(agreement), pk=link_pk)
    _run(
        request,
        None,
        lambda: sending.revoke_signing_link(agreement=agreement, link=link, by=request.user),
        _("The personal link to %(email)s was revoked.") % {"email": link.email},
    )
    return redirect(f"{agreement.get_absolute_url()}#signatures")


@login_required
def agreement_withdraw(request, pk):
    agreement = _agreement(request, pk, can_withdraw_agreement)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: sending.withdraw_agreement(
                agreement=agreement, by=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The agreement was withdrawn for changes; collected signatures were discarded."),
        ):
            return redirect(agreement)
    return render(
        request,
        "agreements/simple_form.html",
        {"agreement": agreement, "form": form, "heading": _("Withdraw for changes")},
    )


def _slot(slot: str) -> str:
    if slot not in Signature.Slot.values:
        raise Http404
    return slot


@login_required
@never_cache
def agreement_sign(request, pk, slot):
    agreement = _agreement(request, pk)
    slot = _slot(slot)
    require(may_sign(request.user, agreement, slot))
    method = get_signing_method()
    form = SignForm(request.POST or None, method=method, initial={"content_sha256": agreement.content_sha256})
    if request.method == "POST":
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            messages.error(request, _("Too many attempts. Wait a minute and try again."))
            return redirect(agreement)
        if form.is_valid():
            data = dict(form.cleaned_data) | method.collect(request)
            if _run(
                request,
                form,
                lambda: signatures_services.sign_agreement(
                    agreement=agreement,
                    slot=slot,
                    user=request.user,
                    content_sha256=data.pop("content_sha256"),
                    data=data,
                    ip_address=client_ip(request),
                ),
                _("Thank you: your signature is recorded."),
            ):
                return redirect(agreement)
    return render(
        request,
        "agreements/sign_form.html",
        {
            "agreement": agreement,
            "form": form,
            "slot_label": Signature.slot_in_sentence(slot),
            "signing_method": method,
            **method.page_context(request),
        },
    )


@login_required
def agreement_scan(request, pk, slot):
    agreement = _agreement(request, pk, can_upload_scan)
    slot = _slot(slot)
    form = ScanForm(request.POST or None, request.FILES or None, initial={"content_sha256": agreement.content_sha256})
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: signatures_services.record_wet_ink_signature(
                agreement=agreement,
                slot=slot,
                by=request.user,
                scan=form.cleaned_data["scan"],
                content_sha256=form.cleaned_data["content_sha256"],
                ip_address=client_ip(request),
            ),
            _("The scanned signature was recorded."),
        ):
            return redirect(agreement)
    return render(
        request,
        "agreements/simple_form.html",
        {
            "agreement": agreement,
            "form": form,
            "heading": _("Scanned signature: %(slot)s") % {"slot": Signature.Slot(slot).label},
            "intro": _(
                "Print the agreement, have it signed with ink, scan the signed pages to one PDF and upload it here."
            ),
        },
    )


@login_required
@require_GET
@never_cache
def signature_scan(request, pk, signature_pk):
    agreement = _agreement(request, pk)
    signature = get_object_or_404(Signature, pk=signature_pk, agreement=agreement, method=Signature.Method.WET_INK)
    if not signature.scan:
        raise Http404
    return FileResponse(
        signature.scan.open("rb"),
        as_attachment=True,
        filename=f"signatur-{agreement.municipality.number}-v{agreement.version}-{signature.slot}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def agreement_amend(request, pk):
    agreement = _agreement(request, pk, can_amend_agreement)
    try:
        amendment = amendments.create_amendment(agreement=agreement, by=request.user)
    except AgreementError as exc:
        messages.error(request, str(exc))
        return redirect(agreement)
    messages.success(
        request,
        _(
            "Version %(version)s was started as a draft. The signed version stays in force "
            "until the amendment is signed."
        )
        % {"version": amendment.version},
    )
    return redirect(amendment)


@login_required
@require_POST
def agreement_delete(request, pk):
    agreement = _agreement(request, pk, can_delete_agreement)
    participant = agreement.participant
    if _run(
        request,
        None,
        lambda: amendments.delete_draft(agreement=agreement, by=request.user),
        _("The draft was deleted."),
    ):
        return redirect(participant)
    return redirect(agreement)


@login_required
@require_POST
def agreement_publish(request, pk):
    agreement = _agreement(request, pk, can_publish_agreement)
    publish = request.POST.get("publish") == "1"
    _run(
        request,
        None,
        lambda: amendments.set_published(agreement=agreement, by=request.user, published=publish),
        _("The agreement is published.") if publish else _("The agreement is no longer published."),
    )
    return redirect(agreement)


@login_required
@require_GET
@never_cache
def agreement_pdf(request, pk):
    """The sealed PDF exactly as stored; for other states a preview marked as not signed."""
    agreement = _agreement(request, pk)
    if agreement.is_sealed:
        return _pdf_response(bytes(agreement.seal.pdf), pdf_filename(agreement))
    try:
        pdf = render_agreement_pdf(content=build_content(agreement), county=agreement.county)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(agreement)
    return _pdf_response(pdf, f"utkast-{pdf_filename(agreement)}")


@login_required
@require_GET
@never_cache
def agreement_docx(request, pk):
    """A Word copy for the municipality's case handling: of the sealed record (its footer names the signed
    PDF, with its verification code, as the authoritative version), or of the draft as it stands."""
    agreement = _agreement(request, pk)
    if agreement.is_sealed:
        record = json.loads(agreement.seal.snapshot)
        docx = render_agreement_docx(
            content=record["content"],
            signatures=record.get("signatures", []),
            verification_code=agreement.seal.verification_code,
            sealed_at=agreement.seal.sealed_at,
            county=agreement.county,
        )
        filename = pdf_filename(agreement).removesuffix(".pdf") + ".docx"
    else:
        docx = render_agreement_docx(content=build_content(agreement), county=agreement.county)
        filename = "utkast-" + pdf_filename(agreement).removesuffix(".pdf") + ".docx"
    response = HttpResponse(docx, content_type=DOCX_MIMETYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


# ------------------------------------------------------------------------- public


@require_GET
def verify(request):
    """Says only whether a sealed agreement with this code (or hash) exists, whether its seal holds, when it
    was signed and which version superseded it."""
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_valid():
        if VERIFY_LIMIT.hit(request):
            return render(request, "429.html", status=429)
        result = selectors.check_code(form.cleaned_data["code"])
        if result["found"]:  # a public page: what it says about an agreement is in that county's standard
            speak_for(result["county"])
    return render(request, "agreements/verify.html", {"form": form, "result": result})


@require_GET
def published_pdf(request, pk):
    agreement = selectors.get_published(pk)
    return _pdf_response(bytes(agreement.seal.pdf), pdf_filename(agreement), attachment=False)
