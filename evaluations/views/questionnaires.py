"""The county's questionnaires and their questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from municipalities.selectors import get_county_for_staff

from .. import selectors
from ..access import access_questionnaire
from ..forms import (
    QuestionForm,
    QuestionnaireForm,
)
from ..models import Question
from ..services import questionnaires as questionnaires_services
from .base import _form_page, _run


@login_required
def questionnaire_list(request, number):
    county = get_county_for_staff(request.user, number)
    page = Paginator(selectors.list_questionnaires(county), 25).get_page(request.GET.get("page"))
    return render(request, "evaluations/questionnaire_list.html", {"county": county, "page_obj": page})


@login_required
def questionnaire_create(request, number):
    county = get_county_for_staff(request.user, number)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        questionnaire = None

        def action():
            nonlocal questionnaire
            questionnaire = questionnaires_services.create_questionnaire(
                county=county, by=request.user, **form.cleaned_data
            )

        if _run(request, form, action, _("The questionnaire was created. Add its questions.")):
            return redirect(questionnaire)
    return _form_page(
        request,
        form,
        heading=_("New questionnaire"),
        back=reverse("evaluations:questionnaire-list", kwargs={"number": number}),
    )


def _questionnaire(request, pk):
    return access_questionnaire(request.user, pk)


@login_required
def questionnaire_detail(request, pk):
    questionnaire = _questionnaire(request, pk)
    versions = list(questionnaire.versions.prefetch_related("questions", "rounds__project"))
    current = versions[0]
    return render(
        request,
        "evaluations/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "current": current,
            "questions": list(current.questions.all()),
            "versions": versions,
            "answered": questionnaires_services.version_has_answers(current),
        },
    )


@login_required
def questionnaire_edit(request, pk):
    questionnaire = _questionnaire(request, pk)
    form = QuestionnaireForm(
        request.POST or None,
        initial={
            "title": questionnaire.title,
            "kind": questionnaire.kind,
            "description": questionnaire.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: questionnaires_services.update_questionnaire(
                questionnaire=questionnaire, by=request.user, **form.cleaned_data
            ),
            _("The questionnaire was saved."),
        ):
            return redirect(questionnaire)
    return _form_page(
        request,
        form,
        heading=_("Edit questionnaire"),
        subheading=questionnaire.title,
        back=questionnaire.get_absolute_url(),
    )


@login_required
def question_edit(request, pk, question_pk=None):
    questionnaire = _questionnaire(request, pk)
    question = (
        get_object_or_404(Question, pk=question_pk, version__questionnaire=questionnaire) if question_pk else None
    )
    initial = None
    if question:
        initial = {
            "text": question.text,
            "type": question.type,
            "help_text": question.help_text,
            "is_required": question.is_required,
            "options": "\n".join(question.options),
            "low_label": question.low_label,
            "high_label": question.high_label,
            "order": question.order,
        }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        answered = questionnaires_services.version_has_answers(questionnaires_services.current_version(questionnaire))
        message = (
            _("The question was saved in a new version; earlier answers keep the version they answered.")
            if answered
            else _("The question was saved.")
        )
        if _run(
            request,
            form,
            lambda: questionnaires_services.save_question(
                questionnaire=questionnaire, by=request.user, question=question, **form.cleaned_data
            ),
            message,
        ):
            return redirect(questionnaire)
    heading = _("Edit question") if question else _("New question")
    return _form_page(
        request, form, heading=heading, subheading=questionnaire.title, back=questionnaire.get_absolute_url()
    )


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    questionnaire = _questionnaire(request, pk)
    question = get_object_or_404(Question, pk=question_pk, version__questionnaire=questionnaire)
    questionnaires_services.delete_question(questionnaire=questionnaire, question=question, by=request.user)
    messages.success(request, _("The question was removed."))
    return redirect(questionnaire)
