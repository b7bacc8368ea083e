from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from documents.pdf import DocumentError
from municipalities.permissions import is_admin_of
from shell.forms import run_service
from shell.freshness import render_kept

from . import selectors, services
from .access import access_contact, access_library, access_municipality, access_organisation
from .factsheet import factsheet_filename, render_factsheet
from .forms import (
    ContactForm,
    CountySettingsForm,
    ImportForm,
    LibraryForm,
    MunicipalityFilterForm,
    MunicipalityForm,
    OrganisationForm,
    PositionFormSet,
    ThemeFormSet,
)
from .models import Contact, County, Library, Organisation, Position, Theme
from .permissions import can_edit_municipality, can_edit_municipality_people
from .sections import COUNTY_SECTIONS, LIST_FILTERS, MUNICIPALITY_SECTIONS, render_sections

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(services.MunicipalityError,))


def _changed(form) -> dict:
    """What the user changed on an edit form, for the service (which saves only those fields)."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


def _list_items(formset) -> list:
    """(item or None for a new one, changed fields) for every form of a list the user changed."""
    return [
        (form.instance if form.instance.pk else None, _changed(form)) for form in formset.forms if form.has_changed()
    ]


@login_required
def county_detail(request, number):
    county = selectors.get_county_for_staff(request.user, number)
    return render_kept(
        request,
        "municipalities/county_detail.html",
        {"county": county},
        lambda: {
            "municipality_count": county.municipalities.count(),
            "is_admin": is_admin_of(request.user, county),
            "sections": render_sections(request, COUNTY_SECTIONS, county, county=county),
        },
    )


@login_required
def county_settings(request, number):
    county = selectors.get_county_for_staff(request.user, number, admin=True)
    form = CountySettingsForm(request.POST or None, request.FILES or None, instance=county, prefix="county")
    positions = PositionFormSet(
        request.POST or None, queryset=Position.objects.filter(county=county), prefix="positions"
    )
    themes = ThemeFormSet(request.POST or None, queryset=Theme.objects.filter(county=county), prefix="themes")
    if request.method == "POST":
        if (
            form.is_valid()
            and positions.is_valid()
            and themes.is_valid()
            and _run(
                request,
                form,
                lambda: services.update_county_settings(
                    county=county, settings=_changed(form), positions=_list_items(positions), themes=_list_items(themes)
                ),
                _("The county settings were saved."),
            )
        ):
            return redirect("municipalities:county-settings", number=county.number)
        messages.error(request, _("The settings were not saved. Correct the fields marked below."))
    return render(
        request,
        "municipalities/county_settings.html",
        {"county": county, "form": form, "positions": positions, "themes": themes},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def municipality_import(request, number):
    county = selectors.get_county_for_staff(request.user, number, admin=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = errors = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_municipalities(county=county, data=form.cleaned_data["file"].read())
        except services.MunicipalityImportError as exc:
            if exc.whole_file:
                form.add_error("file", exc.whole_file)
            else:
                errors = exc.errors
                form.add_error("file", _("Nothing was imported: the file has errors, listed below."))
    status = 400 if request.method == "POST" and result is None else 200
    return render(
        request,
        "municipalities/municipality_import.html",
        {"county": county, "form": form, "result": result, "errors": errors},
        status=status,
    )


@login_required
def municipality_list(request):
    user = request.user
    filters = MunicipalityFilterForm(request.GET or None, regions=selectors.list_regions(user))
    data = filters.cleaned_data if filters.is_valid() else {}
    county = None
    if data.get("county"):
        county = County.objects.visible_to(user).filter(number=data["county"]).first()
    municipalities = selectors.list_municipalities(
        user, search=data.get("q", ""), region=data.get("region", ""), county=county
    )
    for name, apply in LIST_FILTERS.items():  # filters other apps answer (projects: "takes part")
        if data.get(name):
            municipalities = apply(municipalities, data[name] == "yes")
    page = Paginator(municipalities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "municipalities/municipality_list.html",
        {"page_obj": page, "filters": filters, "county": county, "is_filtered": any(data.values())},
    )


@login_required
def municipality_detail(request, number):
    municipality = selectors.get_municipality(request.user, number)
    return render_kept(
        request,
        "municipalities/municipality_detail.html",
        {"municipality": municipality},
        lambda: {
            "sections": render_sections(request, MUNICIPALITY_SECTIONS, municipality, municipality=municipality),
            "libraries": selectors.list_libraries(municipality),
            "contacts": selectors.list_contacts(municipality),
            "can_edit": can_edit_municipality(request.user, municipality),
            "can_edit_people": can_edit_municipality_people(request.user, municipality),
        },
    )


@login_required
@require_GET
@never_cache
def municipality_factsheet(request, number):
    """The fact sheet PDF, for everyone who may read the municipality (never cached: it lists people)."""
    municipality = selectors.get_municipality(request.user, number)
    try:
        pdf = render_factsheet(municipality, lang=get_language())
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(municipality)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=factsheet_filename(municipality)
    )
    return response


@login_required
def municipality_edit(request, number):
    municipality = access_municipality(request.user, number, edit=True)
    form = MunicipalityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.update_municipality(municipality=municipality, **_changed(form)),
            _("The municipality was saved."),
        ):
            return redirect(municipality)
    return render(request, "municipalities/municipality_form.html", {"municipality": municipality, "form": form})


@login_required
def library_edit(request, number, pk=None):
    municipality = access_municipality(request.user, number, people=pk is None)
    library = access_library(request.user, municipality, pk, edit=True) if pk else Library(municipality=municipality)
    form = LibraryForm(request.POST or None, instance=library)
    if request.method == "POST" and form.is_valid():
        if pk:
            save = partial(services.update_library, library=library, **_changed(form))
        else:
            save = partial(services.create_library, municipality=municipality, **form.cleaned_data)
        if _run(request, form, save, _("The library %(name)s was saved.") % {"name": form.cleaned_data["name"]}):
            return redirect(municipality)
    return render(
        request,
        "municipalities/library_form.html",
        {"municipality": municipality, "library": library, "form": form},
    )


@login_required
@require_POST
def library_delete(request, number, pk):
    municipality = access_municipality(request.user, number)
    library = access_library(request.user, municipality, pk, edit=True)
    _run(
        request,
        None,
        lambda: services.delete_library(library=library),
        _("The library %(name)s was removed.") % {"name": library.name},
    )
    return redirect(municipality)


@login_required
def contact_edit(request, number, pk=None):
    municipality = access_municipality(request.user, number, people=pk is None)
    if pk:
        contact = access_contact(request.user, municipality, pk, edit=True)
    else:
        contact = Contact(municipality=municipality, county_id=municipality.county_id)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        county=municipality.county,
        can_link_user=can_edit_municipality(request.user, municipality),
    )
    if request.method == "POST" and form.is_valid():
        if pk:
            save = partial(services.update_contact, contact=contact, **_changed(form))
        else:
            save = partial(
                services.create_contact, county=municipality.county, municipality=municipality, **form.cleaned_data
            )
        if _run(request, form, save, _("The contact %(name)s was saved.") % {"name": form.cleaned_data["name"]}):
            return redirect(municipality)
    return render(
        request,
        "municipalities/contact_form.html",
        {"municipality": municipality, "contact": contact, "form": form},
    )


@login_required
@require_POST
def contact_delete(request, number, pk):
    municipality = access_municipality(request.user, number)
    contact = access_contact(request.user, municipality, pk, edit=True)
    _run(
        request,
        None,
        lambda: services.delete_contact(contact=contact),
        _("The contact %(name)s was removed.") % {"name": contact.name},
    )
    return redirect(municipality)


# ------------------------------------------------------------ partner organisations


@login_required
def organisation_list(request, number):
    county = selectors.get_county_for_staff(request.user, number)
    form = OrganisationForm(request.POST or None, instance=Organisation(county=county))
    if request.method == "POST" and form.is_valid():
        created = []
        if _run(
            request,
            form,
            lambda: created.append(services.create_organisation(county=county, **form.cleaned_data)),
            _("%(name)s was added.") % {"name": form.cleaned_data["name"]},
        ):
            return redirect(created[0])
    organisations = county.organisations.annotate(project_count=Count("project_roles")).order_by("name")
    return render(
        request,
        "municipalities/organisation_list.html",
        {"county": county, "organisations": organisations, "form": form},
    )


@login_required
def organisation_detail(request, pk):
    organisation = access_organisation(request.user, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.update_organisation(organisation=organisation, **_changed(form)),
            _("%(name)s was saved.") % {"name": form.cleaned_data["name"]},
        ):
            return redirect(organisation)
    return render(
        request,
        "municipalities/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form,
            "contacts": organisation.contacts.select_related("position"),
            "projects": organisation.project_roles.select_related("project"),
        },
    )


@login_required
def organisation_contact(request, pk, contact_pk=None):
    organisation = access_organisation(request.user, pk)
    if contact_pk:
        contact = get_object_or_404(Contact, pk=contact_pk, organisation=organisation)
    else:
        contact = Contact(organisation=organisation, county=organisation.county)
    form = ContactForm(request.POST or None, instance=contact, county=organisation.county, can_link_user=True)
    if request.method == "POST" and form.is_valid():
        if contact_pk:
            save = partial(services.update_contact, contact=contact, **_changed(form))
        else:
            save = partial(
                services.create_contact, county=organisation.county, organisation=organisation, **form.cleaned_data
            )
        if _run(request, form, save, _("The contact %(name)s was saved.") % {"name": form.cleaned_data["name"]}):
            return redirect(organisation)
    return render(
        request,
        "municipalities/organisation_contact_form.html",
        {"organisation": organisation, "contact": contact, "form": form},
    )
