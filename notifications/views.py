from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.exports import respond
from municipalities.selectors import get_county_for_staff

from . import services
from .forms import OutboxFilterForm, PreferencesForm
from .models import DEFAULT_DIGEST_HOUR, DigestHour, NotificationPreference, OutboxMessage


@login_required
def outbox(request, number):
    """The county's outgoing e-mail, failed ones first to hand."""
    county = get_county_for_staff(request.user, number)
    filters = OutboxFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    rows = OutboxMessage.objects.filter(county=county).defer("body_text", "body_html", "attachments")
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    failed = OutboxMessage.objects.filter(county=county, status=OutboxMessage.Status.FAILED).count()
    return render(
        request,
        "notifications/outbox.html",
        {"county": county, "page_obj": page, "filters": filters, "status": status, "failed_count": failed},
    )


@login_required
@require_GET
def outbox_export_xlsx(request, number):
    """The outbox (as filtered) as .xlsx: no message bodies, see notifications.exports."""
    params = {"number": number, "status": request.GET.get("status", "")}
    return respond(request, "outbox", params)


@login_required
@require_POST
def outbox_retry(request, number, pk):
    county = get_county_for_staff(request.user, number)
    message = get_object_or_404(OutboxMessage, pk=pk, county=county)
    try:
        services.retry_message(message=message)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The message to %(recipient)s will be sent again.") % {"recipient": message.recipient}
        )
    return redirect(f"{reverse('notifications:outbox', kwargs={'number': county.number})}?status=failed")


@login_required
def preferences(request):
    current = dict(NotificationPreference.objects.filter(user=request.user).values_list("kind", "delivery"))
    hour = DigestHour.objects.filter(user=request.user).values_list("hour", flat=True).first()
    form = PreferencesForm(
        request.POST or None, current=current, digest_hour=DEFAULT_DIGEST_HOUR if hour is None else hour
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.set_preferences(user=request.user, digest_hour=data.pop("digest_hour"), deliveries=data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
