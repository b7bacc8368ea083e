"""The personal calendar feed: its settings page and the feed itself (no login: the token is the key)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import ics
from .. import selectors as fs
from ..models import CalendarFeed, Meeting
from ..services import calendar, meetings

# ---------------------------------------------------------------- calendar feed


@login_required
def calendar_settings(request):
    """The personal calendar address: shown, made or replaced (revoked)."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.revoke_calendar_feed(user=request.user, language=get_language())
            messages.success(request, _("You have a new calendar address. The old one no longer works."))
        else:
            calendar.ensure_calendar_feed(user=request.user, language=get_language())
            messages.success(request, _("Your calendar address is ready."))
        return redirect("followup:calendar-settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "followup/calendar.html",
        {
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
        },
    )


@require_GET
def calendar_feed(request, token):
    """The feed itself: no login, the secret token is the key (404 when unknown or revoked)."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user").first()
    if feed is None:
        raise Http404
    with translation.override(feed.language):
        return _feed_response(request, feed)


def _feed_response(request, feed):
    user = feed.user
    items = fs.calendar_items(user)
    events = []
    base = request.build_absolute_uri("/").rstrip("/")
    for milestone in items["milestones"]:
        where = milestone.participant.municipality.name if milestone.participant_id else milestone.project.title
        events.append(
            ics.all_day_event(
                uid=f"milestone-{milestone.pk}@fremdrift",
                on=milestone.planned_on,
                summary=f"{milestone.name} ({where})",
                description=milestone.project.title,
                url=base
                + reverse(
                    "followup:milestone-detail", kwargs={"pk": milestone.project_id, "milestone_pk": milestone.pk}
                ),
            )
        )
    links = {}  # the links other apps add depend on the county and the kind of meeting: look them up once each
    for meeting in items["meetings"]:
        key = (meeting.project.county_id, meeting.kind)
        if key not in links:
            links[key] = meetings.extra_links(meeting)
        description = meetings.meeting_description(meeting, list(meeting.objectives.all()), links=links[key])
        # No ORGANIZER or ATTENDEE in a feed: it publishes the meeting, the invitation e-mail asks.
        events.append(
            ics.meeting_event(
                meeting,
                description=description,
                cancelled=meeting.status == Meeting.Status.CANCELLED,
                url=base + meeting.get_absolute_url(),
            )
        )
    for visit in items["visits"]:
        events.append(
            ics.all_day_event(
                uid=f"visit-{visit.pk}@fremdrift",
                on=visit.planned_on,
                summary=_("Visit: %(municipality)s") % {"municipality": visit.participant.municipality.name},
                description=visit.purpose,
                url=base + visit.participant.get_absolute_url(),
            )
        )
    response = HttpResponse(ics.calendar(events, name="Fremdrift"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
