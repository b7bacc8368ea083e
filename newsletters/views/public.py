"""The public pages (no login, only what is published): a county's page, the archives and their feeds, a newsletter,
a showcase."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agreements.selectors import published_agreements
from documents.markdown import render_markdown
from evaluations.selectors import published_conclusions
from municipalities.languages import speak_for
from projects.models import Project

from .. import selectors
from ..charts import showcase_charts
from ..rendering import absolute, body_html
from .base import _public_county


def public_county(request, number):
    county = _public_county(number)
    return render(
        request,
        "newsletters/public/county.html",
        {
            "county": county,
            "showcases": selectors.list_public_showcases(county)[:12],
            "newsletters": selectors.list_archive(county)[:5],
            "public_lists": selectors.list_public_lists(county).exists(),
            "conclusions": published_conclusions(county)[:20],
            "agreements": published_agreements(county=county)[:50],
        },
    )


def archive(request, number):
    county = _public_county(number)
    page = Paginator(selectors.list_archive(county), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "newsletters/public/archive.html",
        {
            "county": county,
            "page_obj": page,
            "feed_url": reverse("newsletters:archive-feed", kwargs={"number": number}),
        },
    )


def _public_project(county, pk) -> Project:
    project = get_object_or_404(Project, pk=pk, county=county)
    if not selectors.project_is_public(project):
        raise Http404
    return project


def project_archive(request, number, pk):
    county = _public_county(number)
    project = _public_project(county, pk)
    page = Paginator(selectors.list_archive(county, project=project), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "newsletters/public/archive.html",
        {
            "county": county,
            "project": project,
            "page_obj": page,
            "feed_url": reverse("newsletters:project-archive-feed", kwargs={"number": number, "pk": project.pk}),
        },
    )


def _feed(*, title, link, feed_url, newsletters, county) -> HttpResponse:
    feed = Atom1Feed(
        title=title,
        link=absolute(link),
        description=title,
        language=county.written_standard,
        feed_url=absolute(feed_url),
        author_name=county.sender_name or county.name,
    )
    for newsletter in newsletters[:50]:
        url = absolute(newsletter.get_public_url())
        feed.add_item(
            title=newsletter.subject,
            link=url,
            unique_id=url,
            pubdate=newsletter.sent_at,
            updateddate=newsletter.sent_at,
            description=str(render_markdown(newsletter.body)),
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
        newsletters=selectors.list_archive(county),
        county=county,
    )


@require_GET
def project_archive_feed(request, number, pk):
    county = _public_county(number)
    project = _public_project(county, pk)
    return _feed(
        title=_("Infobrev: %(project)s") % {"project": project.title},
        link=reverse("newsletters:project-archive", kwargs={"number": number, "pk": pk}),
        feed_url=reverse("newsletters:project-archive-feed", kwargs={"number": number, "pk": pk}),
        newsletters=selectors.list_archive(county, project=project),
        county=county,
    )


def archive_detail(request, pk):
    newsletter = selectors.get_public_newsletter(pk)
    speak_for(newsletter.county)
    return render(
        request,
        "newsletters/public/newsletter.html",
        {
            "newsletter": newsletter,
            "county": newsletter.county,
            "preview": body_html(newsletter.body),
            "images": newsletter.images.all(),
            "project_is_public": newsletter.project_id is not None,
        },
    )


def showcase_detail(request, number, slug):
    showcase = selectors.get_public_showcase(number, slug, request.user)
    speak_for(showcase.county)
    photos = list(showcase.photos.shown_publicly())
    return render(
        request,
        "newsletters/public/showcase.html",
        {
            "showcase": showcase,
            "county": showcase.county,
            "photos": photos,
            "charts": showcase_charts(showcase),
            "og_url": absolute(showcase.get_public_url()),
            "og_image": absolute(photos[0].get_absolute_url()) if photos else "",
            "og_image_alt": photos[0].alt_text if photos else "",
        },
    )
