"""Lessons learned: a project's, the county's log with filters, and its Markdown, PDF and Word exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.pdf import DocumentError
from documents.word import DOCX_MIMETYPE
from municipalities.selectors import get_county_for_staff
from projects.access import access_project
from projects.models import Project
from shell.freshness import render_kept

from .. import export, selectors
from ..forms import (
    LessonFilterForm,
    LessonForm,
)
from ..permissions import can_write_lessons
from ..services import lessons as lessons_services
from .base import _form_page, _run


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
        if _run(
            request,
            form,
            lambda: lessons_services.save_lesson(project=project, by=request.user, **form.cleaned_data),
            _("The lesson was added."),
        ):
            return redirect("evaluations:project-lessons", pk=project.pk)
    lessons = selectors.list_lessons(project.county, project=project)
    return render(
        request,
        "evaluations/project_lessons.html",
        {
            "project": project,
            "sections": selectors.by_section(lessons),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def lesson_edit(request, pk, lesson_pk):
    project = _project_for_lessons(request, pk)
    lesson = selectors.get_lesson(project, lesson_pk)
    form = LessonForm(
        request.POST or None,
        county=project.county,
        initial={
            "section": lesson.section,
            "text": lesson.text,
            "kind": lesson.kind,
            "theme": lesson.theme_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: lessons_services.save_lesson(project=project, by=request.user, lesson=lesson, **form.cleaned_data),
            _("The lesson was saved."),
        ):
            return redirect("evaluations:project-lessons", pk=project.pk)
    return _form_page(
        request,
        form,
        project=project,
        heading=_("Edit lesson"),
        back=reverse("evaluations:project-lessons", kwargs={"pk": project.pk}),
    )


@login_required
@require_POST
def lesson_delete(request, pk, lesson_pk):
    project = _project_for_lessons(request, pk)
    lessons_services.delete_lesson(lesson=selectors.get_lesson(project, lesson_pk), by=request.user)
    messages.success(request, _("The lesson was removed."))
    return redirect("evaluations:project-lessons", pk=project.pk)


def _filtered_lessons(request, county):
    filters = LessonFilterForm(request.GET or None, county=county)
    data = filters.cleaned_data if filters.is_valid() else {}
    lessons = selectors.list_lessons(
        county,
        search=data.get("q", ""),
        project=data.get("project"),
        theme=data.get("theme"),
        kind=data.get("kind", ""),
        section=data.get("section", ""),
        ids=data.get("id") or None,
    )
    return filters, lessons, any(value for value in data.values())


@login_required
def lessons_log(request, number):
    county = get_county_for_staff(request.user, number)

    def content() -> dict:
        filters, lessons, is_filtered = _filtered_lessons(request, county)
        page = Paginator(lessons, 25).get_page(request.GET.get("page"))
        return {
            "filters": filters,
            "page_obj": page,
            "is_filtered": is_filtered,
            "export_query": request.GET.urlencode(),
        }

    return render_kept(request, "evaluations/lessons_log.html", {"county": county}, content)


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


@login_required
@require_GET
def lessons_docx(request, number):
    county = get_county_for_staff(request.user, number)
    _filters, lessons, _is_filtered = _filtered_lessons(request, county)
    docx = export.lessons_docx(lessons, county=county, title=_export_title(county), lang=get_language())
    response = HttpResponse(docx, content_type=DOCX_MIMETYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"erfaringer-{county.number}-{timezone.localdate():%Y-%m-%d}.docx"
    )
    return response
