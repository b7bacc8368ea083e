"""Evaluation rounds: opening one, its page with the results, asking new participants, closing, and answering a
response."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from projects.services import ProjectError

from .. import selectors
from ..access import access_response
from ..forms import (
    AnswerForm,
    RoundForm,
)
from ..models import Kind
from ..permissions import (
    can_answer,
    can_manage_evaluations,
    can_read_results,
)
from ..services import answers as answers_services
from ..services import rounds
from ..services.base import EvaluationError
from .base import _project_for_evaluations, _round_for_staff, _run


@login_required
def round_create(request, pk):
    project = _project_for_evaluations(request, pk)
    kind = request.GET.get("art") if request.GET.get("art") in Kind.values else Kind.MIDTERM
    questionnaires = selectors.questionnaires_for(project, kind)
    first = questionnaires.first()
    initial = {
        "kind": kind,
        "deadline": timezone.localdate() + timedelta(days=21),
        "questionnaire": first,
        "include_experts": kind == Kind.MIDTERM,
    }
    form = RoundForm(request.POST or None, questionnaires=questionnaires, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = None

        def action():
            nonlocal created
            created = rounds.open_round(project=project, by=request.user, **form.cleaned_data)

        if _run(request, form, action, None):
            _tell_who_was_reached(request, selectors.round_reach(created))
            return redirect(created)
    include_experts = (
        form.cleaned_data["include_experts"] if form.is_bound and form.is_valid() else initial["include_experts"]
    )
    return render(
        request,
        "evaluations/round_form.html",
        {
            "form": form,
            "project": project,
            "has_questionnaires": first is not None,
            "audience": selectors.round_audience(project, include_experts=include_experts),
        },
    )


def _unreachable_links(municipalities) -> str:
    return mark_safe(
        get_text_list(
            [format_html('<a href="{}">{}</a>', m.get_absolute_url(), m.name) for m in municipalities], _("and")
        )
    )


def _tell_who_was_reached(request, audience: selectors.Audience) -> None:
    """Says who got the e-mail and who could not be reached, never "everyone" when someone was not."""
    if not audience.unreachable:
        messages.success(
            request,
            ngettext(
                "The evaluation is open and was e-mailed to the %(total)s respondent.",
                "The evaluation is open and was e-mailed to all %(total)s respondents.",
                audience.total,
            )
            % {"total": audience.total},
        )
        return
    messages.warning(
        request,
        format_html(
            "{} {}",
            _("The evaluation is open. E-mailed to %(reached)s of %(total)s;")
            % {"reached": audience.reached, "total": audience.total},
            format_html(
                ngettext(
                    "{} has no library head with an e-mail address: invite one on the municipality's page.",
                    "{} have no library head with an e-mail address: invite one on each municipality's page.",
                    len(audience.unreachable),
                ),
                _unreachable_links(audience.unreachable),
            ),
        ),
    )


@login_required
def round_detail(request, pk):
    """The results: per question distribution and mean, free-text answers, who answered; goal by goal."""
    round_ = _round_for_staff(request, pk)
    project = round_.project
    context = selectors.round_results(round_)
    conclusions = {}
    if round_.kind == Kind.MAPPING:
        conclusions = {c.municipality_id: c for c in round_.conclusions.all()}
    for response in context["responses"]:
        response.conclusion = conclusions.get(response.participant.municipality_id) if response.participant_id else None
    context.update(
        {
            "round": round_,
            "project": project,
            "goals": selectors.goal_progress(project) if round_.kind != Kind.MAPPING else [],
            "corrections": list(selectors.corrections_of(project).filter(round=round_)),
            "can_manage": can_manage_evaluations(request.user, project),
            "not_asked": (
                [p.municipality.name for p in rounds.participants_not_asked(round_)]
                + [user.get_full_name() for user in rounds.experts_not_asked(round_)]
                if round_.is_open
                else []
            ),
            "links": selectors.response_links(round_),
        }
    )
    return render(request, "evaluations/round_detail.html", context)


@login_required
@require_POST
def round_ask_new(request, pk):
    round_ = _round_for_staff(request, pk, manage=True)
    try:
        count = rounds.ask_new_participants(round=round_, by=request.user)
    except (EvaluationError, ProjectError) as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "The evaluation was sent to %(count)s new recipient.",
                    "The evaluation was sent to %(count)s new recipients.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Everyone is already asked: the evaluation was not sent to anyone new."))
        unreachable = selectors.round_reach(round_).unreachable
        if count and unreachable:
            messages.warning(
                request,
                format_html(
                    ngettext(
                        "{} has no library head with an e-mail address: invite one on the municipality's page.",
                        "{} have no library head with an e-mail address: invite one on each municipality's page.",
                        len(unreachable),
                    ),
                    _unreachable_links(unreachable),
                ),
            )
    return redirect(f"{round_.get_absolute_url()}#respondents")


@login_required
@require_POST
def round_close(request, pk):
    round_ = _round_for_staff(request, pk, manage=True)
    try:
        rounds.close_round(round=round_, by=request.user)
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The evaluation is closed. Drafts that were not submitted are not counted."))
    return redirect(round_)


@login_required
def response(request, pk, response_pk):
    """The respondent answers here (drafts, then submit once); county staff read the answers."""
    answer = access_response(request.user, pk, response_pk, answer=request.method == "POST")
    round_ = answer.round
    may_answer = can_answer(request.user, answer)
    is_staff = can_read_results(request.user, round_.project)
    answers = {a.question_id: a for a in answer.answers.all()}
    questions = list(answer.version.questions.all())
    editable = (
        may_answer
        and not answer.is_submitted
        and round_.is_open
        and not round_.is_past_deadline
        and not round_.project.is_closed
    )
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        message = (
            _("Thank you! Your answers were submitted.")
            if submit
            else _("Your draft was saved. Submit it when you are done.")
        )
        if _run(
            request,
            form,
            lambda: answers_services.save_response(
                response=answer, by=request.user, values=form.values(), submit=submit
            ),
            message,
        ):
            return redirect(answer)
        answer.refresh_from_db()
    return render(
        request,
        "evaluations/response.html",
        {
            "round": round_,
            "project": round_.project,
            "response": answer,
            "form": form,
            "editable": editable,
            "rows": selectors.answers_of(answer) if not editable else [],
            "is_staff": is_staff,
            "questionnaire": answer.version.questionnaire,
        },
        status=400 if request.method == "POST" else 200,
    )
