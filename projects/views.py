"""Project pages: list, page, forms for goals, participants, requirements, partners and experts.

Every view reads through `Project.objects.visible_to` (404 for what the user may
not see) and checks the permission predicate for changes (403).
"""

from decimal import ROUND_DOWN, Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.spreadsheet import csv_response
from municipalities.models import County
from pages.forms import apply_validation_error, run_service

from . import planning, selectors, services
from .forms import (
    BliNyForm,
    ComplianceForm,
    ExpertForm,
    FollowUpForm,
    GoalForm,
    IndicatorForm,
    InviteParticipantsForm,
    MeasurementForm,
    ParticipantForm,
    PartnerForm,
    ProjectFilterForm,
    ProjectForm,
    RequirementForm,
    WithdrawForm,
)
from .history import project_history
from .models import BriefingItem, ExpertAssignment, Goal, Indicator, Participant, Project, ProjectPartner, Requirement
from .permissions import can_change_project_status, can_commit, can_edit_project, can_view_expert, can_view_history


def project_followup_context(user, project) -> dict:
    from .followup_views import project_followup_context as context  # the follow-up pages build on this module

    return context(user, project)


def participant_followup_context(user, participant) -> dict:
    from .followup_views import participant_followup_context as context

    return context(user, participant)


def _project_for_edit(request, pk) -> Project:
    project = selectors.get_project(request.user, pk)
    if not can_edit_project(request.user, project):
        raise PermissionDenied
    return project


def _participant(project, participant_pk) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("municipality", "library", "mentor", "project"), pk=participant_pk, project=project
    )


# A view calls a service through this: see pages.forms.run_service.
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
    filters, projects, is_filtered = _filtered_projects(request)
    page = Paginator(projects, 25).get_page(request.GET.get("page"))
    counties = County.objects.filter(pk__in=request.user.access.staff_county_ids)
    return render(
        request,
        "projects/project_list.html",
        {"page_obj": page, "filters": filters, "is_filtered": is_filtered, "can_create": counties.exists(),
         "export_query": request.GET.urlencode()},
    )


@login_required
def project_export(request):
    """The filtered list as CSV for Excel (see documents.spreadsheet: every cell is formula-safe)."""
    _filters, projects, _is_filtered = _filtered_projects(request)
    today = timezone.localdate()

    def rows():
        for project in projects:
            days = (project.end_on - project.start_on).days or 1
            passed = min(max((today - project.start_on).days, 0), days)
            yield [
                project.title,
                project.get_status_display(),
                project.theme.name,
                project.county.name,
                project.start_on,
                project.end_on,
                ", ".join(leader.get_full_name() for leader in project.leaders.all()),
                project.participant_count,
                (Decimal(passed * 100) / days).quantize(Decimal("0.1"), rounding=ROUND_DOWN),
            ]

    return csv_response(
        filename=f"prosjekter-{today:%Y-%m-%d}.csv",
        header=[_("Title"), _("Status"), _("Theme"), _("County"), _("Start"), _("End"), _("Project leaders"),
                _("Participants"), _("Share of period passed (%)")],
        rows=rows(),
    )


# ------------------------------------------------------------------- a project


@login_required
def project_create(request):
    counties = list(County.objects.filter(pk__in=request.user.access.staff_county_ids))
    if not counties:
        raise PermissionDenied
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
    project = selectors.get_project(request.user, pk)
    participants = list(selectors.get_participants(project))
    requirements = list(selectors.get_requirements(project))
    user = request.user
    is_staff = project.county_id in user.access.staff_county_ids
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "goals": selectors.get_goals(project),
            "participants": selectors.requirement_overview(participants, requirements),
            "requirements": requirements,
            "partners": project.partners.select_related("organisation"),
            "experts": selectors.list_experts(project) if is_staff else [],
            "leaders": project.leaders.all(),
            "followups": project.followups.all(),
            "can_edit": can_edit_project(user, project),
            "can_change_status": can_change_project_status(user, project),
            "is_staff": is_staff,
            "can_view_history": can_view_history(user, project),
            "own_participants": [p for p in participants if p.municipality_id in user.access.municipality_ids],
            "lazy_sections": [_section_link(project, key) for key, (*_, staff_only) in PROJECT_SECTIONS.items()
                              if is_staff or not staff_only],
        },
    )


def _plan_context(request, project) -> dict:
    participants = list(project.participants.taking_part().select_related("municipality"))
    budgets = list(planning.budgets_with_releases(participant__project=project))
    stakeholders = planning.stakeholder_check(project, participants)
    by_participant = {budget.participant_id: budget for budget in budgets}
    return {
        "capacity": planning.capacity_for(project, participants=participants),
        "stakeholder_rows": stakeholders,
        "stakeholder_gaps": sum(len(row.missing) for row in stakeholders),
        "money": planning.money_totals(budgets),
        "budget_rows": [(p, by_participant[p.pk]) for p in participants if p.pk in by_participant],
        "handbook_pages": project.handbook_pages.all(),
    }


def _participants_context(request, project) -> dict:
    return {"participants": list(project.participants.select_related("municipality"))}


def _followup_context(request, project) -> dict:
    return project_followup_context(request.user, project)


# The parts of the project page that load after it: (label, template, context, staff only).
PROJECT_SECTIONS = {
    "plan": (_("Plan and money"), "projects/partials/_project_plan.html", _plan_context, True),
    "oppfolging": (_("Progress and follow-up"), "projects/partials/_project_followup.html", _followup_context, False),
    "evaluering": (_("Evaluations"), "evaluations/partials/_project_evaluations.html", lambda request, project: {}, False),
    "avtaler": (_("Agreements"), "agreements/partials/_project_agreements.html", _participants_context, False),
}


def _section_link(project, key) -> dict:
    return {"key": key, "label": PROJECT_SECTIONS[key][0],
            "url": reverse("projects:project-section", kwargs={"pk": project.pk, "section": key})}


@login_required
def project_section(request, pk, section):
    """One part of the project page: a fragment for htmx, or a page of its own without JavaScript."""
    if section not in PROJECT_SECTIONS:
        raise Http404
    project = selectors.get_project(request.user, pk)
    label, template, build_context, staff_only = PROJECT_SECTIONS[section]
    is_staff = project.county_id in request.user.access.staff_county_ids
    if staff_only and not is_staff:
        raise Http404
    context = {
        "project": project,
        "is_staff": is_staff,
        "can_edit": can_edit_project(request.user, project),
        "section": _section_link(project, section) | {"template": template},
        **build_context(request, project),
    }
    return render(request, template if request.htmx else "projects/project_section.html", context)


@login_required
def project_history_view(request, pk):
    """The change history of a project and its goals, participants, requirements and partners (county staff).

    The project page loads it when its History section is opened (htmx), so the page itself stays light.
    """
    project = selectors.get_project(request.user, pk)
    if not can_view_history(request.user, project):
        raise Http404
    template = "projects/partials/_history_list.html" if request.htmx else "projects/project_history.html"
    return render(request, template, {"project": project, "changes": project_history(project)})


@login_required
def project_edit(request, pk):
    project = _project_for_edit(request, pk)
    form = ProjectForm(request.POST or None, instance=project, county=project.county)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        leaders = data.pop("leaders")
        form.instance.refresh_from_db()  # the form wrote into the instance; the service compares
        if _run(request, form, lambda: services.update_project(project=project, by=request.user, leaders=leaders, **data),
                _("The project was saved.")):
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project, "county": project.county})


@login_required
@require_POST
def project_status(request, pk):
    project = selectors.get_project(request.user, pk)
    if not can_change_project_status(request.user, project):
        raise PermissionDenied
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
def project_followup(request, pk):
    """Creates a Bli-ny follow-up project from this one."""
    project = selectors.get_project(request.user, pk)
    if project.county_id not in request.user.access.staff_county_ids:
        raise PermissionDenied
    form = BliNyForm(request.POST or None, initial={"title": _("Bli-ny: %(title)s") % {"title": project.title}})
    if request.method == "POST" and form.is_valid():
        try:
            followup = services.create_followup(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The Bli-ny project was created with the same participants."))
            return redirect(followup)
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("New Bli-ny project")})


# ---------------------------------------------------------- goals and indicators


@login_required
def goal_edit(request, pk, goal_pk=None):
    project = _project_for_edit(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, project=project) if goal_pk else None
    form = GoalForm(request.POST or None, initial={"text": goal.text} if goal else None)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.save_goal(project=project, by=request.user, goal=goal, **form.cleaned_data),
                _("The goal was saved.")):
            return redirect(f"{project.get_absolute_url()}#goals")
    heading = _("Edit goal") if goal else _("New goal")
    delete_url = reverse("projects:goal-delete", kwargs={"pk": project.pk, "goal_pk": goal.pk}) if goal else None
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading,
                                                         "delete_url": delete_url})


@login_required
@require_POST
def goal_delete(request, pk, goal_pk):
    project = _project_for_edit(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, project=project)
    services.delete_goal(goal=goal, by=request.user)
    messages.success(request, _("The goal was removed."))
    return redirect(f"{project.get_absolute_url()}#goals")


@login_required
def indicator_edit(request, pk, goal_pk, indicator_pk=None):
    project = _project_for_edit(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, project=project)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, goal=goal) if indicator_pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in IndicatorForm.Meta.fields}
        if indicator:
            indicator.refresh_from_db()
        if _run(request, form, lambda: services.save_indicator(project=project, goal=goal, indicator=indicator,
                                                               by=request.user, **data), _("The indicator was saved.")):
            return redirect(f"{project.get_absolute_url()}#goals")
    heading = _("Edit indicator") if indicator else _("New indicator")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading,
                                                         "subheading": goal.text})


@login_required
def measurement_create(request, pk, indicator_pk):
    project = _project_for_edit(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, project=project)
    form = MeasurementForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.record_measurement(indicator=indicator, by=request.user, **form.cleaned_data),
                _("The measurement was saved.")):
            return redirect(f"{project.get_absolute_url()}#goals")
    return render(request, "projects/simple_form.html", {"form": form, "project": project,
                                                         "heading": _("New measurement"), "subheading": indicator.name})


# ----------------------------------------------------------------- participants


@login_required
def participant_invite(request, pk):
    project = _project_for_edit(request, pk)
    form = InviteParticipantsForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        municipalities = list(form.cleaned_data["municipalities"])
        if _run(request, form, lambda: services.invite_participants(project=project, municipalities=municipalities, by=request.user),
                _("%(count)s municipalities were invited.") % {"count": len(municipalities)}):
            return redirect(f"{project.get_absolute_url()}#participants")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Invite municipalities")})


@login_required
def participant_detail(request, pk, participant_pk):
    project = selectors.get_project(request.user, pk)
    participant = _participant(project, participant_pk)
    user = request.user
    is_staff = project.county_id in user.access.staff_county_ids
    requirements = list(project.requirements.all())
    budget = planning.get_budget(participant)
    statuses = {s.requirement_id: s for s in participant.requirement_statuses.select_related("committed_by", "compliance_by")}
    return render(
        request,
        "projects/participant_detail.html",
        {
            "project": project,
            "participant": participant,
            "rows": [(requirement, statuses.get(requirement.pk)) for requirement in requirements],
            "can_edit": can_edit_project(user, project),
            "can_commit": can_commit(user, participant) and participant.status != Participant.Status.WITHDRAWN,
            "all_committed": requirements and all(statuses.get(r.pk) and statuses[r.pk].committed_at for r in requirements),
            "is_staff": is_staff,
            "history": participant.history.select_related("history_user")[:50] if is_staff else None,
            "withdraw_form": WithdrawForm(initial={"on": timezone.localdate()}),
            "stakeholders": planning.stakeholder_check(project, [participant])[0],
            "budget": budget,
            "released": planning.released_total(budget),
            "releases": budget.releases.select_related("released_by") if budget.pk else [],
            "final_account": getattr(budget, "final_account", None) if budget.pk else None,
            "can_see_money": is_staff or participant.municipality_id in user.access.municipality_ids,
            **participant_followup_context(user, participant),
        },
    )


@login_required
def participant_edit(request, pk, participant_pk):
    project = _project_for_edit(request, pk)
    participant = _participant(project, participant_pk)
    form = ParticipantForm(request.POST or None, participant=participant,
                           initial={"library": participant.library, "mentor": participant.mentor})
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.update_participant(participant=participant, by=request.user, **form.cleaned_data),
                _("The participant was saved.")):
            return redirect(participant)
    return render(request, "projects/simple_form.html", {"form": form, "project": project,
                                                         "heading": participant.municipality.name})


@login_required
@require_POST
def participant_status(request, pk, participant_pk):
    project = _project_for_edit(request, pk)
    participant = _participant(project, participant_pk)
    to = request.POST.get("to", "")
    if to == Participant.Status.WITHDRAWN:
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return render(request, "projects/simple_form.html", {"form": form, "project": project,
                                                                 "heading": _("Withdrawal of %(name)s") % {"name": participant.municipality.name},
                                                                 "action": request.path, "hidden": {"to": to}}, status=400)
        action = lambda: services.change_participant_status(  # noqa: E731
            participant=participant, to=to, by=request.user, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
    elif to in Participant.Status.values:
        form = None
        action = lambda: services.change_participant_status(participant=participant, to=to, by=request.user)  # noqa: E731
    else:
        messages.error(request, _("Unknown status."))
        return redirect(participant)
    try:
        action()
    except (services.ProjectError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("%(name)s is now: %(status)s.") % {"name": participant.municipality.name,
                                                                        "status": Participant.Status(to).label})
    return redirect(participant)


@login_required
@require_POST
def participant_commit(request, pk, participant_pk):
    project = selectors.get_project(request.user, pk)
    participant = _participant(project, participant_pk)
    if not can_commit(request.user, participant):
        raise PermissionDenied
    try:
        count = services.commit_to_requirements(participant=participant, by=request.user)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You have committed to %(count)s requirements.") % {"count": count})
    return redirect(participant)


# ------------------------------------------------------------------ requirements


@login_required
def requirement_edit(request, pk, requirement_pk=None):
    project = _project_for_edit(request, pk)
    requirement = get_object_or_404(Requirement, pk=requirement_pk, project=project) if requirement_pk else None
    form = RequirementForm(request.POST or None, initial={"text": requirement.text} if requirement else None)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.save_requirement(project=project, requirement=requirement, by=request.user,
                                                                 **form.cleaned_data), _("The requirement was saved.")):
            return redirect(f"{project.get_absolute_url()}#requirements")
    heading = _("Edit requirement") if requirement else _("New participation requirement")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading})


@login_required
@require_POST
def requirement_delete(request, pk, requirement_pk):
    project = _project_for_edit(request, pk)
    requirement = get_object_or_404(Requirement, pk=requirement_pk, project=project)
    services.delete_requirement(requirement=requirement, by=request.user)
    messages.success(request, _("The requirement was removed."))
    return redirect(f"{project.get_absolute_url()}#requirements")


@login_required
def compliance_edit(request, pk, participant_pk, requirement_pk):
    project = _project_for_edit(request, pk)
    participant = _participant(project, participant_pk)
    requirement = get_object_or_404(Requirement, pk=requirement_pk, project=project)
    current = participant.requirement_statuses.filter(requirement=requirement).first()
    initial = {"compliance": current.compliance, "note": current.compliance_note} if current else None
    form = ComplianceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.record_compliance(participant=participant, requirement=requirement,
                                                                  by=request.user, **form.cleaned_data),
                _("Compliance was recorded.")):
            return redirect(participant)
    return render(request, "projects/simple_form.html", {"form": form, "project": project,
                                                         "heading": participant.municipality.name, "subheading": requirement.text})


# ----------------------------------------------------------- partners and experts


@login_required
def partner_add(request, pk):
    project = _project_for_edit(request, pk)
    form = PartnerForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.attach_partner(project=project, by=request.user, **form.cleaned_data),
                _("The partner was added.")):
            return redirect(f"{project.get_absolute_url()}#partners")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Add partner")})


@login_required
@require_POST
def partner_remove(request, pk, partner_pk):
    project = _project_for_edit(request, pk)
    partner = get_object_or_404(ProjectPartner, pk=partner_pk, project=project)
    services.detach_partner(partner=partner, by=request.user)
    messages.success(request, _("The partner was removed from the project."))
    return redirect(f"{project.get_absolute_url()}#partners")


@login_required
def expert_add(request, pk):
    project = _project_for_edit(request, pk)
    form = ExpertForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.attach_expert(project=project, by=request.user, **form.cleaned_data),
                _("The expert was attached. Work through the briefing checklist.")):
            return redirect(f"{project.get_absolute_url()}#experts")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Attach an external expert")})


def _assignment(request, pk, expert_pk) -> ExpertAssignment:
    project = selectors.get_project(request.user, pk)
    assignment = get_object_or_404(ExpertAssignment.objects.select_related("user", "project"), pk=expert_pk, project=project)
    if not can_view_expert(request.user, assignment):
        raise PermissionDenied
    return assignment


@login_required
def expert_detail(request, pk, expert_pk):
    assignment = _assignment(request, pk, expert_pk)
    project = assignment.project
    can_edit = can_edit_project(request.user, project)
    form = FollowUpForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid() and _run(request, form, lambda: services.add_expert_follow_up(
                assignment=assignment, by=request.user, **form.cleaned_data), _("The follow-up was logged.")):
            return redirect(assignment)
    return render(
        request,
        "projects/expert_detail.html",
        {
            "project": project,
            "assignment": assignment,
            "briefing": assignment.briefing.select_related("done_by"),
            "follow_ups": assignment.follow_ups.select_related("written_by"),
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
@require_POST
def expert_briefing(request, pk, expert_pk, item_pk):
    assignment = _assignment(request, pk, expert_pk)
    if not can_edit_project(request.user, assignment.project):
        raise PermissionDenied
    item = get_object_or_404(BriefingItem, pk=item_pk, assignment=assignment)
    services.set_briefed(item=item, by=request.user, done=request.POST.get("done") == "1")
    return redirect(assignment)


@login_required
@require_POST
def expert_remove(request, pk, expert_pk):
    assignment = _assignment(request, pk, expert_pk)
    if not can_edit_project(request.user, assignment.project):
        raise PermissionDenied
    services.detach_expert(assignment=assignment, by=request.user)
    messages.success(request, _("The expert no longer has access to the project."))
    return redirect(f"{assignment.project.get_absolute_url()}#experts")
