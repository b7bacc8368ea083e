"""Follow-up pages: milestones and progress, files, visits, meetings, the escalation review,
the follow-up dashboard, "my milestones" and the personal calendar feed.

Reads go through `selectors.get_project` (404 for what the user may not see); participant
milestones and files of another municipality are 404 to municipal users. Changes check
the permission predicates (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.attachments import ACCEPT, attach_file, delete_attachment
from documents.models import Attachment
from municipalities.selectors import get_county_for_staff, get_municipality
from pages.forms import apply_validation_error
from pages.ids import parse_id

from . import followup_selectors as fs
from . import followup_services as services
from . import ics, selectors
from .followup_forms import (
    AttachmentForm,
    AttendanceForm,
    DashboardFilterForm,
    InviteesForm,
    LeadershipMessageForm,
    MeetingForm,
    MilestoneForm,
    MilestoneStatusForm,
    OutcomeForm,
    ProgressForm,
    VisitForm,
)
from .models import CalendarFeed, EscalationStep, Meeting, Milestone, Participant, Visit
from .permissions import can_attach_to_participant, can_edit_project, can_log_progress
from .services import ProjectError
from .views import _project_for_edit, _run

# Each milestone on "my milestones" carries its own progress form: a short page stays quick.
MY_MILESTONES_PER_PAGE = 10


def _is_staff(user, project) -> bool:
    return project.county_id in user.access.staff_county_ids


def _sees_all_participants(user, project) -> bool:
    """County staff and the project's experts see every participant's follow-up."""
    return _is_staff(user, project) or project.experts.filter(user=user).exists()


def _check_participant_readable(user, project, participant) -> None:
    if participant is not None and participant.municipality_id not in user.access.municipality_ids:
        if not _sees_all_participants(user, project):
            raise Http404


def _milestone(request, pk, milestone_pk) -> Milestone:
    project = selectors.get_project(request.user, pk)
    milestone = get_object_or_404(
        Milestone.objects.select_related("participant__municipality", "responsible_position", "kit_milestone"),
        pk=milestone_pk, project=project,
    )
    milestone.project = project
    _check_participant_readable(request.user, project, milestone.participant)
    return milestone


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _attachments_for(user, **filters):
    return Attachment.objects.visible_to(user).filter(**filters).select_related("uploaded_by")


# -------------------------------------------------------------------- milestones


@login_required
def milestone_list(request, pk):
    """The milestone plan with planned and original dates, slippage per milestone, participant
    and project."""
    project = selectors.get_project(request.user, pk)
    milestones = list(fs.project_milestones(project))
    if not _sees_all_participants(request.user, project):
        own = request.user.access.municipality_ids
        milestones = [m for m in milestones if m.participant_id is None or m.participant.municipality_id in own]
    total, per_participant = fs.slippage(milestones)
    return render(request, "projects/followup/milestone_list.html", {
        "project": project,
        "milestones": milestones,
        "total": total,
        "per_participant": per_participant,
        "today": timezone.localdate(),
        "can_edit": can_edit_project(request.user, project),
    })


@login_required
def milestone_edit(request, pk, milestone_pk=None):
    project = _project_for_edit(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, project=project) if milestone_pk else None
    initial = None
    if milestone:
        initial = {name: getattr(milestone, name) for name in ("name", "description", "participant", "planned_on",
                                                                "responsible_position")}
    form = MilestoneForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = {}
        if _run(request, form, lambda: saved.setdefault("m", services.save_milestone(
                project=project, by=request.user, milestone=milestone, **form.cleaned_data)), _("The milestone was saved.")):
            return redirect("projects:milestone-detail", pk=project.pk, milestone_pk=saved["m"].pk)
    heading = _("Edit milestone") if milestone else _("New milestone")
    subheading = (_("Originally planned for %(date)s; moving the date keeps the original, so the slippage shows.")
                  % {"date": milestone.original_planned_on.strftime("%d.%m.%Y")}) if milestone else ""
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading,
                                                         "subheading": subheading})


@login_required
def milestone_detail(request, pk, milestone_pk):
    milestone = _milestone(request, pk, milestone_pk)
    project = milestone.project
    user = request.user
    can_log = can_log_progress(user, milestone)
    return render(request, "projects/followup/milestone_detail.html", {
        "project": project,
        "milestone": milestone,
        "entries": fs.progress_feed(milestone=milestone),
        "attachments": _attachments_for(user, milestone=milestone, progress_entry__isnull=True),
        "can_log": can_log,
        "can_edit": can_edit_project(user, project),
        "progress_form": ProgressForm(initial={"status": milestone.status}) if can_log else None,
        "status_form": MilestoneStatusForm(initial={"status": milestone.status, "completed_on": milestone.completed_on,
                                                     "skip_reason": milestone.skip_reason}),
        "attachment_form": AttachmentForm() if can_log else None,
        "today": timezone.localdate(),
        "escalations": milestone.escalations.all() if _is_staff(user, project) else [],
        "target": f"milestone:{milestone.pk}",
    })


@login_required
@require_POST
def milestone_status(request, pk, milestone_pk):
    milestone = _milestone(request, pk, milestone_pk)
    if not can_edit_project(request.user, milestone.project):
        raise PermissionDenied
    form = MilestoneStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_milestone_status(milestone=milestone, by=request.user, **form.cleaned_data)
        except (ValidationError, ProjectError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The milestone's status was saved."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("projects:milestone-detail", pk=milestone.project_id, milestone_pk=milestone.pk)


@login_required
@require_POST
def progress_create(request, pk, milestone_pk):
    """Logs progress. From "my milestones" through htmx: answers with the milestone's card."""
    milestone = _milestone(request, pk, milestone_pk)
    if not can_log_progress(request.user, milestone):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES, prefix_id=milestone.pk if request.htmx else None)
    logged = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.log_progress(milestone=milestone, by=request.user, status=data["status"], text=data["text"],
                                  files=data["files"], completed_on=data["completed_on"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except ProjectError as exc:
            form.add_error(None, str(exc))
        else:
            logged = True
    if request.htmx:
        milestone = fs.my_milestones(request.user, ahead_days=3650).filter(pk=milestone.pk).first() or Milestone.objects.select_related(
            "project", "participant__municipality", "responsible_position").get(pk=milestone.pk)
        if logged:
            form = ProgressForm(initial={"status": milestone.status}, prefix_id=milestone.pk)
        return render(request, "projects/partials/_my_milestone.html", {
            "milestone": milestone, "form": form, "logged": logged, "today": timezone.localdate(), "accept": ACCEPT,
        })  # 200 with the errors in the card too: htmx 2 swaps no 4xx answer
    if logged:
        messages.success(request, _("Your progress was logged."))
        return redirect(_next_url(request, reverse("projects:milestone-detail", kwargs={"pk": pk, "milestone_pk": milestone.pk})))
    project = milestone.project
    return render(request, "projects/followup/milestone_detail.html", {
        "project": project, "milestone": milestone, "entries": fs.progress_feed(milestone=milestone),
        "attachments": _attachments_for(request.user, milestone=milestone, progress_entry__isnull=True),
        "can_log": True, "can_edit": can_edit_project(request.user, project), "progress_form": form,
        "status_form": MilestoneStatusForm(initial={"status": milestone.status}), "attachment_form": AttachmentForm(),
        "today": timezone.localdate(), "escalations": [], "target": f"milestone:{milestone.pk}",
    }, status=400)


@login_required
def project_progress(request, pk):
    """The progress feed of a project (county staff)."""
    project = selectors.get_project(request.user, pk)
    if not _is_staff(request.user, project):
        raise Http404
    page = Paginator(fs.progress_feed(project=project), 30).get_page(request.GET.get("page"))
    return render(request, "projects/followup/progress_feed.html", {"project": project, "page_obj": page,
                                                                      "heading": _("Progress log")})


@login_required
def municipality_progress(request, number):
    """The progress feed of one municipality across the county's projects (county staff)."""
    municipality = get_municipality(request.user, number)
    if municipality.county_id not in request.user.access.staff_county_ids:
        raise Http404
    page = Paginator(fs.progress_feed(participant__municipality=municipality), 30).get_page(request.GET.get("page"))
    return render(request, "projects/followup/progress_feed.html", {"municipality": municipality, "page_obj": page,
                                                                      "heading": _("Progress log")})


@login_required
def my_milestones(request):
    """A library head's milestones that are late or due soon, with a progress form on each."""
    page = Paginator(fs.my_milestones(request.user), MY_MILESTONES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/followup/my_milestones.html", {
        "page_obj": page,
        "forms": {m.pk: ProgressForm(initial={"status": m.status}, prefix_id=m.pk) for m in page},
        "today": timezone.localdate(),
        "is_head": bool(request.user.access.head_municipality_ids),
        "accept": ACCEPT,
    })


# ------------------------------------------------------------------------- files


@login_required
@require_POST
def attachment_upload(request, pk):
    """Attaches a file to the project, a participant, a milestone or a meeting (`target`)."""
    project = selectors.get_project(request.user, pk)
    kind, _sep, target_id = request.POST.get("target", "project").partition(":")
    targets, participant = {}, None
    if kind == "milestone":
        milestone = _milestone(request, pk, _int(target_id))
        allowed = can_log_progress(request.user, milestone)
        targets, participant = {"milestone": milestone, "participant": milestone.participant}, milestone.participant
        default = reverse("projects:milestone-detail", kwargs={"pk": pk, "milestone_pk": milestone.pk})
    elif kind == "participant":
        participant = get_object_or_404(Participant.objects.select_related("project"), pk=_int(target_id), project=project)
        _check_participant_readable(request.user, project, participant)
        allowed = can_attach_to_participant(request.user, participant)
        targets = {"participant": participant}
        default = participant.get_absolute_url()
    elif kind == "meeting":
        meeting = get_object_or_404(Meeting, pk=_int(target_id), project=project)
        allowed, targets, default = can_edit_project(request.user, project), {"meeting": meeting}, meeting.get_absolute_url()
    elif kind == "project":
        allowed, default = can_edit_project(request.user, project), project.get_absolute_url()
    else:
        raise Http404
    if not allowed:
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attach_file(project=project, uploaded=form.cleaned_data["file"], by=request.user, **targets)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_next_url(request, default))


def _int(value) -> int:
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """The file, for those who may read what it belongs to (404 otherwise). Images may be shown
    inline; everything else downloads, named as uploaded (safely encoded)."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=attachment_pk, project_id=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = attachment.is_image and request.GET.get("vis") == "1"
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user).select_related("project"), pk=attachment_pk, project_id=pk)
    if attachment.project.is_closed or not (_is_staff(request.user, attachment.project) or attachment.uploaded_by_id == request.user.pk):
        raise PermissionDenied
    delete_attachment(attachment=attachment)
    messages.success(request, _("The file was removed."))
    return redirect(_next_url(request, attachment.project.get_absolute_url()))


# ------------------------------------------------------------------------ visits


@login_required
def visit_edit(request, pk, visit_pk=None):
    project = _project_for_edit(request, pk)
    visit = get_object_or_404(Visit.objects.select_related("participant"), pk=visit_pk, participant__project=project) if visit_pk else None
    if visit:
        initial = {"participant": visit.participant, "planned_on": visit.planned_on, "status": visit.status,
                   "visitors": list(visit.visitors.all()), "purpose": visit.purpose, "notes": visit.notes,
                   "follow_up_points": visit.follow_up_points}
    else:
        initial = {"planned_on": timezone.localdate(), "visitors": [request.user],
                   "participant": parse_id(request.GET.get("deltaker"))}
    form = VisitForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participant = data.pop("participant")
        if _run(request, form, lambda: services.save_visit(participant=participant, by=request.user, visit=visit,
                                                           visitors=list(data.pop("visitors")), **data),
                _("The visit was saved.")):
            return redirect(f"{participant.get_absolute_url()}#visits")
    heading = _("Visit") if visit else _("Plan a visit")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading})


# ---------------------------------------------------------------------- meetings


def _meeting(request, pk, meeting_pk) -> Meeting:
    project = selectors.get_project(request.user, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_pk, project=project)
    meeting.project = project
    return meeting


def _meeting_for_edit(request, pk, meeting_pk) -> Meeting:
    meeting = _meeting(request, pk, meeting_pk)
    if not can_edit_project(request.user, meeting.project):
        raise PermissionDenied
    return meeting


@login_required
def meeting_list(request, pk):
    project = selectors.get_project(request.user, pk)
    page = Paginator(fs.list_meetings(project), 30).get_page(request.GET.get("page"))
    return render(request, "projects/followup/meeting_list.html", {
        "project": project, "page_obj": page, "can_edit": can_edit_project(request.user, project),
    })


@login_required
def meeting_edit(request, pk, meeting_pk=None):
    if meeting_pk:
        meeting = _meeting_for_edit(request, pk, meeting_pk)
        project = meeting.project
        initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
        initial["starts_at"] = timezone.localtime(meeting.starts_at)
        initial["ends_at"] = timezone.localtime(meeting.ends_at)
        initial["objectives"] = "\n".join(o.text for o in meeting.objectives.all())
    else:
        meeting, project = None, _project_for_edit(request, pk)
        initial = {"kind": request.GET.get("kind", Meeting.Kind.WORKSHOP)}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives")
        saved = {}
        if _run(request, form, lambda: saved.setdefault("m", services.save_meeting(
                project=project, by=request.user, meeting=meeting, objectives=objectives, **data)), _("The meeting was saved.")):
            return redirect(saved["m"])
    heading = _("Edit meeting") if meeting else _("New meeting")
    return render(request, "projects/simple_form.html", {
        "form": form, "project": project, "heading": heading,
        "subheading": _("Know what we want to achieve in ALL meetings: state the objectives first."),
    })


@login_required
def meeting_detail(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk)
    project = meeting.project
    user = request.user
    invitees = list(meeting.invitees.select_related("municipality"))
    is_staff = _is_staff(user, project)
    return render(request, "projects/followup/meeting_detail.html", {
        "project": project,
        "meeting": meeting,
        "objectives": list(meeting.objectives.all()),
        "invitees": invitees,
        "together": services.leaders_attended_together(meeting, invitees),
        "is_staff": is_staff,
        "can_edit": can_edit_project(user, project),
        "has_started": meeting.starts_at <= timezone.now(),
        "ground_rules": services.ground_rules_url(project.county) if meeting.kind == Meeting.Kind.DIGITAL else "",
        "attachments": _attachments_for(user, meeting=meeting),
        "attachment_form": AttachmentForm() if can_edit_project(user, project) else None,
        "target": f"meeting:{meeting.pk}",
    })


@login_required
def meeting_invitees(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    current = list(meeting.invitees.all())
    form = InviteesForm(request.POST or None, project=meeting.project, initial={
        "contacts": [i.contact_id for i in current if i.contact_id],
        "users": [i.user_id for i in current if i.user_id and not i.contact_id],
    })
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.set_invitees(meeting=meeting, by=request.user,
                                                             contacts=list(form.cleaned_data["contacts"]),
                                                             users=list(form.cleaned_data["users"])),
                _("The invitees were saved.")):
            return redirect(meeting)
    return render(request, "projects/simple_form.html", {"form": form, "project": meeting.project,
                                                         "heading": _("Invitees"), "subheading": meeting.title})


@login_required
@require_POST
def meeting_schedule(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    try:
        services.schedule_meeting(meeting=meeting, by=request.user)
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
        services.cancel_meeting(meeting=meeting, by=request.user)
    except ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect(meeting)


@login_required
def meeting_attendance(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    form = AttendanceForm(request.POST or None, meeting=meeting,
                          initial={"attended": [i.pk for i in meeting.invitees.all() if i.attended]})
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.record_attendance(
                meeting=meeting, by=request.user, attended_ids=[i.pk for i in form.cleaned_data["attended"]]),
                _("The attendance was saved.")):
            return redirect(meeting)
    return render(request, "projects/simple_form.html", {"form": form, "project": meeting.project,
                                                         "heading": _("Attendance"), "subheading": meeting.title})


@login_required
def meeting_outcome(request, pk, meeting_pk):
    meeting = _meeting_for_edit(request, pk, meeting_pk)
    objectives = list(meeting.objectives.all())
    form = OutcomeForm(request.POST or None, objectives=objectives, initial={"notes": meeting.notes})
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: services.record_outcome(meeting=meeting, by=request.user, outcomes=form.outcomes(),
                                                               notes=form.cleaned_data["notes"]),
                _("The outcome was saved.")):
            return redirect(meeting)
    return render(request, "projects/simple_form.html", {"form": form, "project": meeting.project,
                                                         "heading": _("Outcome"), "subheading": meeting.title})


@login_required
@require_GET
def meeting_ics(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk)
    if meeting.status == Meeting.Status.DRAFT:
        raise Http404
    text = services.meeting_ics(meeting, cancel=meeting.status == Meeting.Status.CANCELLED)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response


# -------------------------------------------------------------------- escalation


@login_required
def escalation_review(request, pk, step_pk):
    """County staff review the proposed message to the chief executive, then send or dismiss it."""
    project = _project_for_edit(request, pk)
    step = get_object_or_404(EscalationStep.objects.select_related("milestone", "participant__municipality"),
                             pk=step_pk, milestone__project=project)
    form = LeadershipMessageForm(request.POST or None, initial={"to": step.recipients, "subject": step.subject, "body": step.body})
    if request.method == "POST":
        if request.POST.get("action") == "dismiss":
            try:
                services.dismiss_leadership_message(step=step, by=request.user)
            except ProjectError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The proposed message was dismissed."))
            return redirect(step.participant)
        if form.is_valid() and _run(request, form, lambda: services.send_leadership_message(step=step, by=request.user, **form.cleaned_data),
                                    _("The message was put in the outbox.")):
            return redirect(step.participant)
    return render(request, "projects/followup/escalation_review.html", {"project": project, "step": step, "form": form})


# --------------------------------------------------------------------- dashboard


@login_required
def followup_dashboard(request, number):
    """Every participant of the county's active projects, at risk first, with the reasons."""
    county = get_county_for_staff(request.user, number)
    filters = DashboardFilterForm(request.GET or None, county=county)
    data = filters.cleaned_data if filters.is_valid() else {}
    health, project = data.get("health", ""), data.get("project")
    rows = fs.list_dashboard(county, health=health, project=project)
    counts = fs.health_counts(county)
    paginator = Paginator(rows, 25)
    if project is None:
        # The counts above already say how many rows there are: no second COUNT over the county.
        paginator.count = counts[health] if health else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "projects/followup/dashboard.html", {
        "county": county,
        "page_obj": page,
        "filters": filters,
        "counts": counts,
        "proposals": fs.pending_proposals(county)[:20],
    })


# ---------------------------------------------------------------- calendar feed


@login_required
def calendar_settings(request):
    """The personal calendar address: shown, made or replaced (revoked)."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_feed(user=request.user)
            messages.success(request, _("You have a new calendar address. The old one no longer works."))
        else:
            services.get_calendar_feed(user=request.user)
            messages.success(request, _("Your calendar address is ready."))
        return redirect("projects:calendar-settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "projects/followup/calendar.html", {
        "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
    })


@require_GET
def calendar_feed(request, token):
    """The feed itself: no login, the secret token is the key (404 when unknown or revoked)."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user").first()
    if feed is None:
        raise Http404
    user = feed.user
    items = fs.calendar_items(user)
    events = []
    base = request.build_absolute_uri("/").rstrip("/")
    for milestone in items["milestones"]:
        where = milestone.participant.municipality.name if milestone.participant_id else milestone.project.title
        events.append(ics.all_day_event(
            uid=f"milestone-{milestone.pk}@fremdrift", on=milestone.planned_on,
            summary=f"{milestone.name} ({where})", description=milestone.project.title,
            url=base + reverse("projects:milestone-detail", kwargs={"pk": milestone.project_id, "milestone_pk": milestone.pk}),
        ))
    rules = {}
    for meeting in items["meetings"]:
        if meeting.project.county_id not in rules:
            rules[meeting.project.county_id] = services.ground_rules_url(meeting.project.county)
        description = services.meeting_description(meeting, list(meeting.objectives.all()),
                                                   rules_url=rules[meeting.project.county_id])
        events.append(ics.meeting_event(meeting, description=description, organizer="",
                                        cancelled=meeting.status == Meeting.Status.CANCELLED,
                                        url=base + meeting.get_absolute_url()))
    for visit in items["visits"]:
        events.append(ics.all_day_event(
            uid=f"visit-{visit.pk}@fremdrift", on=visit.planned_on,
            summary=_("Visit: %(municipality)s") % {"municipality": visit.participant.municipality.name},
            description=visit.purpose, url=base + visit.participant.get_absolute_url(),
        ))
    response = HttpResponse(ics.calendar(events, name="Fremdrift"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


def project_followup_context(user, project) -> dict:
    """What the project page shows of the follow-up (links and the next meetings)."""
    return {
        "upcoming_meetings": Meeting.objects.filter(project=project, status=Meeting.Status.SCHEDULED,
                                                    starts_at__gte=timezone.now()).order_by("starts_at")[:5],
        "can_see_progress": _is_staff(user, project),
        "project_files": _attachments_for(user, project=project, participant__isnull=True, milestone__isnull=True,
                                          meeting__isnull=True, progress_entry__isnull=True),
        "project_file_form": AttachmentForm() if can_edit_project(user, project) else None,
    }


def participant_followup_context(user, participant) -> dict:
    project = participant.project
    readable = _sees_all_participants(user, project) or participant.municipality_id in user.access.municipality_ids
    if not readable:
        return {"followup": None}
    data = fs.participant_followup(participant)
    if not _is_staff(user, project):
        data["escalations"] = []
    data["attachments"] = _attachments_for(user, participant=participant, milestone__isnull=True, progress_entry__isnull=True)
    data["attachment_form"] = AttachmentForm() if can_attach_to_participant(user, participant) else None
    data["can_edit"] = can_edit_project(user, project)
    data["target"] = f"participant:{participant.pk}"
    return {"followup": data}

