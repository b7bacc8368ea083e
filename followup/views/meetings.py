"""Meetings, seminars and courses: objectives, invitees, scheduling, attendance and outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.access import access_project
from projects.permissions import can_edit_project, can_view_staff_parts
from projects.services import ProjectError

from .. import selectors as fs
from ..forms import (
    AttachmentForm,
    AttendanceForm,
    InviteesForm,
    MeetingForm,
    OutcomeForm,
)
from ..models import Meeting
from ..services import meetings
from .base import _attachments_for, _meeting, _meeting_for_edit, _run


@login_required
def meeting_list(request, pk):
    project = access_project(request.user, pk)
    page = Paginator(fs.list_meetings(project), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/meeting_list.html",
        {
            "project": project,
            "page_obj": page,
            "can_edit": can_edit_project(request.user, project),
        },
    )


@login_required
def meeting_edit(request, pk, meeting_pk=None):
    if meeting_pk:
        meeting = _meeting_for_edit(request, pk, meeting_pk)
        project = meeting.project
        initial = {name: getattr(meeting, name) for name in meetings.MEETING_FIELDS}
        initial["starts_at"] = timezone.localtime(meeting.starts_at)
        initial["ends_at"] = timezone.localtime(meeting.ends_at)
        initial["objectives"] = "\n".join(o.text for o in meeting.objectives.all())
    else:
        meeting, project = None, access_project(request.user, pk, edit=True)
        initial = {"kind": request.GET.get("kind", Meeting.Kind.WORKSHOP)}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives")
        saved = {}
        if _run(
            request,
            form,
            lambda: saved.setdefault(
                "m",
                meetings.save_meeting(project=project, by=request.user, meeting=meeting, objectives=objectives, **data),
            ),
            _("The meeting was saved."),
        ):
            return redirect(saved["m"])
    heading = _("Edit meeting") if meeting else _("New meeting")
    return render(
        request,
        "projects/simple_form.html",
        {
            "form": form,
            "project": project,
            "heading": heading,
            "subheading": _("Know what we want to achieve in ALL meetings: state the objectives first."),
        },
    )


@login_required
def meeting_detail(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk)
    project = meeting.project
    user = request.user
    invitees = list(fs.visible_invitees(user, meeting))
    is_staff = can_view_staff_parts(user, project)
    return render(
        request,
        "followup/meeting_detail.html",
        {
            "project": project,
            "meeting": meeting,
            "objectives": list(meeting.objectives.all()),
            "invitees": invitees,
            "together": meetings.leaders_attended_together(meeting, invitees),
            "is_staff": is_staff,
            "can_edit": can_edit_project(user, project),
            "has_started": meeting.starts_at <= timezone.now(),
            "extra_links": meetings.extra_links(meeting),
            "attachments": _attachments_for(user, meeting=meeting),
            "attachment_form": AttachmentForm() if can_edit_project(user, project) else None,
            "target": f"meeting:{meeting.pk}",
        },
    )


@login_required
def meeting_invitees(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    current = list(meeting.invitees.all())
    form = InviteesForm(
        request.POST or None,
        project=meeting.project,
        initial={
            "contacts": [i.contact_id for i in current if i.contact_id],
            "users": [i.user_id for i in current if i.user_id and not i.contact_id],
        },
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: meetings.set_invitees(
                meeting=meeting,
                by=request.user,
                contacts=list(form.cleaned_data["contacts"]),
                users=list(form.cleaned_data["users"]),
            ),
            _("The invitees were saved."),
        ):
            return redirect(meeting)
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": meeting.project, "heading": _("Invitees"), "subheading": meeting.title},
    )


@login_required
@require_POST
def meeting_schedule(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    try:
        meetings.schedule_meeting(meeting=meeting, by=request.user)
    except (ValidationError, ProjectError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The meeting is scheduled and the invitations are sent."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_cancel(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    try:
        meetings.cancel_meeting(meeting=meeting, by=request.user)
    except ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect(meeting)


@login_required
def meeting_attendance(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    form = AttendanceForm(
        request.POST or None,
        meeting=meeting,
        initial={"attended": [i.pk for i in meeting.invitees.all() if i.attended]},
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: meetings.record_attendance(
                meeting=meeting, by=request.user, attended_ids=[i.pk for i in form.cleaned_data["attended"]]
            ),
            _("The attendance was saved."),
        ):
            return redirect(meeting)
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": meeting.project, "heading": _("Attendance"), "subheading": meeting.title},
    )


@login_required
def meeting_outcome(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    objectives = list(meeting.objectives.all())
    form = OutcomeForm(request.POST or None, objectives=objectives, initial={"notes": meeting.notes})
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: meetings.record_outcome(
                meeting=meeting, by=request.user, outcomes=form.outcomes(), notes=form.cleaned_data["notes"]
            ),
            _("The outcome was saved."),
        ):
            return redirect(meeting)
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": meeting.project, "heading": _("Outcome"), "subheading": meeting.title},
    )


@login_required
@require_GET
def meeting_ics(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk)
    if meeting.status == Meeting.Status.DRAFT:
        raise Http404
    attendees = [(i.name, i.email) for i in fs.visible_invitees(request.user, meeting) if i.email]
    text = meetings.meeting_ics(meeting, cancel=meeting.status == Meeting.Status.CANCELLED, attendees=attendees)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response
