"""The county staff's newsletters: the lists, writing and previewing, the audience, sending or scheduling, deleting,
and images."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from municipalities.access import require
from municipalities.permissions import is_staff_of
from municipalities.selectors import get_county_for_staff
from projects.models import Project
from shell.ids import parse_id

from .. import selectors
from ..forms import (
    ImageForm,
    NewsletterForm,
    SendForm,
)
from ..models import Newsletter, NewsletterImage
from ..money import money_changes
from ..permissions import (
    can_delete_newsletter,
    can_edit_newsletter,
    can_send_newsletter,
    can_write_newsletters,
)
from ..rendering import body_html
from ..services import sending, writing
from ..services.base import NewsletterError
from .base import _file, _project_for_newsletters, _run


def _newsletter(request, pk, rule=None) -> Newsletter:
    """A newsletter of the user's county (404 otherwise); with `rule`, one they may do that to (403)."""
    newsletter = selectors.get_newsletter(request.user, pk)
    if rule is not None:
        require(rule(request.user, newsletter))
    return newsletter


def _newsletter_for_edit(request, pk) -> Newsletter:
    return _newsletter(request, pk, can_edit_newsletter)


@login_required
def newsletter_list(request, number):
    county = get_county_for_staff(request.user, number)
    page = Paginator(selectors.list_newsletters(county), 25).get_page(request.GET.get("page"))
    suggested = Project.objects.filter(county=county, infobrev_suggested_at__isnull=False).order_by("title")
    projects = Project.objects.filter(county=county).exclude(status=Project.Status.CLOSED).only("pk", "title")
    return render(
        request,
        "newsletters/newsletter_list.html",
        {"county": county, "page_obj": page, "suggested": suggested, "projects": projects.order_by("title")},
    )


@login_required
def project_newsletters(request, pk):
    project = _project_for_newsletters(request, pk)
    page = Paginator(selectors.list_newsletters(project.county, project=project), 25).get_page(request.GET.get("page"))
    changes = money_changes(project, project.infobrev_suggested_at) if project.infobrev_suggested_at else []
    return render(
        request,
        "newsletters/project_newsletters.html",
        {"project": project, "county": project.county, "page_obj": page, "money_changes": changes},
    )


@login_required
@require_POST
def newsletter_money_draft(request, pk):
    project = _project_for_newsletters(request, pk)
    try:
        newsletter = writing.create_money_draft(project=project, by=request.user)
    except NewsletterError as exc:
        messages.error(request, str(exc))
        return redirect("newsletters:project-newsletters", pk=project.pk)
    messages.success(request, _("A draft listing the money changes is ready. Read it through before you send it."))
    return redirect("newsletters:newsletter-edit", pk=newsletter.pk)


@login_required
def newsletter_create(request, number):
    county = get_county_for_staff(request.user, number)
    project = None
    project_pk = request.GET.get("prosjekt") or request.POST.get("prosjekt")
    if project_pk:
        if parse_id(project_pk) is None:
            raise Http404
        project = get_object_or_404(Project, pk=parse_id(project_pk), county=county)
    preview_url = reverse("newsletters:newsletter-preview", kwargs={"number": county.number})
    form = NewsletterForm(request.POST or None, preview_url=preview_url)
    if request.method == "POST" and form.is_valid():
        created = {}

        def action():
            created["newsletter"] = writing.create_newsletter(
                county=county, project=project, by=request.user, **form.cleaned_data
            )

        if _run(request, form, action, _("The draft was saved.")):
            return redirect(created["newsletter"])
    return render(
        request,
        "newsletters/newsletter_form.html",
        {
            "county": county,
            "project": project,
            "form": form,
            "preview": _preview_of(form),
            "heading": _("New infobrev"),
        },
    )


def _preview_of(form) -> str:
    body = form.data.get("body") if form.is_bound else form.initial.get("body", getattr(form.instance, "body", ""))
    return body_html(body or "", preview=form.is_bound)


@login_required
def newsletter_edit(request, pk):
    newsletter = _newsletter_for_edit(request, pk)
    preview_url = reverse("newsletters:newsletter-preview", kwargs={"number": newsletter.county.number})
    form = NewsletterForm(request.POST or None, instance=newsletter, preview_url=preview_url)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: writing.update_newsletter(newsletter=newsletter, by=request.user, **data),
            _("The draft was saved."),
        ):
            return redirect(newsletter)
    return render(
        request,
        "newsletters/newsletter_form.html",
        {
            "county": newsletter.county,
            "project": newsletter.project,
            "newsletter": newsletter,
            "form": form,
            "preview": _preview_of(form),
            "heading": _("Edit infobrev"),
        },
    )


@login_required
@require_POST
def newsletter_preview(request, number):
    """The live preview (htmx): the body as the recipients will see it, sanitised."""
    get_county_for_staff(request.user, number)
    return render(
        request,
        "newsletters/partials/_preview.html",
        {"preview": body_html(request.POST.get("body", ""), preview=True)},
    )


@login_required
def newsletter_detail(request, pk):
    newsletter = selectors.get_newsletter(request.user, pk)
    user = request.user
    images = list(newsletter.images.all())
    send_form = SendForm(initial={"scheduled_at": newsletter.scheduled_at})
    return render(
        request,
        "newsletters/newsletter_detail.html",
        {
            "newsletter": newsletter,
            "county": newsletter.county,
            "images": images,
            "preview": body_html(newsletter.body),
            "send_form": send_form,
            "progress": selectors.newsletter_progress(newsletter),
            "can_edit": can_edit_newsletter(user, newsletter),
            "can_send": can_send_newsletter(user, newsletter),
            "can_delete": can_delete_newsletter(user, newsletter),
        },
    )


@login_required
def newsletter_progress(request, pk):
    """Polled by the newsletter page while it is being sent: queued / sent / failed."""
    newsletter = selectors.get_newsletter(request.user, pk)
    return render(
        request,
        "newsletters/partials/_progress.html",
        {"newsletter": newsletter, "progress": selectors.newsletter_progress(newsletter)},
    )


@login_required
def newsletter_audience(request, pk):
    newsletter = selectors.get_newsletter(request.user, pk)
    audience = selectors.get_audience(newsletter)
    page = Paginator(audience.recipients, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "newsletters/newsletter_audience.html",
        {
            "newsletter": newsletter,
            "county": newsletter.county,
            "audience": audience,
            "page_obj": page,
            "excluded_counts": audience.excluded_counts(),
        },
    )


def _sending_reach(newsletter: Newsletter, audience: selectors.Audience) -> dict:
    """Who gets it and who cannot be reached: what the confirmation shows and the messages say."""
    return {
        "reached": len(audience.recipients),
        "total": audience.total,
        "left_out": selectors.left_out_lines(audience.left_out()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_send(request, pk):
    """GET (from the newsletter's page): the confirmation, with how many get it and who cannot be
    reached. POST with `confirm`: sends or schedules it, once (a sent infobrev can no longer change)."""
    newsletter = _newsletter(request, pk)
    if not newsletter.is_editable and can_write_newsletters(request.user, newsletter):
        # A second click, or the confirmation reloaded after it went: nothing is sent twice.
        messages.info(request, _("This infobrev has been sent and can no longer change."))
        return redirect(newsletter)
    require(can_send_newsletter(request.user, newsletter))
    if request.method == "GET":
        data = request.GET.copy()
        data.setdefault("when", "now")
        form = SendForm(data)
        confirmable = form.is_valid()
    else:
        form = SendForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(newsletter)
        if request.POST.get("confirm") == "yes":
            return _send_confirmed(request, newsletter, form.cleaned_data)
        confirmable = True
    audience = selectors.get_audience(newsletter)
    at = form.cleaned_data.get("scheduled_at") if confirmable and form.cleaned_data["when"] == "later" else None
    return render(
        request,
        "newsletters/newsletter_send.html",
        {
            "newsletter": newsletter,
            "county": newsletter.county,
            "form": form,
            "confirmable": confirmable,
            "later": at is not None,
            "scheduled_at": at,
            "reach": _sending_reach(newsletter, audience),
            "excluded_counts": audience.excluded_counts(),
        },
    )


def _send_confirmed(request, newsletter: Newsletter, data: dict):
    audience = selectors.get_audience(newsletter)
    reach = _sending_reach(newsletter, audience)
    if data["when"] == "later":
        at = data["scheduled_at"]
        sent = _run(
            request, None, lambda: sending.schedule_newsletter(newsletter=newsletter, by=request.user, at=at), None
        )
        if sent:
            when = date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
            _tell_who_is_reached(
                request,
                _("The infobrev will be sent %(when)s to %(reached)s of %(total)s.")
                % {"when": when, "reached": reach["reached"], "total": reach["total"]},
                reach["left_out"],
            )
        return redirect(newsletter)
    if not _run(request, None, lambda: sending.send_newsletter(newsletter=newsletter, by=request.user), None):
        return redirect(newsletter)
    newsletter.refresh_from_db()
    progress = selectors.newsletter_progress(newsletter)
    if progress["done"]:
        # The tasks ran at once (no broker): say what happened, not what is about to.
        _tell_who_is_reached(request, _sent_sentence(progress), progress["left_out"], failed=progress["failed"])
    else:
        _tell_who_is_reached(
            request,
            _("The infobrev is being sent to %(reached)s of %(total)s. Follow the progress below.")
            % {"reached": reach["reached"], "total": reach["total"]},
            reach["left_out"],
        )
    return redirect(newsletter)


def _sent_sentence(progress: dict) -> str:
    return _("Sent to %(reached)s of %(total)s.") % {"reached": progress["sent"], "total": progress["total"]}


def _tell_who_is_reached(request, sentence: str, left_out: list[str], *, failed: int = 0) -> None:
    """One message: how many get it, and who cannot be reached and why; never "everyone" when
    someone was not."""
    parts = [sentence, *left_out]
    if failed:
        parts.append(
            ngettext(
                "%(failed)s message could not be delivered: see the outbox.",
                "%(failed)s messages could not be delivered: see the outbox.",
                failed,
            )
            % {"failed": failed}
        )
    (messages.warning if left_out or failed else messages.success)(request, " ".join(parts))


@login_required
@require_POST
def newsletter_unschedule(request, pk):
    newsletter = _newsletter(request, pk, can_send_newsletter)
    _run(
        request,
        None,
        lambda: sending.unschedule_newsletter(newsletter=newsletter, by=request.user),
        _("The infobrev is a draft again and will not be sent."),
    )
    return redirect(newsletter)


@login_required
@require_POST
def newsletter_delete(request, pk):
    newsletter = _newsletter(request, pk, can_delete_newsletter)
    county = newsletter.county
    if _run(
        request,
        None,
        lambda: writing.delete_newsletter(newsletter=newsletter, by=request.user),
        _("The draft was deleted."),
    ):
        return redirect("newsletters:newsletter-list", number=county.number)
    return redirect(newsletter)


@login_required
def newsletter_image_add(request, pk):
    newsletter = _newsletter_for_edit(request, pk)
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: writing.add_image(
                newsletter=newsletter,
                by=request.user,
                upload=data["image"],
                alt_text=data["alt_text"],
                caption=data["caption"],
            ),
            _("The image was added."),
        ):
            return redirect(newsletter)
    return render(
        request,
        "newsletters/simple_form.html",
        {
            "county": newsletter.county,
            "newsletter": newsletter,
            "form": form,
            "heading": _("Add image"),
            "multipart": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def newsletter_image_delete(request, pk, image_pk):
    newsletter = _newsletter_for_edit(request, pk)
    image = get_object_or_404(NewsletterImage, pk=image_pk, newsletter=newsletter)
    _run(request, None, lambda: writing.delete_image(image=image, by=request.user), _("The image was removed."))
    return redirect(newsletter)


@require_GET
def newsletter_image(request, key):
    """An image of a newsletter: for anyone once the newsletter is sent (e-mails show it),
    before that for the county's staff only."""
    image = get_object_or_404(NewsletterImage.objects.select_related("newsletter"), key=key)
    newsletter = image.newsletter
    if newsletter.status not in (Newsletter.Status.SENDING, Newsletter.Status.SENT) and not is_staff_of(
        request.user, newsletter.county_id
    ):
        raise Http404
    return _file(image.image)
