"""Evaluation rounds: opening one (e-mailing the respondents), asking participants who joined later, closing,
reminders."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.selectors import reachable_library_heads
from accounts.services import invite_user
from municipalities.models import Contact
from notifications import links
from notifications.models import PersonalLink
from notifications.services import queue_templated_email
from projects.models import Project
from projects.services import ensure_open
from shell.history import records_by

from ..models import (
    Kind,
    Questionnaire,
    Response,
    Round,
)
from ..selectors import head_contacts_without_login
from .base import EvaluationError
from .questionnaires import current_version


def _round_title(kind: str, project: Project) -> str:
    titles = {
        Kind.MAPPING: _("Mapping: %(project)s"),
        Kind.MIDTERM: _("Mid-term evaluation: %(project)s"),
        Kind.FINAL: _("Final evaluation: %(project)s"),
        Kind.OTHER: _("Evaluation: %(project)s"),
    }
    return titles[Kind(kind)] % {"project": project.title}


def respondent_users(response: Response) -> list[User]:
    """Who is asked to answer a response: the municipality's library heads, or the expert."""
    if response.user_id:
        return [response.user] if response.user.is_active and response.user.email else []
    return reachable_library_heads([response.participant.municipality_id]).get(response.participant.municipality_id, [])


LINK_PURPOSE = PersonalLink.Purpose.EVALUATION_RESPONSE


def _mail_link_contacts(response: Response, *, template: str, key: str, by=None) -> int:
    """A participant's response whose municipality has no library head with a login: each library-head
    contact with an address gets a personal link (made at the invitation, reused by the reminders)."""
    if response.user_id or respondent_users(response):
        return 0
    round_ = response.round
    sent = 0
    for contact in head_contacts_without_login([response.participant.municipality_id]).get(
        response.participant.municipality_id, []
    ):
        link = links.links_for(LINK_PURPOSE, response.pk).filter(contact=contact, state=PersonalLink.State.SENT).first()
        if link is None:
            if template != "invitation":
                continue
            link = links.create_link(
                contact=contact,
                purpose=LINK_PURPOSE,
                object_id=response.pk,
                expires_at=links.end_of_day(round_.deadline),
                county=round_.project.county,
                by=by,
            )
        queue_templated_email(
            template=f"evaluations/email/{template}",
            context={
                "round": round_,
                "project": round_.project,
                "response": response,
                "answer_path": reverse("evaluations:link", kwargs={"token": links.token_for(link)}),
                "personal_link": True,
            },
            to=link.email,
            kind="evaluation",
            county=round_.project.county,
            about=round_,
            idempotency_key=f"evaluation-{key}:{response.pk}:contact-{contact.pk}",
        )
        sent += 1
    return sent


def _mail_user(response: Response, user, *, template: str, key: str) -> None:
    """Queues one e-mail about `response`'s round to a respondent with a login; once per key, response and user."""
    round_ = response.round
    queue_templated_email(
        template=f"evaluations/email/{template}",
        context={
            "round": round_,
            "project": round_.project,
            "response": response,
            "user": user,
            "answer_path": reverse("evaluations:response", kwargs={"pk": round_.pk, "response_pk": response.pk}),
        },
        to=user.email,
        user=user,
        kind="evaluation",
        county=round_.project.county,
        about=round_,
        idempotency_key=f"evaluation-{key}:{response.pk}:{user.pk}",
    )


def _mail_respondents(response: Response, *, template: str, key: str, by=None) -> int:
    sent = _mail_link_contacts(response, template=template, key=key, by=by)
    for user in respondent_users(response):
        _mail_user(response, user, template=template, key=key)
        sent += 1
    return sent


@records_by
@transaction.atomic
def open_round(
    *,
    project: Project,
    by,
    kind: str,
    questionnaire: Questionnaire,
    deadline: date,
    include_experts: bool = False,
    title: str = "",
) -> Round:
    """Sends the questionnaire's current version to every taking-part participant (answered by its
    library head) and, if asked, to the attached experts; e-mails them through the outbox."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open(project, error=EvaluationError)
    if questionnaire.county_id != project.county_id:
        raise ValidationError({"questionnaire": _("Choose one of the county's questionnaires.")})
    version = current_version(questionnaire)
    if not version.questions.exists():
        raise ValidationError({"questionnaire": _("The questionnaire has no questions yet.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if project.evaluation_rounds.filter(kind=kind, status=Round.Status.OPEN).exists():
        raise ValidationError({"kind": _("An evaluation of this kind is already open for the project.")})
    participants = list(project.participants.taking_part().select_related("municipality"))
    experts = list(project.experts.select_related("user")) if include_experts else []
    if not participants and not experts:
        raise ValidationError({"kind": _("Nobody to ask: the project has no participants yet.")})
    round_ = Round.objects.create(
        project=project,
        kind=kind,
        title=title.strip() or _round_title(kind, project),
        version=version,
        deadline=deadline,
        include_experts=include_experts,
        opened_by=by,
    )
    _ask(round_, participants=participants, experts=[e.user for e in experts], by=by)
    return round_


def participants_not_asked(round: Round):
    """Participants taking part now that the round has no response for (they joined later)."""
    return (
        round.project.participants.taking_part()
        .exclude(pk__in=round.responses.filter(participant__isnull=False).values("participant_id"))
        .select_related("municipality")
    )


def experts_not_asked(round: Round) -> list[User]:
    """The project's external experts a round that asks experts has no response for (attached later)."""
    if not round.include_experts:
        return []
    return [
        assignment.user
        for assignment in round.project.experts.exclude(
            user_id__in=round.responses.filter(user__isnull=False).values("user_id")
        )
        .select_related("user")
        .order_by("user__name", "user_id")
    ]


def _ask(round_: Round, *, participants=(), experts=(), by) -> int:
    responses = Response.objects.bulk_create(
        [Response(round=round_, version=round_.version, participant=p) for p in participants]
        + [Response(round=round_, version=round_.version, user=user) for user in experts]
    )
    for response in responses:
        response.round = round_
        _mail_respondents(response, template="invitation", key="invitation", by=by)
    return len(responses)


@records_by
@transaction.atomic
def ask_new_participants(*, round: Round, by) -> int:
    """Sends an open round to the participants who joined after it was opened and, if it asks experts,
    to the experts attached since. Returns how many new respondents were asked."""
    round_ = Round.objects.select_for_update().select_related("project").get(pk=round.pk)
    if not round_.is_open or round_.is_past_deadline:
        raise EvaluationError(_("Only an open evaluation before its deadline can be sent to more participants."))
    ensure_open(round_.project, error=EvaluationError)
    return _ask(round_, participants=participants_not_asked(round_), experts=experts_not_asked(round_), by=by)


def ask_attached_expert(*, assignment, by) -> int:
    """An expert attached to a project gets its open rounds that ask experts (before their deadline):
    a response of their own and the round's invitation. Runs inside `attach_expert`'s transaction
    (receiver of `projects.signals.expert_attached`). Returns how many rounds."""
    today = timezone.localdate()
    open_rounds = (
        Round.objects.open()
        .select_for_update(of=("self",))
        .filter(project_id=assignment.project_id, include_experts=True, deadline__gte=today)
        .exclude(responses__user_id=assignment.user_id)
        .select_related("project__county")
    )
    return sum(_ask(round_, experts=[assignment.user], by=by) for round_ in open_rounds)


def mail_new_library_head(*, user: User) -> int:
    """A library head who just accepted their invitation is mailed each open round (before its deadline)
    their municipality has not submitted: the round is already theirs on the start page, the e-mail says
    so as it did to those asked when it opened (the same idempotency key: never twice). Returns how many."""
    municipality_ids = list(
        user.memberships.filter(role=Membership.Role.LIBRARY_HEAD).values_list("municipality_id", flat=True)
    )
    if not municipality_ids or not user.email:
        return 0
    pending = (
        Response.objects.filter(
            participant__municipality_id__in=municipality_ids,
            round__status=Round.Status.OPEN,
            round__deadline__gte=timezone.localdate(),
        )
        .exclude(status=Response.Status.SUBMITTED)
        .exclude(round__project__status=Project.Status.CLOSED)
        .select_related("round__project__county")
        .order_by("round__deadline", "pk")
    )
    for response in pending:
        _mail_user(response, user, template="invitation", key="invitation")
    return len(pending)


def on_invitation_accepted(sender, *, user, **kwargs) -> None:
    """Receiver of `accounts.signals.invitation_accepted`."""
    mail_new_library_head(user=user)


def on_expert_attached(sender, *, assignment, by=None, **kwargs) -> None:
    """Receiver of `projects.signals.expert_attached`."""
    ask_attached_expert(assignment=assignment, by=by)


@records_by
@transaction.atomic
def close_round(*, round: Round, by) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if not round_.is_open:
        raise EvaluationError(_("The evaluation is already closed."))
    round_.status, round_.closed_at, round_.closed_by = Round.Status.CLOSED, timezone.now(), by
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    for response_id in round_.responses.values_list("pk", flat=True):
        links.revoke_links(purpose=LINK_PURPOSE, object_id=response_id, by=by)
    return round_


def send_reminders(*, today: date | None = None) -> int:
    """Daily: respondents who have not submitted are reminded once, the county's number of days
    before the deadline (or later, if the round opened inside that window). Returns e-mails queued."""
    today = today or timezone.localdate()
    queued = 0
    rounds = Round.objects.open().filter(deadline__gte=today).select_related("project__county")
    for round_ in rounds:
        if today < round_.deadline - timedelta(days=round_.project.county.evaluation_reminder_days):
            continue
        if round_.project.is_closed:
            continue
        with transaction.atomic():
            pending = round_.responses.exclude(status=Response.Status.SUBMITTED).select_related(
                "participant__municipality", "user"
            )
            for response in pending:
                response.round = round_
                queued += _mail_respondents(response, template="reminder", key="reminder")
    return queued


@records_by
@transaction.atomic
def revoke_response_link(*, round: Round, link: PersonalLink, by) -> PersonalLink:
    """County staff revoke a respondent's personal link."""
    if link.purpose != LINK_PURPOSE or not round.responses.filter(pk=link.object_id).exists():
        raise EvaluationError(_("This link is not for this evaluation."))
    if link.state != PersonalLink.State.SENT:
        raise EvaluationError(_("The link is no longer open."))
    return links.revoke_link(link=link, by=by)


@records_by
@transaction.atomic
def invite_respondent(*, round: Round, contact: Contact, by):
    """Instead of a personal link: the library-head contact is invited as the municipality's library
    head (and linked to the contact); their open link is revoked. The round is theirs once they accept."""
    response = round.responses.filter(participant__municipality_id=contact.municipality_id).first()
    if response is None or not contact.email:
        raise EvaluationError(_("This contact is not asked in this evaluation."))
    invitation = invite_user(
        county=round.project.county,
        email=contact.email,
        name=contact.name,
        role="library_head",
        municipality=contact.municipality,
        by=by,
    )
    contact.user = User.objects.get(email__iexact=contact.email.strip())
    contact.save(update_fields=["user"])
    links.revoke_links(purpose=LINK_PURPOSE, object_id=response.pk, contact=contact, by=by)
    response.round = round
    _mail_respondents(response, template="invitation", key="invitation", by=by)  # the round, to their login
    return invitation
