"""The county staff's mailing lists and their settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from municipalities.access import require
from municipalities.selectors import get_county_for_staff

from .. import selectors
from ..forms import ListSettingsForm
from ..models import MailingList
from ..permissions import can_manage_lists
from ..services import subscriptions
from ..services.base import ensure_mailing_list


@login_required
def mailing_lists(request, number):
    county = get_county_for_staff(request.user, number)
    ensure_mailing_list(county=county)  # the county's own list always exists
    lists = Paginator(selectors.list_mailing_lists(county), 50).get_page(request.GET.get("page"))
    return render(request, "newsletters/mailing_lists.html", {"county": county, "page_obj": lists})


@login_required
def mailing_list_detail(request, pk):
    mailing_list = get_object_or_404(
        MailingList.objects.visible_to(request.user).select_related("county", "project"), pk=pk
    )
    require(can_manage_lists(request.user, mailing_list))
    # An unticked box posts nothing: bind on every POST, not only a non-empty one.
    form = ListSettingsForm(
        request.POST if request.method == "POST" else None, initial={"is_public": mailing_list.is_public}
    )
    if request.method == "POST" and form.is_valid():
        subscriptions.set_list_public(
            mailing_list=mailing_list, by=request.user, is_public=form.cleaned_data["is_public"]
        )
        messages.success(request, _("The list was saved."))
        return redirect(mailing_list)
    subscribers = mailing_list.subscribers.order_by("status", "email")
    page = Paginator(subscribers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "newsletters/mailing_list_detail.html",
        {"mailing_list": mailing_list, "county": mailing_list.county, "form": form, "page_obj": page},
    )
