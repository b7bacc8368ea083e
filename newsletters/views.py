"""Newsletter pages for county staff, and the public pages (archive, feed, showcases,
subscription links) that need no login and show only what is published."""

import copy
import hmac
import json
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from documents.markdown import render_markdown
from municipalities.models import County
from municipalities.selectors import get_county_for_staff
from shell.client import RateLimit
from shell.forms import run_service
from shell.ids import parse_id
from agreements.selectors import published_agreements
from evaluations.selectors import published_conclusions
from projects.models import Project
from municipalities.permissions import is_staff_of
from municipalities.access import require
from projects.access import access_project

from . import selectors, services, tokens
from .charts import showcase_charts
from .forms import (
    ImageForm,
    ListSettingsForm,
    NewsletterForm,
    PhotoForm,
    PreferencesForm,
    SendForm,
    ShowcaseForm,
    SubscribeForm,
)
from .images import content_type_for
from .models import MailingList, Newsletter, NewsletterImage, Showcase, ShowcasePhoto
from .money import money_changes
from .permissions import (
    can_delete_newsletter,
    can_edit_newsletter,
    can_edit_showcase,
    can_manage_lists,
    can_send_newsletter,
    can_write_newsletters,
)
from .rendering import absolute, body_html

# Per client (shell.client): confirmation e-mails a visitor may ask for, and wrong bounce secrets.
SUBSCRIBE_LIMIT = RateLimit("newsletter-subscribe", limit=30, seconds=3600)
BOUNCE_FAILURE_LIMIT = RateLimit("newsletter-bounce-secret", limit=10, seconds=3600)


# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(services.NewsletterError,))


def _newsletter(request, pk, rule=None) -> Newsletter:
    """A newsletter of the user's county (404 otherwise); with `rule`, one they may do that to (403)."""
    newsletter = selectors.get_newsletter(request.user, pk)
    if rule is not None:
        require(rule(request.user, newsletter))
    return newsletter


def _newsletter_for_edit(request, pk) -> Newsletter:
    return _newsletter(request, pk, can_edit_newsletter)


def _project_for_newsletters(request, pk) -> Project:
    """A project the user can read (404 otherwise) and may write newsletters for (403 otherwise)."""
    project = access_project(request.user, pk)
    require(can_write_newsletters(request.user, project))
    return project


# ---------------------------------------------------------------- staff: newsletters


@login_required
def newsletter_list(request, number):
    county = get_county_for_staff(request.user, number)
    page = Paginator(selectors.list_newsletters(county), 25).get_page(request.GET.get("page"))
    suggested = Project.objects.filter(county=county, infobrev_suggested_at__isnull=False).order_by("title")
    projects = Project.objects.filter(county=county).exclude(status=Project.Status.CLOSED).only("pk", "title")
    return render(request, "newsletters/newsletter_list.html",
                  {"county": county, "page_obj": page, "suggested": suggested, "projects": projects.order_by("title")})


@login_required
def project_newsletters(request, pk):
    project = _project_for_newsletters(request, pk)
    page = Paginator(selectors.list_newsletters(project.county, project=project), 25).get_page(request.GET.get("page"))
    changes = money_changes(project, project.infobrev_suggested_at) if project.infobrev_suggested_at else []
    return render(request, "newsletters/project_newsletters.html",
                  {"project": project, "county": project.county, "page_obj": page, "money_changes": changes})


@login_required
@require_POST
def newsletter_money_draft(request, pk):
    project = _project_for_newsletters(request, pk)
    try:
        newsletter = services.create_money_draft(project=project, by=request.user)
    except services.NewsletterError as exc:
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
            created["newsletter"] = services.create_newsletter(county=county, project=project, by=request.user,
                                                               **form.cleaned_data)

        if _run(request, form, action, _("The draft was saved.")):
            return redirect(created["newsletter"])
    return render(request, "newsletters/newsletter_form.html", {
        "county": county, "project": project, "form": form, "preview": _preview_of(form),
        "heading": _("New infobrev"),
    })


def _preview_of(form) -> str:
    body = form.data.get("body") if form.is_bound else form.initial.get("body", getattr(form.instance, "body", ""))
    return body_html(body or "")


@login_required
def newsletter_edit(request, pk):
    newsletter = _newsletter_for_edit(request, pk)
    preview_url = reverse("newsletters:newsletter-preview", kwargs={"number": newsletter.county.number})
    form = NewsletterForm(request.POST or None, instance=newsletter, preview_url=preview_url)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(request, form, lambda: services.update_newsletter(newsletter=newsletter, by=request.user, **data),
                _("The draft was saved.")):
            return redirect(newsletter)
    return render(request, "newsletters/newsletter_form.html", {
        "county": newsletter.county, "project": newsletter.project, "newsletter": newsletter, "form": form,
        "preview": _preview_of(form), "heading": _("Edit infobrev"),
    })


@login_required
@require_POST
def newsletter_preview(request, number):
    """The live preview (htmx): the body as the recipients will see it, sanitised."""
    get_county_for_staff(request.user, number)
    return render(request, "newsletters/partials/_preview.html", {"preview": body_html(request.POST.get("body", ""))})


@login_required
def newsletter_detail(request, pk):
    newsletter = selectors.get_newsletter(request.user, pk)
    user = request.user
    images = list(newsletter.images.all())
    send_form = SendForm(initial={"scheduled_at": newsletter.scheduled_at})
    return render(request, "newsletters/newsletter_detail.html", {
        "newsletter": newsletter,
        "county": newsletter.county,
        "images": images,
        "preview": body_html(newsletter.body),
        "send_form": send_form,
        "progress": selectors.newsletter_progress(newsletter),
        "can_edit": can_edit_newsletter(user, newsletter),
        "can_send": can_send_newsletter(user, newsletter),
        "can_delete": can_delete_newsletter(user, newsletter),
    })


@login_required
def newsletter_progress(request, pk):
    """Polled by the newsletter page while it is being sent: queued / sent / failed."""
    newsletter = selectors.get_newsletter(request.user, pk)
    return render(request, "newsletters/partials/_progress.html",
                  {"newsletter": newsletter, "progress": selectors.newsletter_progress(newsletter)})


@login_required
def newsletter_audience(request, pk):
    newsletter = selectors.get_newsletter(request.user, pk)
    audience = selectors.get_audience(newsletter)
    page = Paginator(audience.recipients, 100).get_page(request.GET.get("page"))
    return render(request, "newsletters/newsletter_audience.html", {
        "newsletter": newsletter, "county": newsletter.county, "audience": audience, "page_obj": page,
        "excluded_counts": audience.excluded_counts(),
    })


@login_required
@require_POST
def newsletter_send(request, pk):
    newsletter = _newsletter(request, pk, can_send_newsletter)
    form = SendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(newsletter)
    if form.cleaned_data["when"] == "later":
        at = form.cleaned_data["scheduled_at"]
        _run(request, None, lambda: services.schedule_newsletter(newsletter=newsletter, by=request.user, at=at),
             _("The infobrev will be sent %(when)s.") % {"when": date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")})
    else:
        _run(request, None, lambda: services.send_newsletter(newsletter=newsletter, by=request.user),
             _("The infobrev is being sent. Follow the progress below."))
    return redirect(newsletter)


@login_required
@require_POST
def newsletter_unschedule(request, pk):
    newsletter = _newsletter(request, pk, can_send_newsletter)
    _run(request, None, lambda: services.unschedule_newsletter(newsletter=newsletter, by=request.user),
         _("The infobrev is a draft again and will not be sent."))
    return redirect(newsletter)


@login_required
@require_POST
def newsletter_delete(request, pk):
    newsletter = _newsletter(request, pk, can_delete_newsletter)
    county = newsletter.county
    if _run(request, None, lambda: services.delete_newsletter(newsletter=newsletter, by=request.user),
            _("The draft was deleted.")):
        return redirect("newsletters:newsletter-list", number=county.number)
    return redirect(newsletter)


@login_required
def newsletter_image_add(request, pk):
    newsletter = _newsletter_for_edit(request, pk)
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(request, form, lambda: services.add_image(newsletter=newsletter, by=request.user, upload=data["image"],
                                                          alt_text=data["alt_text"], caption=data["caption"]),
                _("The image was added.")):
            return redirect(newsletter)
    return render(request, "newsletters/simple_form.html", {
        "county": newsletter.county, "newsletter": newsletter, "form": form, "heading": _("Add image"),
        "multipart": True,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def newsletter_image_delete(request, pk, image_pk):
    newsletter = _newsletter_for_edit(request, pk)
    image = get_object_or_404(NewsletterImage, pk=image_pk, newsletter=newsletter)
    _run(request, None, lambda: services.delete_image(image=image, by=request.user), _("The image was removed."))
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


def _file(field) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type_for(field.name))
    response["Cache-Control"] = "public, max-age=86400"
    return response


# ---------------------------------------------------------------- staff: lists


@login_required
def mailing_lists(request, number):
    county = get_county_for_staff(request.user, number)
    services.ensure_mailing_list(county=county)  # the county's own list always exists
    lists = Paginator(selectors.list_mailing_lists(county), 50).get_page(request.GET.get("page"))
    return render(request, "newsletters/mailing_lists.html", {"county": county, "page_obj": lists})


@login_required
def mailing_list_detail(request, pk):
    mailing_list = get_object_or_404(MailingList.objects.visible_to(request.user).select_related("county", "project"), pk=pk)
    require(can_manage_lists(request.user, mailing_list))
    # An unticked box posts nothing: bind on every POST, not only a non-empty one.
    form = ListSettingsForm(request.POST if request.method == "POST" else None, initial={"is_public": mailing_list.is_public})
    if request.method == "POST" and form.is_valid():
        services.set_list_public(mailing_list=mailing_list, by=request.user, is_public=form.cleaned_data["is_public"])
        messages.success(request, _("The list was saved."))
        return redirect(mailing_list)
    subscribers = mailing_list.subscribers.order_by("status", "email")
    page = Paginator(subscribers, 50).get_page(request.GET.get("page"))
    return render(request, "newsletters/mailing_list_detail.html",
                  {"mailing_list": mailing_list, "county": mailing_list.county, "form": form, "page_obj": page})


# ---------------------------------------------------------------- staff: showcases


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
            created["showcase"] = services.create_showcase(project=project, by=request.user, **data)

        if _run(request, form, action, _("The showcase was saved as a draft.")):
            return redirect(created["showcase"])
    return render(request, "newsletters/simple_form.html", {
        "county": project.county, "project": project, "form": form, "heading": _("New showcase"),
    })


def _showcase_for_edit(request, pk) -> Showcase:
    showcase = get_object_or_404(
        Showcase.objects.visible_to(request.user).select_related("county", "project", "participant__municipality"), pk=pk
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
        if _run(request, form, lambda: services.update_showcase(showcase=showcase, by=request.user, **data),
                _("The showcase was saved.")):
            return redirect(showcase)
    return render(request, "newsletters/showcase_edit.html", {
        "showcase": showcase, "county": showcase.county, "form": form, "photos": showcase.photos.all(),
        "is_finished": services.is_finished(showcase),
    })


@login_required
@require_POST
def showcase_publish(request, pk):
    showcase = _showcase_for_edit(request, pk)
    publish = request.POST.get("publish") == "1"
    _run(request, None, lambda: services.publish_showcase(showcase=showcase, by=request.user, publish=publish),
         _("The showcase is published.") if publish else _("The showcase is no longer public."))
    return redirect(showcase)


@login_required
def showcase_photo_add(request, pk):
    showcase = _showcase_for_edit(request, pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(request, form, lambda: services.add_showcase_photo(
                showcase=showcase, by=request.user, upload=data["image"], alt_text=data["alt_text"],
                caption=data["caption"], shows_people=data["shows_people"], consent_note=data["consent_note"]),
                _("The photo was added.")):
            return redirect(showcase)
    return render(request, "newsletters/simple_form.html", {
        "county": showcase.county, "showcase": showcase, "form": form, "heading": _("Add photo"), "multipart": True,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def showcase_photo_delete(request, pk, photo_pk):
    showcase = _showcase_for_edit(request, pk)
    photo = get_object_or_404(ShowcasePhoto, pk=photo_pk, showcase=showcase)
    _run(request, None, lambda: services.delete_showcase_photo(photo=photo, by=request.user), _("The photo was removed."))
    return redirect(showcase)


@require_GET
def showcase_photo(request, key):
    """A showcase photo: public once the showcase is published and the photo may be shown."""
    photo = get_object_or_404(ShowcasePhoto.objects.select_related("showcase"), key=key)
    showcase = photo.showcase
    if not (showcase.is_published and photo.may_be_shown) and not is_staff_of(request.user, showcase.county_id):
        raise Http404
    return _file(photo.image)


# ---------------------------------------------------------------- bounces


@csrf_exempt
@require_POST
def bounce(request):
    """For the mail server (or its bounce processor): POST JSON {"email": …, "reason": …} or
    {"bounces": [{"email": …, "reason": …}, …]} with `Authorization: Bearer <NEWSLETTER_BOUNCE_SECRET>`."""
    secret = settings.NEWSLETTER_BOUNCE_SECRET
    if not secret:
        raise Http404  # not configured: the endpoint does not exist
    if BOUNCE_FAILURE_LIMIT.exceeded(request):
        return JsonResponse({"error": "too many wrong secrets; try again later"}, status=429)
    given = request.headers.get("Authorization", "")
    given = given[7:].strip() if given.lower().startswith("bearer ") else request.headers.get("X-Bounce-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        BOUNCE_FAILURE_LIMIT.hit(request)
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body or b"{}")
        items = payload["bounces"] if "bounces" in payload else [payload]
        bounces = [(str(item["email"]), str(item.get("reason", ""))) for item in items]
    except (ValueError, TypeError, KeyError, AttributeError):
        return JsonResponse({"error": "expected JSON {\"email\": ..., \"reason\": ...}"}, status=400)
    recorded = []
    for email, reason in bounces:
        try:
            recorded.append(services.record_bounce(email=email, reason=reason, source="endpoint").email)
        except ValidationError:
            return JsonResponse({"error": f"not an e-mail address: {email[:100]}"}, status=400)
    return JsonResponse({"recorded": len(recorded)})


# ---------------------------------------------------------------- public pages


def _public_county(number) -> County:
    return get_object_or_404(County, number=number)


def public_county(request, number):
    county = _public_county(number)
    return render(request, "newsletters/public/county.html", {
        "county": county,
        "showcases": selectors.list_public_showcases(county)[:12],
        "newsletters": selectors.list_archive(county)[:5],
        "public_lists": selectors.list_public_lists(county).exists(),
        "conclusions": published_conclusions(county)[:20],
        "agreements": published_agreements(county=county)[:50],
    })


def archive(request, number):
    county = _public_county(number)
    page = Paginator(selectors.list_archive(county), 20).get_page(request.GET.get("page"))
    return render(request, "newsletters/public/archive.html", {
        "county": county, "page_obj": page, "feed_url": reverse("newsletters:archive-feed", kwargs={"number": number}),
    })


def _public_project(county, pk) -> Project:
    project = get_object_or_404(Project, pk=pk, county=county)
    if not selectors.project_is_public(project):
        raise Http404
    return project


def project_archive(request, number, pk):
    county = _public_county(number)
    project = _public_project(county, pk)
    page = Paginator(selectors.list_archive(county, project=project), 20).get_page(request.GET.get("page"))
    return render(request, "newsletters/public/archive.html", {
        "county": county, "project": project, "page_obj": page,
        "feed_url": reverse("newsletters:project-archive-feed", kwargs={"number": number, "pk": project.pk}),
    })


def _feed(*, title, link, feed_url, newsletters, county) -> HttpResponse:
    feed = Atom1Feed(
        title=title, link=absolute(link), description=title, language="nb", feed_url=absolute(feed_url),
        author_name=county.sender_name or county.name,
    )
    for newsletter in newsletters[:50]:
        url = absolute(newsletter.get_public_url())
        feed.add_item(
            title=newsletter.subject, link=url, unique_id=url, pubdate=newsletter.sent_at,
            updateddate=newsletter.sent_at, description=str(render_markdown(newsletter.body)),
            author_name=county.sender_name or county.name,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_GET
def archive_feed(request, number):
    county = _public_county(number)
    return _feed(
        title=_("Infobrev from %(county)s") % {"county": county.name},
        link=reverse("newsletters:archive", kwargs={"number": number}),
        feed_url=reverse("newsletters:archive-feed", kwargs={"number": number}),
        newsletters=selectors.list_archive(county), county=county,
    )


@require_GET
def project_archive_feed(request, number, pk):
    county = _public_county(number)
    project = _public_project(county, pk)
    return _feed(
        title=_("Infobrev: %(project)s") % {"project": project.title},
        link=reverse("newsletters:project-archive", kwargs={"number": number, "pk": pk}),
        feed_url=reverse("newsletters:project-archive-feed", kwargs={"number": number, "pk": pk}),
        newsletters=selectors.list_archive(county, project=project), county=county,
    )


def archive_detail(request, pk):
    newsletter = selectors.get_public_newsletter(pk)
    return render(request, "newsletters/public/newsletter.html", {
        "newsletter": newsletter, "county": newsletter.county, "preview": body_html(newsletter.body),
        "images": newsletter.images.all(),
        "project_is_public": newsletter.project_id is not None,
    })


def showcase_detail(request, number, slug):
    showcase = selectors.get_public_showcase(number, slug, request.user)
    photos = list(showcase.photos.shown_publicly())
    return render(request, "newsletters/public/showcase.html", {
        "showcase": showcase, "county": showcase.county, "photos": photos,
        "charts": showcase_charts(showcase),
        "og_url": absolute(showcase.get_public_url()),
        "og_image": absolute(photos[0].get_absolute_url()) if photos else "",
        "og_image_alt": photos[0].alt_text if photos else "",
    })


# ---------------------------------------------------------------- subscriptions (public)


def subscribe(request, number):
    county = _public_county(number)
    lists = list(selectors.list_public_lists(county))
    if not lists:
        raise Http404
    form = SubscribeForm(request.POST or None, lists=lists)
    if request.method == "POST" and form.is_valid():
        if SUBSCRIBE_LIMIT.hit(request):
            return render(request, "429.html", status=429)
        for mailing_list in form.chosen_lists():
            services.request_subscription(mailing_list=mailing_list, email=form.cleaned_data["email"],
                                          name=form.cleaned_data["name"])
        return render(request, "newsletters/public/subscribe_sent.html",
                      {"county": county, "email": form.cleaned_data["email"]})
    return render(request, "newsletters/public/subscribe.html", {"county": county, "form": form})


def _token_problem(request, exc, county=None, status=400):
    expired = isinstance(exc, tokens.TokenExpired)
    return render(request, "newsletters/public/token_invalid.html",
                  {"expired": expired, "county": county}, status=status)


@never_cache
def subscribe_confirm(request, token):
    """Double opt-in, step two. The GET shows a button; the POST subscribes (link checkers
    and mail scanners open links, they do not press buttons)."""
    try:
        data = tokens.read_confirm_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as exc:
        return _token_problem(request, exc)
    mailing_list = MailingList.objects.select_related("county", "project").filter(pk=data.list_id).first()
    if mailing_list is None:
        return _token_problem(request, tokens.TokenInvalid(), status=404)
    if request.method == "POST":
        services.confirm_subscription(email=data.email, mailing_list=mailing_list)
        return render(request, "newsletters/public/subscription_done.html",
                      {"county": mailing_list.county, "mailing_list": mailing_list, "subscribed": True})
    return render(request, "newsletters/public/confirm.html",
                  {"county": mailing_list.county, "mailing_list": mailing_list, "email": data.email})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form; the signed token is the proof
@never_cache
def unsubscribe(request, token):
    try:
        data = tokens.read_unsubscribe_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as exc:
        return _token_problem(request, exc)
    mailing_list = MailingList.objects.select_related("county", "project").filter(pk=data.list_id).first()
    if mailing_list is None:
        return _token_problem(request, tokens.TokenInvalid(), status=404)
    if request.method == "POST":
        services.unsubscribe(email=data.email, mailing_list=mailing_list)
        return render(request, "newsletters/public/subscription_done.html", {
            "county": mailing_list.county, "mailing_list": mailing_list, "subscribed": False,
            "preferences_url": reverse("newsletters:preferences", kwargs={
                "token": tokens.make_preferences_token(data.email, mailing_list.county_id)}),
        })
    return render(request, "newsletters/public/unsubscribe.html",
                  {"county": mailing_list.county, "mailing_list": mailing_list, "email": data.email})


@never_cache
def preferences(request, token):
    try:
        data = tokens.read_preferences_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as exc:
        return _token_problem(request, exc)
    county = County.objects.filter(pk=data.county_id).first()
    if county is None:
        return _token_problem(request, tokens.TokenInvalid(), status=404)
    lists = services.lists_for_address(data.email, county)
    wanted = selectors.wanted_lists(data.email, county, lists)
    nothing = selectors.wants_nothing(data.email, county)
    form = PreferencesForm(request.POST if request.method == "POST" else None, lists=lists,
                           initial={"lists": [str(pk) for pk in wanted], "nothing": nothing})
    if request.method == "POST" and form.is_valid():
        services.set_address_preferences(
            email=data.email, county=county, wanted_list_ids={int(pk) for pk in form.cleaned_data["lists"]},
            nothing=form.cleaned_data["nothing"],
        )
        messages.success(request, _("Your choices were saved."))
        return redirect(request.path)
    return render(request, "newsletters/public/preferences.html",
                  {"county": county, "form": form, "email": data.email, "lists": lists})
