"""Changes to projects. Each function is one transaction and refuses changes to a closed project.

Errors the user can correct on a form field are `ValidationError({field: message})`;
a state that forbids the change is `ProjectError`.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from shell.history import records_by
from shell.writes import save_changes

from .lifecycle import pass_gates
from .models import (
    BriefingItem,
    ExpertAssignment,
    ExpertNote,
    Goal,
    Indicator,
    Measurement,
    Participant,
    Project,
    ProjectPartner,
    Requirement,
    RequirementStatus,
)
from .signals import expert_attached, participants_changed


class ProjectError(Exception):
    """The change is not possible in the project's current state; the message is for the user."""


def ensure_open(project, *, error: type[Exception] = ProjectError) -> None:
    """Refuses a change to a closed project, or to what belongs to it (anything with a `project`).
    The one check of every app: an app above raises its own `error`, which its views already show."""
    project = getattr(project, "project", project)
    if project.is_closed:
        raise error(_("The project is closed and can no longer be changed."))


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _check_period(start_on: date, end_on: date) -> None:
    if start_on and end_on and end_on < start_on:
        raise ValidationError({"end_on": _("The project must end after it starts.")})


# ------------------------------------------------------------------- projects

PROJECT_FIELDS = ("title", "case_number", "theme", "purpose", "public_summary", "start_on", "end_on", "follows")


@records_by
@transaction.atomic
def create_project(*, county, by, leaders=(), **fields) -> Project:
    _check_period(fields.get("start_on"), fields.get("end_on"))
    if fields.get("theme") and fields["theme"].county_id != county.pk:
        raise ValidationError({"theme": _("Choose one of the county's themes.")})
    project = Project(county=county, created_by=by, **{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    project.save()
    project.leaders.set(leaders or [by])
    return project


@records_by
@transaction.atomic
def update_project(*, project: Project, by, leaders=None, **fields) -> Project:
    project = _lock(project)
    ensure_open(project)
    _check_period(fields.get("start_on", project.start_on), fields.get("end_on", project.end_on))
    changed = [name for name, value in fields.items() if name in PROJECT_FIELDS and getattr(project, name) != value]
    for name in changed:
        setattr(project, name, fields[name])
    if changed:
        project.save(update_fields=changed)
    if leaders is not None:
        project.leaders.set(leaders)
    return project


@records_by
@transaction.atomic
def change_project_status(*, project: Project, to: str, by, reason: str = "") -> Project:
    """Moves the project along idea → planning → active → closing → closed (or one step back)."""
    project = _lock(project)
    ensure_open(project)
    if to not in project.allowed_transitions():
        raise ProjectError(
            _("A project cannot go from %(from)s to %(to)s.")
            % {"from": project.get_status_display(), "to": Project.Status(to).label}
        )
    fields = ["status"] + pass_gates(project, to=to, by=by, reason=reason)
    project.status = to
    project._change_reason = reason.strip() or None
    project.save(update_fields=fields)
    participants_changed.send(sender=Project, project=project)
    return project


@records_by
@transaction.atomic
def create_bli_ny(*, project: Project, by, title: str, start_on: date, end_on: date) -> Project:
    """A Bli-ny project following `project`: same theme and leaders, its participants invited again."""
    successor = create_project(
        county=project.county,
        by=by,
        leaders=list(project.leaders.all()),
        title=title,
        theme=project.theme,
        purpose=project.purpose,
        start_on=start_on,
        end_on=end_on,
        follows=project,
    )
    invite_participants(
        project=successor,
        municipalities=[p.municipality for p in project.participants.taking_part().select_related("municipality")],
        by=by,
    )
    return successor


# ---------------------------------------------------------- goals and indicators


@records_by
@transaction.atomic
def save_goal(*, project: Project, by, text: str, goal: Goal | None = None) -> Goal:
    ensure_open(project)
    goal = goal or Goal(project=project, order=project.goals.count() + 1)
    goal.text = text
    save_changes(goal, ["text"])
    return goal


@records_by
@transaction.atomic
def delete_goal(*, goal: Goal, by) -> None:
    ensure_open(goal.project)
    goal.delete()


def _check_indicator(baseline, target) -> None:
    if baseline is not None and target is not None and baseline == target:
        raise ValidationError({"target": _("The target must differ from the baseline.")})


@records_by
@transaction.atomic
def save_indicator(
    *, project: Project, by, goal: Goal | None = None, indicator: Indicator | None = None, **fields
) -> Indicator:
    ensure_open(project)
    _check_indicator(fields.get("baseline"), fields.get("target"))
    indicator = indicator or Indicator(project=project, goal=goal)
    for name, value in fields.items():
        setattr(indicator, name, value)
    save_changes(indicator, fields)
    return indicator


@records_by
@transaction.atomic
def delete_indicator(*, indicator: Indicator, by) -> None:
    ensure_open(indicator.project)
    indicator.delete()


@records_by
@transaction.atomic
def record_measurement(*, indicator: Indicator, by, value, measured_on: date, **fields) -> Measurement:
    ensure_open(indicator.project)
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("A measurement cannot be in the future.")})
    return Measurement.objects.create(
        indicator=indicator, value=value, measured_on=measured_on, recorded_by=by, **fields
    )


# ----------------------------------------------------------------- participants


@records_by
@transaction.atomic
def invite_participants(*, project: Project, municipalities, by) -> list[Participant]:
    """Adds municipalities as invited participants; each municipality only once per project."""
    project = _lock(project)
    ensure_open(project)
    foreign = [m for m in municipalities if m.county_id != project.county_id]
    if foreign:
        raise ValidationError(
            {"municipalities": _("%(name)s is not in the project's county.") % {"name": foreign[0].name}}
        )
    existing = set(project.participants.values_list("municipality_id", flat=True))
    twice = [m for m in municipalities if m.pk in existing]
    if twice:
        raise ValidationError(
            {"municipalities": _("%(name)s already takes part in the project.") % {"name": twice[0].name}}
        )
    participants = []
    for municipality in municipalities:
        participant = Participant(
            project=project, municipality=municipality, library=municipality.libraries.filter(is_main=True).first()
        )
        participant.save()
        participants.append(participant)
    participants_changed.send(sender=Participant, participants=participants)
    return participants


@records_by
@transaction.atomic
def change_participant_status(
    *, participant: Participant, to: str, by, reason: str = "", on: date | None = None
) -> Participant:
    participant = Participant.objects.select_for_update().select_related("project").get(pk=participant.pk)
    ensure_open(participant.project)
    if to not in participant.allowed_transitions():
        raise ProjectError(
            _("A participant cannot go from %(from)s to %(to)s.")
            % {"from": participant.get_status_display(), "to": Participant.Status(to).label}
        )
    fields = ["status"]
    if to == Participant.Status.WITHDRAWN:
        if not reason.strip():
            raise ValidationError({"reason": _("Give a reason for the withdrawal.")})
        participant.withdrawal_reason, participant.withdrawn_on = reason.strip(), on or timezone.localdate()
        fields += ["withdrawal_reason", "withdrawn_on"]
    elif participant.status == Participant.Status.WITHDRAWN:
        participant.withdrawal_reason, participant.withdrawn_on = "", None
        fields += ["withdrawal_reason", "withdrawn_on"]
    participant.status = to
    participant.save(update_fields=fields)
    participants_changed.send(sender=Participant, participants=[participant])
    return participant


@records_by
@transaction.atomic
def update_participant(*, participant: Participant, by, library=None, mentor=None) -> Participant:
    ensure_open(participant.project)
    if library is not None and library.municipality_id != participant.municipality_id:
        raise ValidationError({"library": _("Choose one of the municipality's libraries.")})
    if mentor is not None and mentor.pk == participant.municipality_id:
        raise ValidationError({"mentor": _("A municipality cannot be its own mentor.")})
    participant.library, participant.mentor = library, mentor
    participant.save(update_fields=["library", "mentor"])
    return participant


# ------------------------------------------------------------------ requirements


@records_by
@transaction.atomic
def save_requirement(*, project: Project, by, text: str, requirement: Requirement | None = None) -> Requirement:
    ensure_open(project)
    requirement = requirement or Requirement(project=project, order=project.requirements.count() + 1)
    requirement.text = text
    save_changes(requirement, ["text"])
    return requirement


@records_by
@transaction.atomic
def delete_requirement(*, requirement: Requirement, by) -> None:
    ensure_open(requirement.project)
    requirement.delete()


@records_by
@transaction.atomic
def commit_to_requirements(*, participant: Participant, by) -> int:
    """The participant's library head commits to every requirement (recorded with who and when).

    An invited participant becomes committed. Returns how many commitments were new.
    """
    participant = Participant.objects.select_for_update().select_related("project").get(pk=participant.pk)
    ensure_open(participant.project)
    if not Membership.objects.filter(
        user=by, role=Membership.Role.LIBRARY_HEAD, municipality_id=participant.municipality_id
    ).exists():
        raise ProjectError(_("Only the municipality's library head can commit to the requirements."))
    if participant.status == Participant.Status.WITHDRAWN:
        raise ProjectError(_("A withdrawn participant cannot commit."))
    now, new = timezone.now(), 0
    for requirement in participant.project.requirements.all():
        status, _created = RequirementStatus.objects.get_or_create(participant=participant, requirement=requirement)
        if status.committed_at is None:
            status.committed_by, status.committed_at = by, now
            status.save(update_fields=["committed_by", "committed_at"])
            new += 1
    if participant.status == Participant.Status.INVITED:
        participant.status = Participant.Status.COMMITTED
        participant.save(update_fields=["status"])
    return new


@records_by
@transaction.atomic
def record_compliance(
    *, participant: Participant, requirement: Requirement, by, compliance: str, note: str = ""
) -> RequirementStatus:
    ensure_open(participant.project)
    if requirement.project_id != participant.project_id:
        raise ValidationError({"requirement": _("The requirement belongs to another project.")})
    status, _created = RequirementStatus.objects.get_or_create(participant=participant, requirement=requirement)
    status.compliance, status.compliance_note = compliance, note
    status.compliance_by, status.compliance_at = by, timezone.now()
    status.save(update_fields=["compliance", "compliance_note", "compliance_by", "compliance_at"])
    return status


# ----------------------------------------------------------- partners and experts


@records_by
@transaction.atomic
def attach_partner(*, project: Project, organisation, role: str, by) -> ProjectPartner:
    ensure_open(project)
    if organisation.county_id != project.county_id:
        raise ValidationError({"organisation": _("Choose one of the county's partner organisations.")})
    if project.partners.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("The organisation is already a partner in the project.")})
    partner = ProjectPartner(project=project, organisation=organisation, role=role)
    partner.save()
    return partner


@records_by
@transaction.atomic
def detach_partner(*, partner: ProjectPartner, by) -> None:
    ensure_open(partner.project)
    partner.delete()


DEFAULT_BRIEFING = [
    BriefingItem.Topic.GOALS,
    BriefingItem.Topic.RESOURCES,
    BriefingItem.Topic.CONTACTS,
    BriefingItem.Topic.DEADLINES,
]


@records_by
@transaction.atomic
def attach_expert(*, project: Project, user, role: str, by) -> ExpertAssignment:
    """Gives an external expert sight of the project, with a briefing checklist to work through."""
    ensure_open(project)
    if not Membership.objects.filter(user=user, role=Membership.Role.EXPERT, county_id=project.county_id).exists():
        raise ValidationError({"user": _("The person must be an external expert in the county.")})
    if project.experts.filter(user=user).exists():
        raise ValidationError({"user": _("The expert is already attached to the project.")})
    assignment = ExpertAssignment(project=project, user=user, role=role, attached_by=by)
    assignment.save()
    BriefingItem.objects.bulk_create([BriefingItem(assignment=assignment, topic=topic) for topic in DEFAULT_BRIEFING])
    expert_attached.send(sender=ExpertAssignment, assignment=assignment, by=by)
    return assignment


@records_by
@transaction.atomic
def detach_expert(*, assignment: ExpertAssignment, by) -> None:
    ensure_open(assignment.project)
    assignment.delete()


@records_by
@transaction.atomic
def set_briefed(*, item: BriefingItem, by, done: bool, on: date | None = None) -> BriefingItem:
    ensure_open(item.assignment.project)
    item.done_on, item.done_by = (on or timezone.localdate(), by) if done else (None, None)
    item.save(update_fields=["done_on", "done_by"])
    return item


@records_by
@transaction.atomic
def add_expert_note(*, assignment: ExpertAssignment, by, text: str, happened_on: date) -> ExpertNote:
    ensure_open(assignment.project)
    return ExpertNote.objects.create(assignment=assignment, text=text, happened_on=happened_on, written_by=by)
