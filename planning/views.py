"""Pages for the planning and money side: capacity, stakeholders, budgets, kits and the handbook."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from documents.exports import respond
from municipalities.access import require
from municipalities.models import County
from municipalities.permissions import can_edit_municipality_people, is_county_reader, is_staff_of
from municipalities.selectors import get_county_for_staff, get_municipality
from projects.access import access_participant, access_project
from projects.permissions import can_save_as_kit, can_see_participant_money
from projects.services import ProjectError
from shell.forms import apply_validation_error, run_service

from . import kits as kit_services
from . import selectors, services, stakeholders
from .forms import (
    BudgetForm,
    CapacityNeedsForm,
    FinalAccountForm,
    HandbookPageForm,
    HoursForm,
    KitDocumentForm,
    KitProjectForm,
    ReleaseForm,
    RequiredPositionsForm,
    SaveAsKitForm,
)
from .models import HandbookPage, Kit, StaffCapacity
from .standard_kits import install_standard_kits

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(ProjectError,))


# ------------------------------------------------------------------- capacity


@login_required
def capacity_needs(request, pk):
    project = access_project(request.user, pk, edit=True)
    form = CapacityNeedsForm(
        request.POST or None,
        initial={
            "county_hours_per_month": project.county_hours_per_month,
            "participant_hours_per_month": project.participant_hours_per_month,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.set_capacity_needs(project=project, by=request.user, **form.cleaned_data),
            _("The hours needed were saved."),
        ):
            return redirect(f"{project.get_absolute_url()}#capacity")
    return render(
        request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Hours needed")}
    )


@login_required
def staff_capacity(request, number):
    """County staff declare their own hours; the page lists everyone's and the county's load."""
    county = get_county_for_staff(request.user, number)
    mine = StaffCapacity.objects.filter(county=county, user=request.user).first()
    form = HoursForm(request.POST or None, initial={"hours_per_month": mine.hours_per_month if mine else None})
    if request.method == "POST" and form.is_valid():
        services.declare_staff_capacity(county=county, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your hours were saved."))
        return redirect("planning:staff-capacity", number=number)
    return render(
        request,
        "planning/staff_capacity.html",
        {
            "county": county,
            "form": form,
            "capacities": StaffCapacity.objects.filter(county=county).select_related("user").order_by("user__name"),
            "load": selectors.county_load(county),
        },
    )


@login_required
def municipality_capacity(request, number):
    """The library head (or county staff) declares the library's hours per month for projects."""
    municipality = get_municipality(request.user, number)
    require(can_edit_municipality_people(request.user, municipality))
    form = HoursForm(request.POST or None, initial={"hours_per_month": municipality.project_hours_per_month})
    if request.method == "POST" and form.is_valid():
        services.declare_municipality_capacity(municipality=municipality, by=request.user, **form.cleaned_data)
        messages.success(request, _("The library's hours were saved."))
        return redirect(municipality)
    return render(request, "municipalities/municipality_capacity.html", {"municipality": municipality, "form": form})


# ----------------------------------------------------------------- stakeholders


@login_required
def required_positions(request, pk):
    project = access_project(request.user, pk, edit=True)
    form = RequiredPositionsForm(
        request.POST or None, county=project.county, initial={"positions": list(project.required_positions.all())}
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.set_required_positions(
                project=project, positions=list(form.cleaned_data["positions"]), by=request.user
            ),
            _("The required positions were saved."),
        ):
            return redirect(f"{project.get_absolute_url()}#stakeholders")
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": _("Have we thought of everyone?")},
    )


# ------------------------------------------------------------------------ money


@login_required
@require_GET
def budget_export_xlsx(request, pk):
    """The budgets of the project's participants the user may see the money of, as .xlsx."""
    return respond(request, "planning-budgets", {"project": pk})


def _money_participant(request, pk, participant_pk):
    return access_participant(request.user, access_project(request.user, pk), participant_pk, edit=True)


@login_required
def budget_edit(request, pk, participant_pk):
    participant = _money_participant(request, pk, participant_pk)
    budget = selectors.get_budget(participant)
    fields = ["county_grant", "required_local_share", "local_cash", "local_inkind_hours", "hourly_rate"]
    form = BudgetForm(request.POST or None, initial={name: getattr(budget, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.save_budget(participant=participant, by=request.user, **form.cleaned_data),
            _("The budget was saved."),
        ):
            return redirect(f"{participant.get_absolute_url()}#money")
    return render(
        request,
        "projects/simple_form.html",
        {
            "form": form,
            "project": participant.project,
            "heading": _("Budget: %(name)s") % {"name": participant.municipality.name},
        },
    )


@login_required
def grant_release(request, pk, participant_pk):
    participant = _money_participant(request, pk, participant_pk)
    form = ReleaseForm(request.POST or None, initial={"released_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: services.release_grant(
                participant=participant,
                by=request.user,
                amount=data["amount"],
                released_on=data["released_on"],
                note=data["note"],
            ),
            _("The release was recorded."),
        ):
            return redirect(f"{participant.get_absolute_url()}#money")
    return render(
        request,
        "projects/simple_form.html",
        {
            "form": form,
            "project": participant.project,
            "heading": _("Release grant: %(name)s") % {"name": participant.municipality.name},
        },
    )


@login_required
def grant_close(request, pk, participant_pk):
    participant = _money_participant(request, pk, participant_pk)
    form = FinalAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.close_grant(participant=participant, by=request.user, **form.cleaned_data),
            _("The final accounts were recorded."),
        ):
            return redirect(f"{participant.get_absolute_url()}#money")
    return render(
        request,
        "projects/simple_form.html",
        {
            "form": form,
            "project": participant.project,
            "heading": _("Final accounts: %(name)s") % {"name": participant.municipality.name},
        },
    )


# ------------------------------------------------------------------------- kits


def _kit(request, kit_pk) -> Kit:
    return get_object_or_404(Kit.objects.visible_to(request.user).select_related("county", "theme"), pk=kit_pk)


@login_required
def kit_list(request, number):
    county = get_county_for_staff(request.user, number)
    if request.method == "POST":
        install_standard_kits(county)
        messages.success(request, _("The standard kits and handbook pages are installed."))
        return redirect("planning:kit-list", number=number)
    kits = county.kits.current().select_related("theme")
    return render(request, "planning/kit_list.html", {"county": county, "kits": kits})


@login_required
def kit_detail(request, kit_pk):
    kit = _kit(request, kit_pk)
    milestones = list(kit.milestones.select_related("responsible_position"))
    durations = selectors.learned_durations(kit)
    return render(
        request,
        "planning/kit_detail.html",
        {
            "kit": kit,
            "milestones": [
                (m, durations.get(m.pk), durations[m.pk] - m.offset_days if m.pk in durations else None)
                for m in milestones
            ],
            "requirements": kit.requirements.all(),
            "documents": kit.documents.all(),
            "positions": kit.required_positions.all(),
            "placeholders": kit_services.PLACEHOLDERS,
            "current": None if kit.is_current else _current_version(kit),
        },
    )


def _current_version(kit: Kit) -> Kit | None:
    return Kit.objects.current().filter(county_id=kit.county_id, name=kit.name).first()


@login_required
def kit_document_edit(request, kit_pk, document_pk=None):
    """A kit's letter or agreement text, changed (or a letter added) as a new version of the kit."""
    kit = _kit(request, kit_pk)
    if not kit.is_current:
        messages.error(request, _("This is an earlier version of the kit; change the current one."))
        return redirect(kit)
    document = get_object_or_404(kit.documents, pk=document_pk) if document_pk is not None else None
    initial = {"title": document.title, "body": document.body} if document else {}
    form = KitDocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        revised = []

        def action():
            revised.append(
                kit_services.revise_kit_document(kit=kit, by=request.user, document=document, **form.cleaned_data)
            )

        if _run(
            request,
            form,
            action,
            _("Saved as version %(version)s of the kit. Projects made from it so far keep their version.")
            % {"version": kit.version + 1},
        ):
            return redirect(revised[0])
    return render(
        request,
        "planning/kit_document_form.html",
        {"kit": kit, "document": document, "form": form, "placeholders": kit_services.PLACEHOLDERS},
    )


@login_required
def kit_new_project(request, kit_pk):
    kit = _kit(request, kit_pk)
    if not kit.is_current and (current := _current_version(kit)) is not None:
        return redirect("planning:kit-new-project", kit_pk=current.pk)  # new projects get the current texts
    form = KitProjectForm(
        request.POST or None, county=kit.county, initial={"title": kit.name, "start_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = kit_services.create_project_from_kit(
                kit=kit,
                county=kit.county,
                by=request.user,
                title=data["title"],
                start_on=data["start_on"],
                municipalities=list(data["municipalities"]),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The project was created from the kit, with its whole plan."))
            return redirect(project)
    return render(request, "planning/kit_new_project.html", {"form": form, "kit": kit})


@login_required
def project_save_as_kit(request, pk):
    project = access_project(request.user, pk)
    require(can_save_as_kit(request.user, project))
    form = SaveAsKitForm(request.POST or None, initial={"name": project.title})
    if request.method == "POST" and form.is_valid():
        if project.county.kits.filter(name=form.cleaned_data["name"]).exists():
            form.add_error("name", _("The county already has a kit with this name."))
        else:
            kit = kit_services.save_project_as_kit(project=project, by=request.user, **form.cleaned_data)
            messages.success(request, _("The project's plan was saved as a kit."))
            return redirect(kit)
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Save as kit")})


# --------------------------------------------------------------------- handbook


@login_required
def handbook_list(request, number):
    county = get_object_or_404(County, number=number)
    if not is_county_reader(request.user, county):
        raise Http404
    return render(
        request,
        "planning/handbook_list.html",
        {
            "county": county,
            "pages": county.handbook_pages.all(),
            "can_edit": is_staff_of(request.user, county),
        },
    )


def handbook_page(request, number, slug):
    """Public pages for everyone; internal pages for the county's signed-in people (404 otherwise)."""
    page = get_object_or_404(HandbookPage.objects.select_related("county"), county__number=number, slug=slug)
    if not page.is_public and not is_county_reader(request.user, page.county):
        raise Http404
    can_edit = is_staff_of(request.user, page.county_id)
    return render(request, "planning/handbook_page.html", {"page": page, "can_edit": can_edit})


@login_required
def handbook_edit(request, number, slug=None):
    county = get_county_for_staff(request.user, number)
    page = get_object_or_404(HandbookPage, county=county, slug=slug) if slug else HandbookPage(county=county)
    form = HandbookPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        saved = {}
        if _run(
            request,
            form,
            lambda: saved.setdefault(
                "page",
                services.save_handbook_page(
                    county=county, by=request.user, page=page if page.pk else None, **form.cleaned_data
                ),
            ),
            _("The page was saved."),
        ):
            return redirect(saved["page"])
    return render(request, "planning/handbook_form.html", {"form": form, "county": county, "page": page})


# ------------------------------------------------- parts of other apps' pages


def project_plan_section(request, project) -> dict:
    """The project page's plan and money (county staff): capacity, stakeholders, money, handbook."""
    participants = list(project.participants.taking_part().select_related("municipality"))
    budgets = list(selectors.budgets_with_releases(participant__project=project))
    rows = stakeholders.stakeholder_check(project, participants)
    by_participant = {budget.participant_id: budget for budget in budgets}
    return {
        "capacity": selectors.capacity_for(project, participants=participants),
        "stakeholder_rows": rows,
        "stakeholder_gaps": stakeholders.gap_count(rows),
        "money": selectors.money_totals(budgets),
        "budget_rows": [(p, by_participant[p.pk]) for p in participants if p.pk in by_participant],
        "handbook_pages": project.handbook_pages.all(),
        "kit": selectors.kit_of(project),
    }


def participant_plan_section(request, participant) -> dict:
    """The participant page's stakeholder check and, for those who may see it, its money."""
    budget = selectors.get_budget(participant)
    return {
        "stakeholders": stakeholders.stakeholder_check(participant.project, [participant])[0],
        "budget": budget,
        "released": selectors.released_total(budget),
        "releases": budget.releases.select_related("released_by") if budget.pk else [],
        "final_account": getattr(budget, "final_account", None) if budget.pk else None,
        "can_see_money": can_see_participant_money(request.user, participant),
    }


def county_plan_section(request, county) -> dict:
    """The county page's capacity, stakeholder gaps and money."""
    return {
        "county": county,
        "load": selectors.county_load(county),
        "stakeholder_gaps": stakeholders.county_stakeholder_gaps(county),
        "money": selectors.county_money(county),
    }
