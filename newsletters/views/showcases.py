"""The county staff's showcases: writing, publishing, photos."""

import copy

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from municipalities.access import require
from municipalities.permissions import is_staff_of
from municipalities.selectors import get_county_for_staff

from ..forms import (
    PhotoForm,
    ShowcaseForm,
)
from ..models import Showcase, ShowcasePhoto
from ..permissions import can_edit_showcase
from ..services import showcases as showcases_services
from .base import _file, _project_for_newsletters, _run


@login_required
def showcase_list(request, number):
    county = get_county_for_staff(request.user, number)
    showcases = Showcase.objects.filter(county=county).select_related("project", "participant__municipality")
    page = Paginator(showcases.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "newsletters/showcase_list.html", {"county": county, "page_obj": page})


@login_required
def showcase_create(request, pk):
    project = _project_for_newsletters(request, pk)
    form = ShowcaseForm(request.POST or None, project=project, initial={"summary": project.public_summary})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def action():
            created["showcase"] = showcases_services.create_showcase(project=project, by=request.user, **data)

        if _run(request, form, action, _("The showcase was saved as a draft.")):
            return redirect(created["showcase"])
    return render(
        request,
        "newsletters/simple_form.html",
        {
            "county": project.county,
            "project": project,
            "form": form,
            "heading": _("New showcase"),
        },
    )


def _showcase_for_edit(request, pk) -> Showcase:
    showcase = get_object_or_404(
        Showcase.objects.visible_to(request.user).select_related("county", "project", "participant__municipality"),
        pk=pk,
    )
    require(can_edit_showcase(request.user, showcase))
    return showcase


@login_required
def showcase_edit(request, pk):
    showcase = _showcase_for_edit(request, pk)
    # The form gets a copy: an invalid post changes the form's instance (a blank slug), and the page's links need the saved one.
    form = ShowcaseForm(request.POST or None, instance=copy.copy(showcase), project=showcase.project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: showcases_services.update_showcase(showcase=showcase, by=request.user, **data),
            _("The showcase was saved."),
        ):
            return redirect(showcase)
    return render(
        request,
        "newsletters/showcase_edit.html",
        {
            "showcase": showcase,
            "county": showcase.county,
            "form": form,
            "photos": showcase.photos.all(),
            "is_finished": showcases_services.is_finished(showcase),
        },
    )


@login_required
@require_POST
def showcase_publish(request, pk):
    showcase = _showcase_for_edit(request, pk)
    publish = request.POST.get("publish") == "1"
    _run(
        request,
        None,
        lambda: showcases_services.publish_showcase(showcase=showcase, by=request.user, publish=publish),
        _("The showcase is published.") if publish else _("The showcase is no longer public."),
    )
    return redirect(showcase)


@login_required
def showcase_photo_add(request, pk):
    showcase = _showcase_for_edit(request, pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: showcases_services.add_showcase_photo(
                showcase=showcase,
                by=request.user,
                upload=data["image"],
                alt_text=data["alt_text"],
                caption=data["caption"],
                shows_people=data["shows_people"],
                consent_note=data["consent_note"],
            ),
            _("The photo was added."),
        ):
            return redirect(showcase)
    return render(
        request,
        "newsletters/simple_form.html",
        {
            "county": showcase.county,
            "showcase": showcase,
            "form": form,
            "heading": _("Add photo"),
            "multipart": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def showcase_photo_delete(request, pk, photo_pk):
    showcase = _showcase_for_edit(request, pk)
    photo = get_object_or_404(ShowcasePhoto, pk=photo_pk, showcase=showcase)
    _run(
        request,
        None,
        lambda: showcases_services.delete_showcase_photo(photo=photo, by=request.user),
        _("The photo was removed."),
    )
    return redirect(showcase)


@require_GET
def showcase_photo(request, key):
    """A showcase photo: public once the showcase is published and the photo may be shown."""
    photo = get_object_or_404(ShowcasePhoto.objects.select_related("showcase"), key=key)
    showcase = photo.showcase
    if not (showcase.is_published and photo.may_be_shown) and not is_staff_of(request.user, showcase.county_id):
        raise Http404
    return _file(photo.image)
