"""The project list, its CSV export, the project page with its parts, goals and indicators."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.exports import respond
from municipalities.access import require
from municipalities.permissions import is_member_of, is_staff_anywhere
from municipalities.selectors import list_staff_counties
from shell.forms import apply_validation_error, run_service
from shell.freshness import render_kept

from .. import selectors, services
from ..access import (
    access_goal,
    access_indicator,
    access_project,
)
from ..forms import (
    BliNyForm,
    GoalForm,
    IndicatorForm,
    MeasurementForm,
    ProjectFilterForm,
    ProjectForm,
)
from ..history import project_history
from ..models import Project
from ..permissions import (
    can_change_project_status,
    can_create_bli_ny,
    can_edit_project,
    can_view_history,
    can_view_staff_parts,
)
from ..sections import PROJECT_SECTIONS, project_sections

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(services.ProjectError,))


# ------------------------------------------------------------------- project list


def _filtered_projects(request):
    filters = ProjectFilterForm(request.GET or None, user=request.user)
    data = filters.cleaned_data if filters.is_valid() else {}
    projects = selectors.list_projects(
        request.user,
        search=data.get("q", ""),
        status=data.get("status", ""),
        theme=data.get("theme"),
        municipality=data.get("municipality"),
        leader=data.get("leader"),
        sort=data.get("sort") or "-start",
    )
    return filters, projects, any(value for key, value in data.items() if key != "sort")


@login_required
def project_list(request):
    def content() -> dict:
        filters, projects, is_filtered = _filtered_projects(request)
        filters.read_choices()
        page = Paginator(projects, 25).get_page(request.GET.get("page"))
        return {
            "page_obj": page,
            "filters": filters,
            "is_filtered": is_filtered,
            "can_create": is_staff_anywhere(request.user),
            "export_query": request.GET.urlencode(),
        }

    return render_kept(request, "projects/project_list.html", {}, content)


def _export_params(request) -> dict:
    return {key: value for key, value in request.GET.items() if key in ProjectFilterForm.base_fields}


@login_required
def project_export(request):
    """The filtered list as CSV for Excel: the same columns as the .xlsx (the kind "project-list" is
    planning's, which knows the money; every cell is formula-safe, see documents.spreadsheet)."""
    return respond(request, "project-list", _export_params(request), fmt="csv")


@login_required
@require_GET
def project_export_xlsx(request):
    """The filtered list as .xlsx, with each project's money, late milestones and health."""
    return respond(request, "project-list", _export_params(request))


# ------------------------------------------------------------------- a project


@login_required
def project_create(request):
    counties = list_staff_counties(request.user)
    require(bool(counties))
    county = next((c for c in counties if c.number == request.GET.get("fylke")), counties[0])
    form = ProjectForm(request.POST or None, county=county, initial={"leaders": [request.user]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(county=county, by=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "county": county, "counties": counties})


@login_required
def project_detail(request, pk):
    """The project page: overview first; the plan and money, follow-up, evaluations and agreements
    parts load right after it (`project_section`), so the page itself stays within its query budget."""
    project = access_project(request.user, pk)
    return render_kept(
        request, "projects/project_detail.html", {"project": project}, lambda: _detail_context(request, project)
    )


def _detail_context(request, project) -> dict:
    user = request.user
    participants = list(selectors.get_participants(project))
    requirements = list(selectors.get_requirements(project))
    is_staff = can_view_staff_parts(user, project)
    readable = selectors.readable_participant_ids(user, project)
    own_participants = [p for p in participants if is_member_of(user, p.municipality_id)]
    return {
        "goals": selectors.get_goals(
            project, municipality_ids=None if is_staff else {p.municipality_id for p in own_participants} or None
        ),
        "participants": selectors.requirement_overview(participants, requirements, readable=readable),
        "requirements": requirements,
        "partners": project.partners.select_related("organisation"),
        "experts": selectors.list_experts(project) if is_staff else [],
        "leaders": project.leaders.all(),
        "successors": project.successors.all(),
        "can_edit": can_edit_project(user, project),
        "can_change_status": can_change_project_status(user, project),
        "is_staff": is_staff,
        "can_view_history": can_view_history(user, project),
        "own_participants": own_participants,
        "lazy_sections": [
            _section_link(project, section.key) for section in project_sections() if is_staff or not section.staff_only
        ],
    }


def _section_link(project, key) -> dict:
    return {
        "key": key,
        "label": PROJECT_SECTIONS[key].label,
        "url": reverse("projects:project-section", kwargs={"pk": project.pk, "section": key}),
    }


@login_required
def project_section(request, pk, section):
    """One part of the project page: a fragment for htmx, or a page of its own without JavaScript."""
    if section not in PROJECT_SECTIONS:
        raise Http404
    project = access_project(request.user, pk)
    part = PROJECT_SECTIONS[section]
    is_staff = can_view_staff_parts(request.user, project)
    if part.staff_only and not is_staff:
        raise Http404
    context = {
        "project": project,
        "is_staff": is_staff,
        "can_edit": can_edit_project(request.user, project),
        "section": _section_link(project, section) | {"template": part.template},
        **part.context(request, project),
    }
    return render(request, part.template if request.htmx else "projects/project_section.html", context)


@login_required
def project_history_view(request, pk):
    """The change history of a project and its goals, participants, requirements and partners (county staff).

    The project page loads it when its History section is opened (htmx), so the page itself stays light.
    """
    project = access_project(request.user, pk)
    if not can_view_history(request.user, project):
        raise Http404
    template = "projects/partials/_history_list.html" if request.htmx else "projects/project_history.html"
    return render(request, template, {"project": project, "changes": project_history(project)})


@login_required
def project_edit(request, pk):
    project = access_project(request.user, pk, edit=True)
    form = ProjectForm(request.POST or None, instance=project, county=project.county)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        leaders = data.pop("leaders")
        form.instance.refresh_from_db()  # the form wrote into the instance; the service compares
        if _run(
            request,
            form,
            lambda: services.update_project(project=project, by=request.user, leaders=leaders, **data),
            _("The project was saved."),
        ):
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project, "county": project.county})


@login_required
@require_POST
def project_status(request, pk):
    project = access_project(request.user, pk)
    require(can_change_project_status(request.user, project))
    to = request.POST.get("to", "")
    if to not in Project.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(project)
    try:
        services.change_project_status(project=project, to=to, by=request.user, reason=request.POST.get("reason", ""))
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The project is now: %(status)s.") % {"status": Project.Status(to).label})
    return redirect(project)


@login_required
def project_bli_ny(request, pk):
    """Creates a Bli-ny project (a last chance to carry out planned changes) from this one."""
    project = access_project(request.user, pk)
    require(can_create_bli_ny(request.user, project))
    form = BliNyForm(request.POST or None, initial={"title": _("Bli-ny: %(title)s") % {"title": project.title}})
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.create_bli_ny(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The Bli-ny project was created with the same participants."))
            return redirect(successor)
    return render(
        request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("New Bli-ny project")}
    )


# ---------------------------------------------------------- goals and indicators


@login_required
def goal_edit(request, pk, goal_pk=None):
    project = access_project(request.user, pk, edit=goal_pk is None)
    goal = access_goal(request.user, project, goal_pk, edit=True) if goal_pk else None
    form = GoalForm(request.POST or None, initial={"text": goal.text} if goal else None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.save_goal(project=project, by=request.user, goal=goal, **form.cleaned_data),
            _("The goal was saved."),
        ):
            return redirect(f"{project.get_absolute_url()}#goals")
    heading = _("Edit goal") if goal else _("New goal")
    delete_url = reverse("projects:goal-delete", kwargs={"pk": project.pk, "goal_pk": goal.pk}) if goal else None
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": heading, "delete_url": delete_url},
    )


@login_required
@require_POST
def goal_delete(request, pk, goal_pk):
    project = access_project(request.user, pk)
    goal = access_goal(request.user, project, goal_pk, edit=True)
    services.delete_goal(goal=goal, by=request.user)
    messages.success(request, _("The goal was removed."))
    return redirect(f"{project.get_absolute_url()}#goals")


@login_required
def indicator_edit(request, pk, goal_pk, indicator_pk=None):
    project = access_project(request.user, pk)
    goal = access_goal(request.user, project, goal_pk, edit=indicator_pk is None)
    indicator = access_indicator(request.user, project, indicator_pk, goal=goal, edit=True) if indicator_pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in IndicatorForm.Meta.fields}
        if indicator:
            indicator.refresh_from_db()
        if _run(
            request,
            form,
            lambda: services.save_indicator(project=project, goal=goal, indicator=indicator, by=request.user, **data),
            _("The indicator was saved."),
        ):
            return redirect(f"{project.get_absolute_url()}#goals")
    heading = _("Edit indicator") if indicator else _("New indicator")
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": heading, "subheading": goal.text},
    )


@login_required
def measurement_create(request, pk, indicator_pk):
    project = access_project(request.user, pk)
    indicator = access_indicator(request.user, project, indicator_pk, edit=True)
    form = MeasurementForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.record_measurement(indicator=indicator, by=request.user, **form.cleaned_data),
            _("The measurement was saved."),
        ):
            return redirect(f"{project.get_absolute_url()}#goals")
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": _("New measurement"), "subheading": indicator.name},
    )
