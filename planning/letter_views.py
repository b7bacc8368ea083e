"""Letter pages: the county staff draft letters from the kit's templates for chosen participants, edit,
download and send them. Everything is read through the project the user may read and the letters of
the county's staff (`Letter.objects.visible_to`): 404 for everyone else, as for the staff's other parts."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from documents.pdf import DocumentError
from documents.word import DOCX_MIMETYPE
from projects.access import access_project
from projects.models import Participant
from projects.permissions import can_view_staff_parts
from shell.forms import run_service

from . import letters
from .forms import LetterDraftForm, LetterForm, LetterSendForm
from .models import Letter

_run = partial(run_service, errors=(letters.LetterError, DocumentError))


def _project(request, pk):
    project = access_project(request.user, pk)
    if not can_view_staff_parts(request.user, project):
        raise Http404
    return project


def _letter(request, project, letter_pk) -> Letter:
    letter = get_object_or_404(
        Letter.objects.visible_to(request.user).select_related(
            "participant__municipality", "participant__library", "sent_by", "created_by"
        ),
        pk=letter_pk,
        participant__project=project,
    )
    letter.participant.project = project
    return letter


def _participants(project):
    return (
        Participant.objects.filter(project=project)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("municipality")
        .order_by("municipality__name")
    )


@login_required
def letter_list(request, pk):
    """The project's letters, drafts first, and the form that drafts new ones."""
    project = _project(request, pk)
    rows = (
        Letter.objects.visible_to(request.user)
        .filter(participant__project=project)
        .select_related("participant__municipality", "sent_by")
        .defer("pdf")
        .order_by("status", "-sent_at", "-created_at")
    )
    form = LetterDraftForm(
        request.POST or None,
        templates=[title for title, _text in letters.letter_templates(project)],
        participants=_participants(project),
    )
    if request.method == "POST" and form.is_valid():
        drafted = []

        def action():
            drafted.extend(
                letters.draft_letters(
                    project=project,
                    template=form.cleaned_data["template"],
                    participants=form.cleaned_data["participants"],
                    by=request.user,
                )
            )

        if _run(request, form, action, ""):
            messages.success(
                request,
                ngettext("One letter was drafted.", "%(count)d letters were drafted.", len(drafted))
                % {"count": len(drafted)},
            )
            return redirect("planning:letter-list", pk=project.pk)
    return render(request, "planning/letter_list.html", {"project": project, "letters": rows, "form": form})


@login_required
def letter_detail(request, pk, letter_pk):
    """A draft to edit and send, or a sent letter as it was sent."""
    project = _project(request, pk)
    letter = _letter(request, project, letter_pk)
    form = None
    if not letter.is_sent:
        form = LetterForm(request.POST or None, initial={"subject": letter.subject, "body": letter.body})
        if request.method == "POST" and form.is_valid():
            if _run(
                request,
                form,
                lambda: letters.update_letter(letter=letter, by=request.user, **form.cleaned_data),
                _("The letter was saved."),
            ):
                return redirect(letter)
    elif request.method == "POST":
        messages.error(request, _("This letter was sent and can no longer be changed."))
        return redirect(letter)
    return render(request, "planning/letter_detail.html", {"project": project, "letter": letter, "form": form})


@login_required
def letter_send(request, pk, letter_pk):
    """The letter once more, and how it is sent: by e-mail to the contacts chosen, or by the county's own
    mail. A sent letter's page is where this leads back to."""
    project = _project(request, pk)
    letter = _letter(request, project, letter_pk)
    if letter.is_sent:
        messages.info(request, _("This letter was sent and can no longer be changed."))
        return redirect(letter)
    data = request.POST if request.method == "POST" else None
    form = LetterSendForm(data, contacts=letters.mail_contacts(letter.participant))
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: letters.send_letter(
                letter=letter,
                by=request.user,
                delivery=form.cleaned_data["delivery"],
                contacts=form.cleaned_data["contacts"],
            ),
            _("The letter was sent."),
        ):
            return redirect(letter.participant)
    return render(
        request,
        "planning/letter_send.html",
        {"project": project, "letter": letter, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def letter_delete(request, pk, letter_pk):
    project = _project(request, pk)
    letter = _letter(request, project, letter_pk)
    if _run(request, None, lambda: letters.delete_letter(letter=letter, by=request.user), _("The draft was deleted.")):
        return redirect("planning:letter-list", pk=project.pk)
    return redirect(letter)


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_GET
@never_cache
def letter_pdf(request, pk, letter_pk):
    """The PDF as sent; a draft's as it would be sent by this user today."""
    project = _project(request, pk)
    letter = _letter(request, project, letter_pk)
    try:
        pdf = letters.letter_pdf(letter, sender=request.user)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(letter)
    return _file(pdf, letters.letter_filename(letter, "pdf"), "application/pdf")


@login_required
@require_GET
@never_cache
def letter_docx(request, pk, letter_pk):
    project = _project(request, pk)
    letter = _letter(request, project, letter_pk)
    docx = letters.letter_docx(letter, sender=request.user)
    return _file(docx, letters.letter_filename(letter, "docx"), DOCX_MIMETYPE)


def participant_letters_section(request, participant) -> dict:
    """The participant page's letters: every letter sent, dated, with who sent it, and the drafts."""
    return {
        "letters": participant.letters.select_related("sent_by")
        .defer("pdf")
        .order_by("status", "-sent_at", "-created_at"),
    }
