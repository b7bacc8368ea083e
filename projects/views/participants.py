"""Participants (their page, with the parts other apps add), requirements and compliance."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from municipalities.access import require
from shell.forms import run_service

from .. import services
from ..access import (
    access_participant,
    access_project,
    access_requirement,
)
from ..forms import (
    ComplianceForm,
    InviteParticipantsForm,
    ParticipantForm,
    RequirementForm,
    WithdrawForm,
)
from ..models import Participant
from ..permissions import (
    can_commit,
    can_edit_project,
    can_view_staff_parts,
)
from ..sections import participant_sections

# A view calls a service through this: see shell.forms.run_service.
_run = partial(run_service, errors=(services.ProjectError,))


# ----------------------------------------------------------------- participants


@login_required
def participant_invite(request, pk):
    project = access_project(request.user, pk, edit=True)
    form = InviteParticipantsForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        municipalities = list(form.cleaned_data["municipalities"])
        if _run(
            request,
            form,
            lambda: services.invite_participants(project=project, municipalities=municipalities, by=request.user),
            _("%(count)s municipalities were invited.") % {"count": len(municipalities)},
        ):
            return redirect(f"{project.get_absolute_url()}#participants")
    return render(
        request, "projects/simple_form.html", {"form": form, "project": project, "heading": _("Invite municipalities")}
    )


@login_required
def participant_detail(request, pk, participant_pk):
    user = request.user
    project = access_project(user, pk)
    participant = access_participant(user, project, participant_pk)
    is_staff = can_view_staff_parts(user, project)
    requirements = list(project.requirements.all())
    statuses = {
        s.requirement_id: s for s in participant.requirement_statuses.select_related("committed_by", "compliance_by")
    }
    return render(
        request,
        "projects/participant_detail.html",
        {
            "project": project,
            "participant": participant,
            "rows": [(requirement, statuses.get(requirement.pk)) for requirement in requirements],
            "can_edit": can_edit_project(user, project),
            "can_commit": can_commit(user, participant) and participant.status != Participant.Status.WITHDRAWN,
            "all_committed": requirements
            and all(statuses.get(r.pk) and statuses[r.pk].committed_at for r in requirements),
            "is_staff": is_staff,
            "history": participant.history.select_related("history_user")[:50] if is_staff else None,
            "withdraw_form": WithdrawForm(initial={"on": timezone.localdate()}),
            # The parts other apps add (stakeholders and money, follow-up, agreements), in their order.
            "sections": [
                render_to_string(
                    section.template,
                    {
                        "project": project,
                        "participant": participant,
                        "is_staff": is_staff,
                        "can_edit": can_edit_project(user, project),
                        **section.context(request, participant),
                    },
                    request=request,
                )
                for section in participant_sections()
                if is_staff or not section.staff_only
            ],
        },
    )


@login_required
def participant_edit(request, pk, participant_pk):
    project = access_project(request.user, pk)
    participant = access_participant(request.user, project, participant_pk, edit=True)
    form = ParticipantForm(
        request.POST or None,
        participant=participant,
        initial={"library": participant.library, "mentor": participant.mentor},
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.update_participant(participant=participant, by=request.user, **form.cleaned_data),
            _("The participant was saved."),
        ):
            return redirect(participant)
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": participant.municipality.name},
    )


@login_required
@require_POST
def participant_status(request, pk, participant_pk):
    project = access_project(request.user, pk)
    participant = access_participant(request.user, project, participant_pk, edit=True)
    to = request.POST.get("to", "")
    if to == Participant.Status.WITHDRAWN:
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "projects/simple_form.html",
                {
                    "form": form,
                    "project": project,
                    "heading": _("Withdrawal of %(name)s") % {"name": participant.municipality.name},
                    "action": request.path,
                    "hidden": {"to": to},
                },
                status=400,
            )
        action = lambda: services.change_participant_status(  # noqa: E731
            participant=participant,
            to=to,
            by=request.user,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
        )
    elif to in Participant.Status.values:
        form = None
        action = lambda: services.change_participant_status(participant=participant, to=to, by=request.user)  # noqa: E731
    else:
        messages.error(request, _("Unknown status."))
        return redirect(participant)
    try:
        action()
    except (services.ProjectError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(status)s.")
            % {"name": participant.municipality.name, "status": Participant.Status(to).label},
        )
    return redirect(participant)


@login_required
@require_POST
def participant_commit(request, pk, participant_pk):
    project = access_project(request.user, pk)
    participant = access_participant(request.user, project, participant_pk)
    require(can_commit(request.user, participant))
    try:
        count = services.commit_to_requirements(participant=participant, by=request.user)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You have committed to %(count)s requirements.") % {"count": count})
    return redirect(participant)


# ------------------------------------------------------------------ requirements


@login_required
def requirement_edit(request, pk, requirement_pk=None):
    project = access_project(request.user, pk, edit=requirement_pk is None)
    requirement = access_requirement(request.user, project, requirement_pk, edit=True) if requirement_pk else None
    form = RequirementForm(request.POST or None, initial={"text": requirement.text} if requirement else None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.save_requirement(
                project=project, requirement=requirement, by=request.user, **form.cleaned_data
            ),
            _("The requirement was saved."),
        ):
            return redirect(f"{project.get_absolute_url()}#requirements")
    heading = _("Edit requirement") if requirement else _("New participation requirement")
    return render(request, "projects/simple_form.html", {"form": form, "project": project, "heading": heading})


@login_required
@require_POST
def requirement_delete(request, pk, requirement_pk):
    project = access_project(request.user, pk)
    requirement = access_requirement(request.user, project, requirement_pk, edit=True)
    services.delete_requirement(requirement=requirement, by=request.user)
    messages.success(request, _("The requirement was removed."))
    return redirect(f"{project.get_absolute_url()}#requirements")


@login_required
def compliance_edit(request, pk, participant_pk, requirement_pk):
    project = access_project(request.user, pk)
    participant = access_participant(request.user, project, participant_pk)
    requirement = access_requirement(request.user, project, requirement_pk, edit=True)
    current = participant.requirement_statuses.filter(requirement=requirement).first()
    initial = {"compliance": current.compliance, "note": current.compliance_note} if current else None
    form = ComplianceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            form,
            lambda: services.record_compliance(
                participant=participant, requirement=requirement, by=request.user, **form.cleaned_data
            ),
            _("Compliance was recorded."),
        ):
            return redirect(participant)
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "project": project, "heading": participant.municipality.name, "subheading": requirement.text},
    )
