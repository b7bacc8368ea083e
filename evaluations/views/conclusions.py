"""Conclusions per municipality after a mapping, publishing them, and their public pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from municipalities.models import Municipality

from ..forms import ConclusionForm
from ..models import Conclusion, Kind
from ..services import conclusions as conclusions_services
from .base import _form_page, _round_for_staff, _run


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
        if _run(
            request,
            form,
            lambda: conclusions_services.save_conclusion(
                round=round_, municipality=municipality, by=request.user, **form.cleaned_data
            ),
            _("The conclusion was saved."),
        ):
            return redirect(f"{round_.get_absolute_url()}#conclusions")
    return _form_page(
        request,
        form,
        project=round_.project,
        heading=_("Conclusion: %(name)s") % {"name": municipality.name},
        subheading=round_.title,
        back=round_.get_absolute_url(),
    )


@login_required
@require_POST
def conclusion_publish(request, pk, number):
    round_, municipality = _mapping_municipality(request, pk, number, manage=True)
    conclusion = Conclusion.objects.filter(round=round_, municipality=municipality).first()
    if conclusion is None:
        messages.error(request, _("Write the conclusion before publishing it."))
        return redirect(round_)
    publish = request.POST.get("publish") != "0"
    conclusions_services.publish_conclusion(conclusion=conclusion, by=request.user, publish=publish)
    messages.success(
        request,
        _("The conclusion is published on the municipality's public page.")
        if publish
        else _("The conclusion is no longer public."),
    )
    return redirect(f"{round_.get_absolute_url()}#conclusions")


@require_GET
def public_conclusions(request, number):
    """Public (no login): the municipality's published mapping conclusions."""
    municipality = get_object_or_404(Municipality.objects.select_related("county"), number=number)
    conclusions = list(
        Conclusion.objects.filter(municipality=municipality, published_on__isnull=False)
        .select_related("round__project")
        .order_by("-published_on", "-id")
    )
    if not conclusions:
        raise Http404
    return render(
        request, "evaluations/public_conclusions.html", {"municipality": municipality, "conclusions": conclusions}
    )


@require_GET
def public_conclusion(request, number, conclusion_pk):
    conclusion = get_object_or_404(
        Conclusion.objects.select_related("municipality__county", "round__project"),
        pk=conclusion_pk,
        municipality__number=number,
        published_on__isnull=False,
    )
    return render(
        request,
        "evaluations/public_conclusion.html",
        {"conclusion": conclusion, "municipality": conclusion.municipality},
    )
