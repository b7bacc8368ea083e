"""Answering without an account: the personal link a library-head contact got by e-mail, and the staff's
buttons to revoke it or to invite the contact as a user instead.

The one-time code (notifications.link_pages) opens this response, and only it, to the visitor's
session: the same questionnaire with draft saving a logged-in library head sees."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from municipalities.models import Contact
from notifications import links
from notifications.link_pages import code_step, problem_page
from notifications.models import PersonalLink

from ..forms import AnswerForm
from ..models import Response
from ..services import answers as answers_services
from ..services import rounds
from ..services.base import EvaluationError
from .base import _round_for_staff, _run

LINK_PURPOSE = PersonalLink.Purpose.EVALUATION_RESPONSE


@never_cache
def response_link(request, token):
    opened = links.open_link(token, purpose=LINK_PURPOSE)
    link = opened.link
    if link is None or opened.problem:
        return problem_page(request, opened.problem, status=opened.status)
    response = (
        Response.objects.select_related("round__project__county", "participant__municipality", "version__questionnaire")
        .filter(pk=link.object_id)
        .first()
    )
    if response is None:
        return problem_page(request, _("The evaluation no longer exists."), status=404)
    round_ = response.round
    if not round_.is_open or round_.project.is_closed:
        return problem_page(request, _("The evaluation is closed."), status=410)
    if round_.is_past_deadline:
        return problem_page(request, _("The deadline has passed: answers are no longer taken."), status=410)
    if response.is_submitted:
        return problem_page(request, _("The answers were already submitted and can no longer be changed."), status=410)
    if not links.in_scope(request.session, link):
        return code_step(
            request,
            link,
            what=_("The county library asks you to answer “%(title)s” for %(name)s.")
            % {"title": round_.title, "name": response.respondent_name},
        )
    questions = list(response.version.questions.all())
    answers = {a.question_id: a for a in response.answers.all()}
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        if _run(
            request,
            form,
            lambda: answers_services.save_response(
                response=response, by=None, values=form.values(), submit=submit, link=link
            ),
            _("Thank you! Your answers were submitted.")
            if submit
            else _("Your draft was saved. Submit it when you are done."),
        ):
            if submit:
                links.leave_scope(request.session, link)
                return render(request, "evaluations/link_submitted.html", {"round": round_, "response": response})
            return redirect(request.path)
    return render(
        request,
        "evaluations/response.html",
        {
            "round": round_,
            "project": round_.project,
            "response": response,
            "form": form,
            "editable": True,
            "rows": [],
            "is_staff": False,
            "questionnaire": response.version.questionnaire,
            "by_link": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def response_link_revoke(request, pk, link_pk):
    round_ = _round_for_staff(request, pk, manage=True)
    link = get_object_or_404(
        PersonalLink.objects.filter(
            purpose=LINK_PURPOSE, object_id__in=round_.responses.values("pk"), county_id=round_.project.county_id
        ),
        pk=link_pk,
    )
    _run(
        request,
        None,
        lambda: rounds.revoke_response_link(round=round_, link=link, by=request.user),
        _("The personal link to %(email)s was revoked.") % {"email": link.email},
    )
    return redirect(f"{round_.get_absolute_url()}#respondents")


@login_required
@require_POST
def respondent_invite(request, pk, contact_pk):
    round_ = _round_for_staff(request, pk, manage=True)
    municipalities = round_.responses.filter(participant__isnull=False).values("participant__municipality_id")
    contact = get_object_or_404(Contact.objects.filter(municipality_id__in=municipalities), pk=contact_pk)
    try:
        rounds.invite_respondent(round=round_, contact=contact, by=request.user)
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s was invited as library head. Once the invitation is accepted, the evaluation is theirs.")
            % {"name": contact.name},
        )
    return redirect(f"{round_.get_absolute_url()}#respondents")
