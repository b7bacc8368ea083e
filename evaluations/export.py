"""Lessons learned as Markdown, PDF and Word, in the five sections of the county library's own record."""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from documents.pdf import render_pdf
from documents.word import render_docx

from .selectors import by_section


def _item(lesson, *, with_project: bool) -> str:
    # One list item per lesson; a lesson written over several lines stays inside its item.
    text = "\n  ".join(line.strip() for line in lesson.text.strip().splitlines() if line.strip())
    return f"- {text}" + (f" *({lesson.project.title})*" if with_project else "")


def lessons_markdown(lessons, *, title: str, lang: str = "nb") -> str:
    """All five sections, in order, each with its lessons ("–" when it has none)."""
    lessons = list(lessons)
    with_project = len({lesson.project_id for lesson in lessons}) > 1
    with translation.override(lang):
        lines = [f"# {title}", ""]
        projects = sorted({lesson.project.title for lesson in lessons})
        if projects:
            lines += [_("Projects: %(projects)s") % {"projects": ", ".join(projects)}, ""]
        for heading, items in by_section(lessons):
            lines += [f"## {heading}", ""]
            lines += [_item(lesson, with_project=with_project) for lesson in items] or ["–"]
            lines.append("")
        lines.append(
            _("Exported from Fremdrift on %(date)s.") % {"date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")}
        )
    return "\n".join(lines) + "\n"


def _document_context(lessons, *, county) -> dict:
    lessons = list(lessons)
    return {
        "county": county,
        "sections": by_section(lessons),
        "projects": sorted({lesson.project.title for lesson in lessons}),
        "with_project": len({lesson.project_id for lesson in lessons}) > 1,
        "made_on": timezone.localdate(),
    }


def lessons_pdf(lessons, *, county, title: str, lang: str = "nb") -> bytes:
    """Raises documents.pdf.DocumentError."""
    return render_pdf("pdf/lessons.html", _document_context(lessons, county=county), title=title, lang=lang)


def lessons_docx(lessons, *, county, title: str, lang: str = "nb") -> bytes:
    """The same document as the PDF, as .docx: the five sections as headings, each lesson a list item."""
    return render_docx("pdf/lessons.html", _document_context(lessons, county=county), title=title, lang=lang)
