"""Pages for evaluations: questionnaires, rounds and answers, results, conclusions (and their public
page), course corrections, before/after measurements and lessons learned.

Reads go through the project the user may see (404 otherwise); results, conclusions and lessons
are the county staff's (404 for the rest); changes to readable things answer 403.
"""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.pdf import DocumentError
from municipalities.access import require
from municipalities.models import Municipality
from municipalities.selectors import get_county_for_staff
from projects.access import access_project
from projects.models import Indicator, Project
from projects.permissions import can_view_staff_parts
from projects.services import ProjectError
from shell.forms import run_service
from shell.ids import parse_id

from . import export, selectors, services
from .access import (
    access_correction,
    access_project_for_evaluations,
    access_questionnaire,
    access_response,
    access_round,
)
from .forms import (
    AnswerForm,
    ConclusionForm,
    CorrectionForm,
    GoalChangeForm,
    LessonFilterForm,
    LessonForm,
    MeasurementEntryForm,
    MoveMilestoneForm,
    PeriodsForm,
    QuestionForm,
    QuestionnaireForm,
    RoundForm,
    SkipMidtermForm,
    TargetChangeForm,
    TTTIndicatorForm,
)
from .models import Conclusion, Kind, Question
from .permissions import (
    can_answer,
    can_manage_evaluations,
    can_read_results,
    can_record_measurement,
    can_write_lessons,
)

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(services.EvaluationError, ProjectError))


def _form_page(request, form, *, project=None, heading, subheading="", back=None, status=200):
    return render(
        request, "evaluations/form.html",
        {"form": form, "project": project, "heading": heading, "subheading": subheading, "back": back},
        status=status,
    )


# ----------------------------------------------------------- questionnaires


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
            questionnaire = services.create_questionnaire(county=county, by=request.user, **form.cleaned_data)

        if _run(request, form, action, _("The questionnaire was created. Add its questions.")):
            return redirect(questionnaire)
    return _form_page(request, form, heading=_("New questionnaire"), back=reverse("evaluations:questionnaire-list", kwargs={"number": number}))


def _questionnaire(request, pk):
    return access_questionnaire(request.user, pk)


@login_required
def questionnaire_detail(request, pk):
    questionnaire = _questionnaire(request, pk)
    versions = list(questionnaire.versions.prefetch_related("questions", "rounds__project"))
    current = versions[0]
    return render(request, "evaluations/questionnaire_detail.html", {
        "questionnaire": questionnaire,
        "current": current,
        "questions": list(current.questions.all()),
        "versions": versions,
        "answered": services.version_has_answers(current),
    })


@login_required
def questionnaire_edit(request, pk):
    questionnaire = _questionnaire(request, pk)
    form = QuestionnaireForm(request.POST or None, initial={
        "title": questionnaire.title, "kind": questionnaire.kind, "description": questionnaire.description,
    })
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.update_questionnaire(questionnaire=questionnaire, by=request.user, **form.cleaned_data),
                _("The questionnaire was saved.")):
            return redirect(questionnaire)
    return _form_page(request, form, heading=_("Edit questionnaire"), subheading=questionnaire.title, back=questionnaire.get_absolute_url())


@login_required
def question_edit(request, pk, question_pk=None):
    questionnaire = _questionnaire(request, pk)
    question = (
        get_object_or_404(Question, pk=question_pk, version__questionnaire=questionnaire) if question_pk else None
    )
    initial = None
    if question:
        initial = {"text": question.text, "type": question.type, "help_text": question.help_text,
                   "is_required": question.is_required, "options": "\n".join(question.options),
                   "low_label": question.low_label, "high_label": question.high_label, "order": question.order}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        answered = services.version_has_answers(services.current_version(questionnaire))
        message = _("The question was saved in a new version; earlier answers keep the version they answered.") if answered \
            else _("The question was saved.")
        if _run(request, form, lambda: services.save_question(questionnaire=questionnaire, by=request.user, question=question,
                                                              **form.cleaned_data), message):
            return redirect(questionnaire)
    heading = _("Edit question") if question else _("New question")
    return _form_page(request, form, heading=heading, subheading=questionnaire.title, back=questionnaire.get_absolute_url())


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    questionnaire = _questionnaire(request, pk)
    question = get_object_or_404(Question, pk=question_pk, version__questionnaire=questionnaire)
    services.delete_question(questionnaire=questionnaire, question=question, by=request.user)
    messages.success(request, _("The question was removed."))
    return redirect(questionnaire)


# -------------------------------------------------------------------- rounds


def _project_for_evaluations(request, pk) -> Project:
    return access_project_for_evaluations(request.user, pk)


@login_required
def round_create(request, pk):
    project = _project_for_evaluations(request, pk)
    kind = request.GET.get("art") if request.GET.get("art") in Kind.values else Kind.MIDTERM
    questionnaires = selectors.questionnaires_for(project, kind)
    first = questionnaires.first()
    initial = {"kind": kind, "deadline": timezone.localdate() + timedelta(days=21),
               "questionnaire": first, "include_experts": kind == Kind.MIDTERM}
    form = RoundForm(request.POST or None, questionnaires=questionnaires, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = None

        def action():
            nonlocal created
            created = services.open_round(project=project, by=request.user, **form.cleaned_data)

        if _run(request, form, action, _("The evaluation is open, and the respondents have been e-mailed.")):
            return redirect(created)
    return render(request, "evaluations/round_form.html", {
        "form": form, "project": project, "has_questionnaires": first is not None,
    })


def _round_for_staff(request, pk, *, manage: bool = False):
    return access_round(request.user, pk, manage=manage)


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
    context.update({
        "round": round_,
        "project": project,
        "goals": selectors.goal_progress(project) if round_.kind != Kind.MAPPING else [],
        "corrections": list(selectors.corrections_of(project).filter(round=round_)),
        "can_manage": can_manage_evaluations(request.user, project),
        "not_asked": [p.municipality.name for p in services.participants_not_asked(round_)] if round_.is_open else [],
    })
    return render(request, "evaluations/round_detail.html", context)


@login_required
@require_POST
def round_ask_new(request, pk):
    round_ = _round_for_staff(request, pk, manage=True)
    try:
        count = services.ask_new_participants(round=round_, by=request.user)
    except (services.EvaluationError, ProjectError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ngettext("%(count)s more participant was asked.", "%(count)s more participants were asked.",
                                           count) % {"count": count})
    return redirect(f"{round_.get_absolute_url()}#respondents")


@login_required
@require_POST
def round_close(request, pk):
    round_ = _round_for_staff(request, pk, manage=True)
    try:
        services.close_round(round=round_, by=request.user)
    except services.EvaluationError as exc:
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
    editable = may_answer and not answer.is_submitted and round_.is_open and not round_.is_past_deadline and not round_.project.is_closed
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        message = _("Thank you! Your answers were submitted.") if submit else _("Your draft was saved. Submit it when you are done.")
        if _run(request, form, lambda: services.save_response(response=answer, by=request.user, values=form.values(), submit=submit), message):
            return redirect(answer)
        answer.refresh_from_db()
    return render(request, "evaluations/response.html", {
        "round": round_,
        "project": round_.project,
        "response": answer,
        "form": form,
        "editable": editable,
        "rows": selectors.answers_of(answer) if not editable else [],
        "is_staff": is_staff,
        "questionnaire": answer.version.questionnaire,
    }, status=400 if request.method == "POST" else 200)


# --------------------------------------------------------------- conclusions


def _mapping_municipality(request, pk, number, *, manage: bool = False):
    round_ = _round_for_staff(request, pk, manage=manage)
    if round_.kind != Kind.MAPPING:
        raise Http404
    municipality = get_object_or_404(Municipality, number=number, participations__evaluation_responses__round=round_)
    return round_, municipality


@login_required
def conclusion_edit(request, pk, number):
    round_, municipality = _mapping_municipality(request, pk, number, manage=True)
    conclusion = Conclusion.objects.filter(round=round_, municipality=municipality).first()
    form = ConclusionForm(request.POST or None, initial={"text": conclusion.text} if conclusion else None)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.save_conclusion(round=round_, municipality=municipality, by=request.user,
                                                                **form.cleaned_data), _("The conclusion was saved.")):
            return redirect(f"{round_.get_absolute_url()}#conclusions")
    return _form_page(request, form, project=round_.project, heading=_("Conclusion: %(name)s") % {"name": municipality.name},
                      subheading=round_.title, back=round_.get_absolute_url())


@login_required
@require_POST
def conclusion_publish(request, pk, number):
    round_, municipality = _mapping_municipality(request, pk, number, manage=True)
    conclusion = Conclusion.objects.filter(round=round_, municipality=municipality).first()
    if conclusion is None:
        messages.error(request, _("Write the conclusion before publishing it."))
        return redirect(round_)
    publish = request.POST.get("publish") != "0"
    services.publish_conclusion(conclusion=conclusion, by=request.user, publish=publish)
    messages.success(request, _("The conclusion is published on the municipality's public page.") if publish
                     else _("The conclusion is no longer public."))
    return redirect(f"{round_.get_absolute_url()}#conclusions")


@require_GET
def public_conclusions(request, number):
    """Public (no login): the municipality's published mapping conclusions."""
    municipality = get_object_or_404(Municipality.objects.select_related("county"), number=number)
    conclusions = list(
        Conclusion.objects.filter(municipality=municipality, published_on__isnull=False)
        .select_related("round__project").order_by("-published_on", "-id")
    )
    if not conclusions:
        raise Http404
    return render(request, "evaluations/public_conclusions.html", {"municipality": municipality, "conclusions": conclusions})


@require_GET
def public_conclusion(request, number, conclusion_pk):
    conclusion = get_object_or_404(
        Conclusion.objects.select_related("municipality__county", "round__project"),
        pk=conclusion_pk, municipality__number=number, published_on__isnull=False,
    )
    return render(request, "evaluations/public_conclusion.html", {"conclusion": conclusion, "municipality": conclusion.municipality})


# -------------------------------------------------------- course corrections


@login_required
def correction_create(request, pk):
    project = _project_for_evaluations(request, pk)
    round_ = None
    if (round_pk := parse_id(request.GET.get("runde"))) is not None:
        round_ = project.evaluation_rounds.filter(pk=round_pk).first()
    form = CorrectionForm(request.POST or None, initial={"decided_on": timezone.localdate(), "decided_by": request.user.get_full_name()})
    if request.method == "POST" and form.is_valid():
        created = None

        def action():
            nonlocal created
            created = services.record_correction(project=project, by=request.user, round=round_, **form.cleaned_data)

        if _run(request, form, action, _("The decision was recorded. Now make the changes it decides.")):
            return redirect(created)
    return _form_page(request, form, project=project, heading=_("New course correction"),
                      subheading=round_.title if round_ else "", back=round_.get_absolute_url() if round_ else project.get_absolute_url())


@login_required
def correction_detail(request, pk):
    correction = access_correction(request.user, pk)
    project = correction.project
    can_manage = can_manage_evaluations(request.user, project)
    return render(request, "evaluations/correction_detail.html", {
        "correction": correction,
        "project": project,
        "changes": selectors.visible_changes(request.user, correction.changes.all()).select_related(
            "milestone__participant__municipality", "goal", "indicator", "changed_by"),
        "can_manage": can_manage,
        "show_round": correction.round_id and can_read_results(request.user, project),
    })


def _correction_for_change(request, pk):
    return access_correction(request.user, pk, manage=True)


def _correction_change(request, pk, form_class, change, *, success, heading):
    """One change a course correction makes (milestone, goal or target), through its form."""
    correction = _correction_for_change(request, pk)
    form = form_class(request.POST or None, project=correction.project)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: change(correction=correction, by=request.user, **form.cleaned_data), success):
            return redirect(correction)
    return _form_page(request, form, project=correction.project, heading=heading,
                      subheading=correction.decision, back=correction.get_absolute_url())


@login_required
def correction_milestone(request, pk):
    return _correction_change(request, pk, MoveMilestoneForm, services.move_milestone,
                              success=_("The milestone was moved."), heading=_("Move a milestone"))


@login_required
def correction_goal(request, pk):
    return _correction_change(request, pk, GoalChangeForm, services.change_goal,
                              success=_("The goal was changed."), heading=_("Change or add a goal"))


@login_required
def correction_target(request, pk):
    return _correction_change(request, pk, TargetChangeForm, services.change_target,
                              success=_("The target was changed."), heading=_("Change a target"))


@login_required
def midterm_skip(request, pk):
    project = _project_for_evaluations(request, pk)
    form = SkipMidtermForm(request.POST or None, initial={"reason": project.midterm_skip_reason})
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.skip_midterm(project=project, by=request.user, **form.cleaned_data),
                _("The reason for skipping the mid-term evaluation was recorded.")):
            return redirect(f"{project.get_absolute_url()}#evaluations")
    return _form_page(request, form, project=project, heading=_("Skip the mid-term evaluation"),
                      subheading=_("A project can only move to closing after a mid-term evaluation, or with a recorded reason for skipping it."),
                      back=project.get_absolute_url())


# ------------------------------------------------------- measurements (TTT)


@login_required
def ttt(request, pk):
    """The before/after measurements: what is counted, the periods, a chart per indicator and library."""
    user = request.user
    project = access_project(user, pk)
    libraries = list(selectors.readable_libraries(user, project))
    return render(request, "evaluations/ttt.html", {
        "project": project,
        "periods": selectors.periods_of(project),
        "overview": selectors.ttt_overview(project, libraries),
        "can_define": can_manage_evaluations(user, project),
        "can_record": can_record_measurement(user, project, libraries),
        "recent": selectors.recent_measurements(project, libraries=libraries),
        "all_libraries": can_view_staff_parts(user, project),
    })


@login_required
def ttt_indicator(request, pk):
    project = _project_for_evaluations(request, pk)
    form = TTTIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.save_ttt_indicator(project=project, by=request.user, **form.cleaned_data),
                _("The measurement was added.")):
            return redirect("evaluations:ttt", pk=project.pk)
    return _form_page(request, form, project=project, heading=_("What is measured before and after"),
                      back=reverse("evaluations:ttt", kwargs={"pk": project.pk}))


@login_required
def ttt_periods(request, pk):
    project = _project_for_evaluations(request, pk)
    periods = selectors.periods_of(project)
    initial = {}
    for name, period in periods.items():
        initial |= {f"{name}_starts_on": period.starts_on, f"{name}_ends_on": period.ends_on}
    form = PeriodsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.set_measurement_periods(project=project, by=request.user, **form.cleaned_data),
                _("The periods were saved.")):
            return redirect("evaluations:ttt", pk=project.pk)
    return _form_page(request, form, project=project, heading=_("Before and after periods"),
                      back=reverse("evaluations:ttt", kwargs={"pk": project.pk}))


@login_required
def ttt_record(request, pk):
    """Library heads enter values for their municipality's libraries; county staff for any taking part."""
    user = request.user
    project = access_project(user, pk)
    libraries = selectors.readable_libraries(user, project)
    require(can_record_measurement(user, project, list(libraries)))
    indicators = Indicator.objects.filter(project=project, goal__isnull=True).order_by("name")
    form = MeasurementEntryForm(request.POST or None, indicators=indicators, libraries=libraries)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.record_library_measurement(by=user, **form.cleaned_data), _("The value was saved.")):
            return redirect("evaluations:ttt", pk=project.pk)
    return _form_page(request, form, project=project, heading=_("Enter a counted value"),
                      subheading=_("Count in the before period and again in the after period, the same way both times."),
                      back=reverse("evaluations:ttt", kwargs={"pk": project.pk}))


# -------------------------------------------------------------------- lessons


def _project_for_lessons(request, pk) -> Project:
    project = access_project(request.user, pk)
    if not can_write_lessons(request.user, project):
        raise Http404
    return project


@login_required
def project_lessons(request, pk):
    project = _project_for_lessons(request, pk)
    form = LessonForm(request.POST or None, county=project.county, initial={"theme": project.theme_id})
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.save_lesson(project=project, by=request.user, **form.cleaned_data),
                _("The lesson was added.")):
            return redirect("evaluations:project-lessons", pk=project.pk)
    lessons = selectors.list_lessons(project.county, project=project)
    return render(request, "evaluations/project_lessons.html", {
        "project": project, "sections": selectors.by_section(lessons), "form": form,
    }, status=400 if request.method == "POST" else 200)


@login_required
def lesson_edit(request, pk, lesson_pk):
    project = _project_for_lessons(request, pk)
    lesson = selectors.get_lesson(project, lesson_pk)
    form = LessonForm(request.POST or None, county=project.county, initial={
        "section": lesson.section, "text": lesson.text, "kind": lesson.kind, "theme": lesson.theme_id,
    })
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.save_lesson(project=project, by=request.user, lesson=lesson, **form.cleaned_data),
                _("The lesson was saved.")):
            return redirect("evaluations:project-lessons", pk=project.pk)
    return _form_page(request, form, project=project, heading=_("Edit lesson"),
                      back=reverse("evaluations:project-lessons", kwargs={"pk": project.pk}))


@login_required
@require_POST
def lesson_delete(request, pk, lesson_pk):
    project = _project_for_lessons(request, pk)
    services.delete_lesson(lesson=selectors.get_lesson(project, lesson_pk), by=request.user)
    messages.success(request, _("The lesson was removed."))
    return redirect("evaluations:project-lessons", pk=project.pk)


def _filtered_lessons(request, county):
    filters = LessonFilterForm(request.GET or None, county=county)
    data = filters.cleaned_data if filters.is_valid() else {}
    lessons = selectors.list_lessons(
        county, search=data.get("q", ""), project=data.get("project"), theme=data.get("theme"),
        kind=data.get("kind", ""), section=data.get("section", ""), ids=data.get("id") or None,
    )
    return filters, lessons, any(value for value in data.values())


@login_required
def lessons_log(request, number):
    county = get_county_for_staff(request.user, number)
    filters, lessons, is_filtered = _filtered_lessons(request, county)
    page = Paginator(lessons, 25).get_page(request.GET.get("page"))
    return render(request, "evaluations/lessons_log.html", {
        "county": county, "filters": filters, "page_obj": page, "is_filtered": is_filtered,
        "export_query": request.GET.urlencode(),
    })


def _export_title(county) -> str:
    return _("Lessons learned – %(county)s") % {"county": county.name}


@login_required
@require_GET
def lessons_markdown(request, number):
    county = get_county_for_staff(request.user, number)
    _filters, lessons, _is_filtered = _filtered_lessons(request, county)
    text = export.lessons_markdown(lessons, title=_export_title(county), lang=get_language())
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"erfaringer-{county.number}-{timezone.localdate():%Y-%m-%d}.md"
    )
    return response


@login_required
@require_GET
def lessons_pdf(request, number):
    county = get_county_for_staff(request.user, number)
    _filters, lessons, _is_filtered = _filtered_lessons(request, county)
    try:
        pdf = export.lessons_pdf(lessons, county=county, title=_export_title(county), lang=get_language())
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("evaluations:lessons-log", number=number)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"erfaringer-{county.number}-{timezone.localdate():%Y-%m-%d}.pdf"
    )
    return response
