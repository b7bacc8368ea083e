"""The authorization matrix: every URL of our namespaces × every role × GET and POST.

One row per URL name. `expect(...)` starts from "everyone signed in gets 404,
visitors and deactivated users are sent to the login page" and overrides by
role. The world is built once for the module (in a transaction rolled back at its
end); each test runs in a savepoint of its own and each request inside another, both
rolled back, so rows that change data (revoking, deleting) leave the world as it was
for the next role and the next row.

A row names the objects its URL takes (instances, not ids), and the world records
who owns each of them: which county, and which municipality if any (`World.own`,
from the fixture's own data, never from the app's rules). From that ownership the
matrix *derives* the answer for everyone outside: a municipality's object is 404 to
the users of every other municipality (co-participants in the same project included),
a county's object 404 to the people of every other county. A hand-written answer
for those roles is overruled, so a new URL cannot be given a wrong one; only rows
marked `public` (pages for everyone) are exempt.

A URL name of our own namespaces without a row fails `test_every_url_has_a_row`:
a new view cannot ship without deciding who may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from accounts.models import Invitation, Membership
from notifications.models import OutboxMessage
from planning.models import Letter
from tests.factories import ContactFactory, LibraryFactory, MunicipalityFactory, UserFactory

# One xdist group: `--dist loadgroup` sends every row to the same process, which builds the world once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("authz_matrix")]

THIRD_PARTY_NAMESPACES = {"admin"}  # allauth's URLs have no namespace; see SMOKE
OUR_PLAIN_NAMES = {"healthz"}

ROLES = [
    "anonymous",
    "county_admin",
    "county_staff",
    "library_head",
    "other_library_head",
    "leadership",
    "other_leadership",
    "expert",
    "outsider",
    "deactivated",
]
LOGIN = "login"  # a redirect to the login page
ANY_REDIRECT = "redirect"  # a redirect somewhere else (a successful action)
STAFF = ("county_admin", "county_staff")
MUNICIPAL_OWN = ("library_head", "leadership")
# The other municipality takes part in the same project: it reads the project, not Tromsø's part of it.
CO_PARTICIPANTS = ("other_library_head", "other_leadership")
VISITORS = ("anonymous", "deactivated")


def expect(default=404, *, visitors=LOGIN, **codes) -> dict:
    """Expected answers per role; keyword names are roles, or groups given as tuples via `roles()`."""
    answers = {role: default for role in ROLES}
    answers["anonymous"] = answers["deactivated"] = visitors
    answers.update(codes)
    return answers


def roles(names, code) -> dict:
    return {name: code for name in names}


def everyone(code) -> dict:
    return expect(code, visitors=code)


@dataclass
class Row:
    name: str
    kwargs: Callable = lambda w: {}
    get: dict = field(default_factory=dict)
    post: dict = field(default_factory=dict)
    public: bool = False  # a page for everyone: no answer is derived from ownership

    def objects(self, world) -> list[models.Model]:
        return [value for value in self.kwargs(world).values() if isinstance(value, models.Model)]

    def url_kwargs(self, world) -> dict:
        """The URL's arguments: each object given as its number (counties, municipalities) or id."""
        kwargs = {}
        for name, value in self.kwargs(world).items():
            assert not isinstance(value, int), (
                f"{self.name}: give the object for {name}, not its id (ownership is read from it)"
            )
            if isinstance(value, models.Model):
                value = value.number if name == "number" else value.pk
            kwargs[name] = value
        return kwargs

    def url(self, world) -> str:
        return reverse(self.name, kwargs=self.url_kwargs(world))

    def expected(self, world, method: str) -> dict:
        """The written answers, with those for outsiders of the objects' county and municipality derived."""
        answers = dict(getattr(self, method))
        if self.public:
            return answers
        owners = [world.owner_of(obj) for obj in self.objects(world)]
        for role in answers:
            if role in VISITORS:
                continue
            county, municipality = world.role_scope[role]
            for owner_county, owner_municipality in owners:
                if owner_county != county or (
                    owner_municipality is not None and municipality is not None and owner_municipality != municipality
                ):
                    answers[role] = 405 if answers[role] == 405 else 404
        return answers


def county_kw(w):
    return {"number": w.county}


def municipality_kw(w):
    return {"number": w.municipality}


def person_kw(w):
    return {"number": w.county, "user_id": w.library_head}


def membership_kw(w):
    return person_kw(w) | {"membership_id": w.head_membership}


ADMIN_ONLY = expect(county_admin=200, county_staff=403)
ADMIN_ACTION = expect(county_admin=ANY_REDIRECT, county_staff=403)
NOT_ALLOWED = expect(405)  # POST-only views refuse GET from anyone signed in
STAFF_READ = expect(**roles(STAFF, 200))
STAFF_INVALID_FORM = expect(**roles(STAFF, 400))  # an empty POST to an upload form: refused, on the form
MUNICIPALITY_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200))
MUNICIPALITY_EDIT = expect(**roles(STAFF, 200), leadership=403, library_head=403)
PEOPLE_EDIT = expect(**roles(STAFF, 200), library_head=200, leadership=403)
PEOPLE_ACTION = expect(**roles(STAFF, ANY_REDIRECT), library_head=ANY_REDIRECT, leadership=403)
SIGNED_IN = expect(200)

ROWS = [
    # pages
    Row("shell:home", get=everyone(200), post=everyone(200), public=True),
    Row("shell:page", lambda w: {"slug": "tilgjengelighet"}, get=everyone(200), post=everyone(200), public=True),
    Row("healthz", get=everyone(200), post=everyone(405), public=True),
    # accounts: user administration is for county administrators only
    Row("accounts:user-list", county_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row("accounts:user-invite", county_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row("accounts:user-detail", person_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row("accounts:membership-add", person_kw, get=NOT_ALLOWED, post=expect(county_admin=400, county_staff=403)),
    Row("accounts:membership-change", membership_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row("accounts:membership-revoke", membership_kw, get=NOT_ALLOWED, post=ADMIN_ACTION),
    Row("accounts:membership-handover", membership_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row("accounts:user-deactivate", person_kw, get=NOT_ALLOWED, post=ADMIN_ACTION),
    Row(
        "accounts:invitation-resend",
        lambda w: {"number": w.county, "user_id": w.invitee},
        get=NOT_ALLOWED,
        post=ADMIN_ACTION,
    ),
    Row(
        "accounts:invitation-accept",
        lambda w: {"key": w.invitation.key},
        get=everyone(200),
        post=everyone(200),
        public=True,
    ),
    # accounts: single sign-on providers are the county administrators'; the login page's hint is everyone's
    Row("accounts:identity-provider-list", county_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row(
        "accounts:identity-provider-create",
        county_kw,
        get=ADMIN_ONLY,
        post=expect(county_admin=400, county_staff=403),
    ),
    Row(
        "accounts:identity-provider-edit",
        lambda w: county_kw(w) | {"pk": w.identity_provider},
        get=ADMIN_ONLY,
        post=expect(county_admin=400, county_staff=403),
    ),
    Row(
        "accounts:identity-provider-delete",
        lambda w: county_kw(w) | {"pk": w.identity_provider},
        get=NOT_ALLOWED,
        post=ADMIN_ACTION,
    ),
    Row("accounts:sso-hint", get=everyone(200), post=everyone(405), public=True),
    # re-authentication with one's own provider (for signing); nobody of the world has one: 404
    Row("accounts:sso-reauthenticate", get=expect(405), post=expect(404)),
    # POST starts a sign-on with the county's provider, which is unreachable here (502, Fremdrift's page)
    Row(
        "accounts:sso-login",
        lambda w: {"provider_id": w.identity_provider.sso_provider_id},
        get=everyone(405),
        post=everyone(502),
        public=True,
    ),
    # municipalities: county pages
    Row("municipalities:county-detail", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("municipalities:county-settings", county_kw, get=ADMIN_ONLY, post=expect(county_admin=400, county_staff=403)),
    Row(
        "municipalities:municipality-import",
        county_kw,
        get=ADMIN_ONLY,
        post=expect(county_admin=400, county_staff=403),
    ),
    # municipalities: municipality pages
    Row("municipalities:municipality-list", get=SIGNED_IN, post=SIGNED_IN),
    Row("municipalities:municipality-detail", municipality_kw, get=MUNICIPALITY_READ, post=MUNICIPALITY_READ),
    # GET-only: signed-in users get 405 for POST before any lookup, visitors the login page.
    Row("municipalities:municipality-factsheet", municipality_kw, get=MUNICIPALITY_READ, post=NOT_ALLOWED),
    Row("municipalities:municipality-edit", municipality_kw, get=MUNICIPALITY_EDIT, post=MUNICIPALITY_EDIT),
    Row("municipalities:library-create", municipality_kw, get=PEOPLE_EDIT, post=PEOPLE_EDIT),
    Row(
        "municipalities:library-edit",
        lambda w: municipality_kw(w) | {"pk": w.library},
        get=PEOPLE_EDIT,
        post=PEOPLE_EDIT,
    ),
    Row(
        "municipalities:library-delete",
        lambda w: municipality_kw(w) | {"pk": w.library},
        get=NOT_ALLOWED,
        post=PEOPLE_ACTION,
    ),
    Row("municipalities:contact-create", municipality_kw, get=PEOPLE_EDIT, post=PEOPLE_EDIT),
    Row(
        "municipalities:contact-edit",
        lambda w: municipality_kw(w) | {"pk": w.contact},
        get=PEOPLE_EDIT,
        post=PEOPLE_EDIT,
    ),
    Row(
        "municipalities:contact-delete",
        lambda w: municipality_kw(w) | {"pk": w.contact},
        get=NOT_ALLOWED,
        post=PEOPLE_ACTION,
    ),
]

ROWS += [
    # notifications: the county's outbox for its staff; preferences for everyone signed in
    Row("notifications:outbox", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row(
        "notifications:outbox-retry",
        lambda w: county_kw(w) | {"pk": w.failed_message},
        get=NOT_ALLOWED,
        post=expect(**roles(STAFF, ANY_REDIRECT)),
    ),
    Row("notifications:preferences", get=SIGNED_IN, post=SIGNED_IN),
    # todo: the menu's badge, fetched after the page by everyone signed in
    Row("todo:badge", get=SIGNED_IN, post=NOT_ALLOWED),
    # a user's own profile: everyone signed in, about themselves only (an empty POST shows the form again)
    Row("accounts:profile", get=SIGNED_IN, post=SIGNED_IN),
]

# A project-wide page: everyone who reads the project (a co-participant too); a participant's page is
# the same row with the participant among its objects, and the co-participants' 404 is derived.
PROJECT_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200), **roles(CO_PARTICIPANTS, 200), expert=200)
PROJECT_EDIT = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 403), **roles(CO_PARTICIPANTS, 403), expert=403)
PROJECT_ACTION = expect(
    **roles(STAFF, ANY_REDIRECT), **roles(MUNICIPAL_OWN, 403), **roles(CO_PARTICIPANTS, 403), expert=403
)
# The expert's assignment: the county staff's and the expert's own (municipal users do not read it).
EXPERT_PAGE = expect(**roles(STAFF, 200), expert=200)
EXPERT_EDIT = expect(**roles(STAFF, 200), expert=403)
EXPERT_ACTION = expect(**roles(STAFF, ANY_REDIRECT), expert=403)


def project_kw(w):
    return {"pk": w.project}


def participant_kw(w):
    return project_kw(w) | {"participant_pk": w.participant}


def expert_kw(w):
    return project_kw(w) | {"expert_pk": w.assignment}


ROWS += [
    Row("municipalities:organisation-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("municipalities:organisation-detail", lambda w: {"pk": w.organisation}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "municipalities:organisation-contact-create", lambda w: {"pk": w.organisation}, get=STAFF_READ, post=STAFF_READ
    ),
    Row(
        "municipalities:organisation-contact-edit",
        lambda w: {"pk": w.organisation, "contact_pk": w.organisation_contact},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
    # projects
    Row("projects:project-list", get=SIGNED_IN, post=SIGNED_IN),
    Row("projects:project-export", get=SIGNED_IN, post=SIGNED_IN),
    # Staff of any county create projects in their own county (the outsider in theirs).
    Row(
        "projects:project-create",
        get=expect(403, **roles(STAFF, 200), outsider=200),
        post=expect(403, **roles(STAFF, 200), outsider=200),
    ),
    Row("projects:project-detail", project_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("projects:project-edit", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:project-history", project_kw, get=STAFF_READ, post=STAFF_READ),
    # Parts of the project page: plan and money for county staff; the rest for everyone who reads the project.
    Row("projects:project-section", lambda w: project_kw(w) | {"section": "plan"}, get=STAFF_READ, post=STAFF_READ),
    Row("projects:project-status", project_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("projects:project-bli-ny", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:goal-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:goal-edit", lambda w: project_kw(w) | {"goal_pk": w.goal}, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:goal-delete", lambda w: project_kw(w) | {"goal_pk": w.goal}, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row(
        "projects:indicator-create", lambda w: project_kw(w) | {"goal_pk": w.goal}, get=PROJECT_EDIT, post=PROJECT_EDIT
    ),
    Row(
        "projects:indicator-edit",
        lambda w: project_kw(w) | {"goal_pk": w.goal, "indicator_pk": w.indicator},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row(
        "projects:measurement-create",
        lambda w: project_kw(w) | {"indicator_pk": w.indicator},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row("projects:participant-invite", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:participant-detail", participant_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("projects:participant-edit", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:participant-status", participant_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row(
        "projects:participant-commit",
        participant_kw,
        get=NOT_ALLOWED,
        post=expect(**roles(STAFF, 403), library_head=ANY_REDIRECT, leadership=403, expert=403),
    ),
    Row(
        "projects:compliance-edit",
        lambda w: participant_kw(w) | {"requirement_pk": w.requirement},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row("projects:requirement-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row(
        "projects:requirement-edit",
        lambda w: project_kw(w) | {"requirement_pk": w.requirement},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row(
        "projects:requirement-delete",
        lambda w: project_kw(w) | {"requirement_pk": w.requirement},
        get=NOT_ALLOWED,
        post=PROJECT_ACTION,
    ),
    Row("projects:partner-add", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row(
        "projects:partner-remove",
        lambda w: project_kw(w) | {"partner_pk": w.partner},
        get=NOT_ALLOWED,
        post=PROJECT_ACTION,
    ),
    Row("projects:expert-add", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:expert-detail", expert_kw, get=EXPERT_PAGE, post=EXPERT_EDIT),
    Row(
        "projects:expert-briefing",
        lambda w: expert_kw(w) | {"item_pk": w.assignment.briefing.first()},
        get=NOT_ALLOWED,
        post=EXPERT_ACTION,
    ),
    Row("projects:expert-remove", expert_kw, get=NOT_ALLOWED, post=EXPERT_ACTION),
]

COUNTY_PEOPLE = expect(200, outsider=404)
ROWS += [
    Row("planning:capacity-needs", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("planning:staff-capacity", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("planning:municipality-capacity", municipality_kw, get=PEOPLE_EDIT, post=PEOPLE_EDIT),
    Row("planning:required-positions", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("planning:budget-edit", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("planning:grant-release", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("planning:grant-close", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("planning:project-save-as-kit", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    # Letters are the county staff's (drafted, sent and kept at the county): 404 for everyone else.
    Row("planning:letter-list", project_kw, get=STAFF_READ, post=STAFF_READ),
    Row("planning:letter-detail", lambda w: project_kw(w) | {"letter_pk": w.letter}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "planning:letter-send",
        lambda w: project_kw(w) | {"letter_pk": w.letter},
        get=STAFF_READ,
        post=expect(**roles(STAFF, 400)),
    ),
    Row(
        "planning:letter-delete",
        lambda w: project_kw(w) | {"letter_pk": w.letter},
        get=NOT_ALLOWED,
        post=expect(**roles(STAFF, ANY_REDIRECT)),
    ),
    Row("planning:letter-pdf", lambda w: project_kw(w) | {"letter_pk": w.letter}, get=STAFF_READ, post=NOT_ALLOWED),
    Row("planning:letter-docx", lambda w: project_kw(w) | {"letter_pk": w.letter}, get=STAFF_READ, post=NOT_ALLOWED),
    Row("planning:kit-list", county_kw, get=STAFF_READ, post=expect(**roles(STAFF, ANY_REDIRECT))),
    Row("planning:kit-detail", lambda w: {"kit_pk": w.kit}, get=STAFF_READ, post=STAFF_READ),
    Row("planning:kit-new-project", lambda w: {"kit_pk": w.kit}, get=STAFF_READ, post=STAFF_READ),
    Row("planning:kit-document-create", lambda w: {"kit_pk": w.kit}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "planning:kit-document-edit",
        lambda w: {"kit_pk": w.kit, "document_pk": w.kit_document},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
    Row("planning:handbook-list", county_kw, get=COUNTY_PEOPLE, post=COUNTY_PEOPLE),
    Row("planning:handbook-create", county_kw, get=STAFF_READ, post=STAFF_READ),
    # An internal page: the county's people read it; anyone else gets 404 (visitors too: it looks missing).
    Row(
        "planning:handbook-page",
        lambda w: {"number": w.county, "slug": w.internal_page.slug},
        get=expect(200, visitors=404, outsider=404),
        post=expect(200, visitors=404, outsider=404),
    ),
    Row(
        "planning:handbook-edit",
        lambda w: {"number": w.county, "slug": w.internal_page.slug},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
]

REPORT_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200))
ROWS += [
    Row("reports:archive", get=SIGNED_IN, post=SIGNED_IN),
    Row("reports:report-request", get=SIGNED_IN, post=SIGNED_IN),
    Row(
        "reports:report-detail",
        lambda w: {"pk": w.report},
        get=REPORT_READ,
        post=expect(**roles(STAFF, ANY_REDIRECT), **roles(MUNICIPAL_OWN, 403)),
    ),
    Row("reports:report-download", lambda w: {"pk": w.report}, get=REPORT_READ, post=expect(405)),
]

# follow-up (issue 8)
FOLLOWUP_PROGRESS = expect(**roles(STAFF, 400), library_head=400, leadership=403, expert=403)
FILE_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200), expert=200)


def milestone_kw(w):
    return project_kw(w) | {"milestone_pk": w.milestone}


def meeting_kw(w):
    return project_kw(w) | {"meeting_pk": w.meeting}


ROWS += [
    Row("followup:milestone-list", project_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("followup:milestone-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:milestone-detail", milestone_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("followup:milestone-edit", milestone_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:milestone-status", milestone_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    # An empty entry is refused on the form (400) for those who may log; leadership and experts read only.
    Row("followup:progress-create", milestone_kw, get=NOT_ALLOWED, post=FOLLOWUP_PROGRESS),
    Row("followup:project-progress", project_kw, get=STAFF_READ, post=STAFF_READ),
    Row("followup:municipality-progress", municipality_kw, get=STAFF_READ, post=STAFF_READ),
    Row("followup:my-milestones", get=SIGNED_IN, post=SIGNED_IN),
    Row("followup:attachment-upload", project_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    # A participant's file: its municipality, county staff and the project's experts; others 404.
    Row(
        "followup:attachment-download",
        lambda w: project_kw(w) | {"attachment_pk": w.attachment},
        get=FILE_READ,
        post=NOT_ALLOWED,
    ),
    Row(
        "followup:attachment-delete",
        lambda w: project_kw(w) | {"attachment_pk": w.attachment},
        get=NOT_ALLOWED,
        post=PROJECT_ACTION,
    ),
    Row("followup:visit-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:visit-edit", lambda w: project_kw(w) | {"visit_pk": w.visit}, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:meeting-list", project_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("followup:meeting-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:meeting-detail", meeting_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("followup:meeting-edit", meeting_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:meeting-invitees", meeting_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:meeting-schedule", meeting_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("followup:meeting-cancel", meeting_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("followup:meeting-attendance", meeting_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:meeting-outcome", meeting_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("followup:meeting-ics", meeting_kw, get=PROJECT_READ, post=NOT_ALLOWED),
    # The escalation log is the county staff's: 404 for everyone else.
    Row(
        "followup:escalation-review",
        lambda w: project_kw(w) | {"step_pk": w.escalation},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
    Row("followup:followup-dashboard", county_kw, get=STAFF_READ, post=STAFF_READ),
    # The timelines loaded after their pages (issue 22): the dashboard's for its staff, a municipality's
    # for whoever reads the municipality page (what is on it is scoped by the milestones' readable set).
    Row("followup:dashboard-timeline", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("followup:municipality-timeline", municipality_kw, get=MUNICIPALITY_READ, post=MUNICIPALITY_READ),
    Row("followup:calendar-settings", get=SIGNED_IN, post=expect(ANY_REDIRECT)),
    # The feed needs no login: its secret token is the key.
    Row(
        "followup:calendar-feed", lambda w: {"token": w.feed.token}, get=everyone(200), post=everyone(405), public=True
    ),
]


def round_kw(w):
    return {"pk": w.round}


def correction_kw(w):
    return {"pk": w.correction}


EVALUATION_RESULTS_ACTION = expect(**roles(STAFF, ANY_REDIRECT))
ROWS += [
    # evaluations: questionnaires are the county staff's
    Row("evaluations:questionnaire-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("evaluations:questionnaire-create", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("evaluations:questionnaire-detail", lambda w: {"pk": w.questionnaire}, get=STAFF_READ, post=STAFF_READ),
    Row("evaluations:questionnaire-edit", lambda w: {"pk": w.questionnaire}, get=STAFF_READ, post=STAFF_READ),
    Row("evaluations:question-create", lambda w: {"pk": w.questionnaire}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "evaluations:question-edit",
        lambda w: {"pk": w.questionnaire, "question_pk": w.question},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
    Row(
        "evaluations:question-delete",
        lambda w: {"pk": w.questionnaire, "question_pk": w.question},
        get=NOT_ALLOWED,
        post=EVALUATION_RESULTS_ACTION,
    ),
    # rounds: staff open them and read the results (404 for others who read the project)
    Row("evaluations:round-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("evaluations:round-detail", round_kw, get=STAFF_READ, post=STAFF_READ),
    Row("evaluations:round-close", round_kw, get=NOT_ALLOWED, post=EVALUATION_RESULTS_ACTION),
    Row("evaluations:round-ask-new", round_kw, get=NOT_ALLOWED, post=EVALUATION_RESULTS_ACTION),
    # the library head answers their municipality's response; staff read it and may not answer
    Row(
        "evaluations:response",
        lambda w: round_kw(w) | {"response_pk": w.response},
        get=expect(**roles(STAFF, 200), library_head=200),
        post=expect(**roles(STAFF, 403), library_head=ANY_REDIRECT),
    ),
    Row(
        "evaluations:link-revoke",
        lambda w: round_kw(w) | {"link_pk": w.response_link},
        get=NOT_ALLOWED,
        post=EVALUATION_RESULTS_ACTION,
    ),
    Row(
        "evaluations:respondent-invite",
        lambda w: round_kw(w) | {"contact_pk": w.response_contact},
        get=NOT_ALLOWED,
        post=EVALUATION_RESULTS_ACTION,
    ),
    # a library-head contact's personal link: for whoever holds it (the one-time code decides)
    Row(
        "evaluations:link",
        lambda w: {"token": w.response_link_token},
        get=everyone(200),
        post=everyone(200),
        public=True,
    ),
    Row(
        "evaluations:conclusion-edit",
        lambda w: {"pk": w.mapping, "number": w.municipality},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
    Row(
        "evaluations:conclusion-publish",
        lambda w: {"pk": w.mapping, "number": w.municipality},
        get=NOT_ALLOWED,
        post=EVALUATION_RESULTS_ACTION,
    ),
    # course corrections: everyone who reads the project reads the decision; staff change the plan
    Row("evaluations:correction-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("evaluations:correction-detail", correction_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("evaluations:correction-milestone", correction_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("evaluations:correction-goal", correction_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("evaluations:correction-target", correction_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("evaluations:midterm-skip", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    # before/after measurements: everyone who reads the project; library heads enter their own values
    Row("evaluations:ttt", project_kw, get=PROJECT_READ, post=PROJECT_READ),
    Row("evaluations:ttt-indicator", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("evaluations:ttt-periods", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row(
        "evaluations:ttt-record",
        project_kw,
        get=expect(
            **roles(STAFF, 200),
            library_head=200,
            other_library_head=200,
            leadership=403,
            other_leadership=403,
            expert=403,
        ),
        post=expect(
            **roles(STAFF, 200),
            library_head=200,
            other_library_head=200,
            leadership=403,
            other_leadership=403,
            expert=403,
        ),
    ),
    # lessons learned: the county staff's
    Row("evaluations:project-lessons", project_kw, get=STAFF_READ, post=expect(**roles(STAFF, 400))),
    Row("evaluations:lesson-edit", lambda w: project_kw(w) | {"lesson_pk": w.lesson}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "evaluations:lesson-delete",
        lambda w: project_kw(w) | {"lesson_pk": w.lesson},
        get=NOT_ALLOWED,
        post=EVALUATION_RESULTS_ACTION,
    ),
    Row("evaluations:lessons-log", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("evaluations:lessons-markdown", county_kw, get=STAFF_READ, post=NOT_ALLOWED),
    Row("evaluations:lessons-pdf", county_kw, get=STAFF_READ, post=NOT_ALLOWED),
    Row("evaluations:lessons-docx", county_kw, get=STAFF_READ, post=NOT_ALLOWED),
    # public: published mapping conclusions, no login
    Row("evaluations:public-conclusions", municipality_kw, get=everyone(200), post=everyone(405), public=True),
    Row(
        "evaluations:public-conclusion",
        lambda w: {"number": w.municipality, "conclusion_pk": w.conclusion},
        get=everyone(200),
        post=everyone(405),
        public=True,
    ),
]


AGREEMENT_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200))
AGREEMENT_CHANGE = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 403))
AGREEMENT_ACTION = expect(**roles(STAFF, ANY_REDIRECT), **roles(MUNICIPAL_OWN, 403))
SIGNATORY_ONLY = expect(**roles(STAFF, 403), library_head=403, leadership=200)


def agreement_kw(name):
    return lambda w: {"pk": w.agreements[name]}


ROWS += [
    # agreements: drafts are county staff's only (municipal leadership reaches no draft: 404); the library
    # head and the chief executive read what was sent to them; leadership's one write is signing.
    Row("agreements:agreement-list", get=SIGNED_IN, post=SIGNED_IN),
    Row("agreements:verify", get=everyone(200), post=everyone(405), public=True),
    Row("agreements:published-pdf", agreement_kw("sealed"), get=everyone(200), post=everyone(405), public=True),
    Row(
        "agreements:agreement-create",
        lambda w: {"pk": w.agreement_project, "participant_pk": w.agreements["new_participant"]},
        get=NOT_ALLOWED,
        post=expect(**roles(STAFF, ANY_REDIRECT), **roles(CO_PARTICIPANTS, 403)),
    ),
    Row("agreements:agreement-detail", agreement_kw("draft"), get=STAFF_READ, post=STAFF_READ),
    Row("agreements:agreement-edit", agreement_kw("draft"), get=STAFF_READ, post=STAFF_READ),
    Row("agreements:agreement-matrix", agreement_kw("draft"), get=STAFF_READ, post=STAFF_READ),
    # GET: the confirmation (who is reached how); POST without "confirm" goes back to it.
    Row("agreements:agreement-send", agreement_kw("draft"), get=STAFF_READ, post=expect(**roles(STAFF, ANY_REDIRECT))),
    Row(
        "agreements:signatory-invite",
        lambda w: {"pk": w.agreements["sent"], "slot": "chief_executive"},
        get=NOT_ALLOWED,
        post=AGREEMENT_ACTION,
    ),
    Row(
        "agreements:link-revoke",
        lambda w: {"pk": w.agreements["sent"], "link_pk": w.agreements["link"]},
        get=NOT_ALLOWED,
        post=AGREEMENT_ACTION,
    ),
    # A contact's personal link: for whoever holds it, signed in or not (the one-time code decides);
    # the PDF sends anyone who has not entered the code back to the link.
    Row(
        "agreements:link",
        lambda w: {"token": w.agreements["link_token"]},
        get=everyone(200),
        post=everyone(200),
        public=True,
    ),
    Row(
        "agreements:link-pdf",
        lambda w: {"token": w.agreements["link_token"]},
        get=everyone(ANY_REDIRECT),
        post=everyone(405),
        public=True,
    ),
    Row(
        "agreements:agreement-delete", agreement_kw("draft"), get=NOT_ALLOWED, post=expect(**roles(STAFF, ANY_REDIRECT))
    ),
    Row("agreements:agreement-withdraw", agreement_kw("sent"), get=AGREEMENT_CHANGE, post=AGREEMENT_CHANGE),
    Row(
        "agreements:agreement-sign",
        lambda w: {"pk": w.agreements["sent"], "slot": "chief_executive"},
        get=SIGNATORY_ONLY,
        post=SIGNATORY_ONLY,
    ),
    Row(
        "agreements:agreement-scan",
        lambda w: {"pk": w.agreements["sent"], "slot": "mayor"},
        get=AGREEMENT_CHANGE,
        post=AGREEMENT_CHANGE,
    ),
    Row(
        "agreements:signature-scan",
        lambda w: {"pk": w.agreements["sealed"], "signature_pk": w.agreements["scan"]},
        get=AGREEMENT_READ,
        post=NOT_ALLOWED,
    ),
    Row("agreements:agreement-amend", agreement_kw("sealed"), get=NOT_ALLOWED, post=AGREEMENT_ACTION),
    Row("agreements:agreement-publish", agreement_kw("sealed"), get=NOT_ALLOWED, post=AGREEMENT_ACTION),
    Row("agreements:agreement-pdf", agreement_kw("sealed"), get=AGREEMENT_READ, post=NOT_ALLOWED),
    Row("agreements:agreement-docx", agreement_kw("sealed"), get=AGREEMENT_READ, post=NOT_ALLOWED),
]

# newsletters: internal pages for the county's staff; public pages for everyone, signed in or not.
STAFF_ACTION = expect(**roles(STAFF, ANY_REDIRECT))
PUBLIC = everyone(200)
PUBLIC_GET_ONLY = everyone(405)


def newsletter_kw(w):
    return {"pk": w.newsletter}


ROWS += [
    Row("newsletters:newsletter-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-create", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-preview", county_kw, get=NOT_ALLOWED, post=STAFF_READ),
    Row("newsletters:mailing-lists", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:mailing-list-detail", lambda w: {"pk": w.mailing_list}, get=STAFF_READ, post=STAFF_ACTION),
    Row("newsletters:project-newsletters", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("newsletters:newsletter-money-draft", project_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("newsletters:newsletter-detail", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-edit", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-audience", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-progress", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    # GET: the confirmation (how many get it, who cannot be reached); POST: sends.
    Row("newsletters:newsletter-send", newsletter_kw, get=STAFF_READ, post=STAFF_ACTION),
    Row("newsletters:newsletter-unschedule", newsletter_kw, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:newsletter-delete", newsletter_kw, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:newsletter-image-add", newsletter_kw, get=STAFF_READ, post=STAFF_INVALID_FORM),
    Row(
        "newsletters:newsletter-image-delete",
        lambda w: newsletter_kw(w) | {"image_pk": w.newsletter_image},
        get=NOT_ALLOWED,
        post=STAFF_ACTION,
    ),
    # A draft's image: its staff only (visitors too get 404: it looks missing). Sent ones are public.
    Row(
        "newsletters:newsletter-image",
        lambda w: {"key": w.newsletter_image.key},
        get=expect(404, visitors=404, **roles(STAFF, 200)),
        post=PUBLIC_GET_ONLY,
    ),
    # The bounce endpoint answers only with the shared secret; unset (as here) it does not exist.
    Row("newsletters:bounce", get=everyone(405), post=everyone(404), public=True),
    Row("newsletters:showcase-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:showcase-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("newsletters:showcase-edit", lambda w: {"pk": w.showcase}, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:showcase-publish", lambda w: {"pk": w.showcase}, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:showcase-photo-add", lambda w: {"pk": w.showcase}, get=STAFF_READ, post=STAFF_INVALID_FORM),
    Row(
        "newsletters:showcase-photo-delete",
        lambda w: {"pk": w.showcase, "photo_pk": w.showcase_photo},
        get=NOT_ALLOWED,
        post=STAFF_ACTION,
    ),
    # Public pages: 200 for everyone, signed in or not; feeds and images are GET only.
    Row(
        "newsletters:showcase-photo",
        lambda w: {"key": w.showcase_photo.key},
        get=PUBLIC,
        post=PUBLIC_GET_ONLY,
        public=True,
    ),
    Row("newsletters:public-county", county_kw, get=PUBLIC, post=PUBLIC, public=True),
    Row("newsletters:archive", county_kw, get=PUBLIC, post=PUBLIC, public=True),
    Row("newsletters:archive-feed", county_kw, get=PUBLIC, post=PUBLIC_GET_ONLY, public=True),
    Row("newsletters:project-archive", lambda w: county_kw(w) | project_kw(w), get=PUBLIC, post=PUBLIC, public=True),
    Row(
        "newsletters:project-archive-feed",
        lambda w: county_kw(w) | project_kw(w),
        get=PUBLIC,
        post=PUBLIC_GET_ONLY,
        public=True,
    ),
    Row(
        "newsletters:showcase-detail",
        lambda w: county_kw(w) | {"slug": w.showcase.slug},
        get=PUBLIC,
        post=PUBLIC,
        public=True,
    ),
    Row("newsletters:subscribe", county_kw, get=PUBLIC, post=PUBLIC, public=True),
    Row("newsletters:archive-detail", lambda w: {"pk": w.sent_newsletter}, get=PUBLIC, post=PUBLIC, public=True),
    Row("newsletters:subscribe-confirm", lambda w: {"token": w.confirm_token}, get=PUBLIC, post=PUBLIC, public=True),
    Row("newsletters:unsubscribe", lambda w: {"token": w.unsubscribe_token}, get=PUBLIC, post=PUBLIC, public=True),
    Row(
        "newsletters:preferences",
        lambda w: {"token": w.preferences_token},
        get=PUBLIC,
        post=everyone(ANY_REDIRECT),
        public=True,
    ),
]

# archive extracts (issue 24): the county's staff only; everyone else gets 404, as if there were none.
ROWS += [
    Row("archive:export-list", county_kw, get=STAFF_READ, post=STAFF_INVALID_FORM),
    Row("archive:export-detail", lambda w: {"pk": w.archive_export}, get=STAFF_READ, post=expect(405)),
    Row("archive:export-download", lambda w: {"pk": w.archive_export}, get=STAFF_READ, post=expect(405)),
]

# spreadsheet exports (issue 22): from the page each belongs to, for whoever reads that page (GET only);
# what rows they hold is each app's test. An export job is its requester's alone.
GET_ONLY = expect(405)
ROWS += [
    Row("projects:project-export-xlsx", get=SIGNED_IN, post=GET_ONLY),
    Row("planning:budget-export-xlsx", project_kw, get=PROJECT_READ, post=GET_ONLY),
    Row("followup:milestone-export-xlsx", project_kw, get=PROJECT_READ, post=GET_ONLY),
    Row("notifications:outbox-export-xlsx", county_kw, get=STAFF_READ, post=GET_ONLY),
    Row("evaluations:round-export-xlsx", round_kw, get=STAFF_READ, post=GET_ONLY),
    Row("evaluations:ttt-export-xlsx", project_kw, get=PROJECT_READ, post=GET_ONLY),
    Row("evaluations:lessons-export-xlsx", county_kw, get=STAFF_READ, post=GET_ONLY),
    Row("documents:export-job", lambda w: {"pk": w.export_job}, get=expect(county_staff=200), post=GET_ONLY),
    Row("documents:export-job-download", lambda w: {"pk": w.export_job}, get=expect(county_staff=200), post=GET_ONLY),
]

# Third-party URLs get a short smoke list: (path, role, method, expected).
SMOKE = [
    ("/konto/login/", "anonymous", "get", 200),
    ("/konto/signup/", "anonymous", "get", 200),  # allauth's "sign-up is closed" page
    ("/konto/password/reset/", "anonymous", "get", 200),
    ("/konto/2fa/", "anonymous", "get", LOGIN),
    ("/konto/2fa/", "county_staff", "get", 200),
    ("/konto/social/connections/", "county_staff", "get", 404),  # identities are linked by single sign-on only
    ("/konto/social/connections/", "county_staff", "post", 404),
    ("/admin/login/", "anonymous", "get", LOGIN),  # the admin sits behind allauth's login
    ("/admin/login/", "county_admin", "get", 403),  # counties administer in the app, not the admin
    ("/admin/login/", "county_staff", "get", 403),
]


class World(SimpleNamespace):
    """The fixture's objects, who owns each (county, and municipality if any) and where each role sits."""

    def own(self, obj, county, municipality=None) -> None:
        self.owners[(obj._meta.label, obj.pk)] = (county.pk, municipality.pk if municipality else None)

    def owner_of(self, obj) -> tuple:
        key = (obj._meta.label, obj.pk)
        assert key in self.owners, f"{obj!r} is in a row's URL but the world does not say who owns it (World.own)"
        return self.owners[key]


def build_people() -> SimpleNamespace:
    """The counties, municipalities and one user per role: the same as tests/conftest.py's fixtures
    (which are per test, so the module-wide world cannot use them)."""
    from tests.factories import CountyFactory, make_user

    Role = Membership.Role
    county = CountyFactory(number="55", name="Troms")
    other_county = CountyFactory(number="56", name="Finnmark")
    municipality = MunicipalityFactory(county=county, number="5501", name="Tromsø")
    LibraryFactory(municipality=municipality, name="Tromsø bibliotek og byarkiv")
    other_municipality = MunicipalityFactory(county=county, number="5540", name="Gáivuotna - Kåfjord - Kaivuono")
    deactivated = make_user(Role.COUNTY_STAFF, county=county, email="gone@example.no", name="Gunnar Borte")
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    return SimpleNamespace(
        county=county,
        other_county=other_county,
        municipality=municipality,
        other_municipality=other_municipality,
        county_admin=make_user(Role.COUNTY_ADMIN, county=county, email="admin@example.no", name="Astrid Admin"),
        county_staff=make_user(Role.COUNTY_STAFF, county=county, email="staff@example.no", name="Fredrik Fylke"),
        library_head=make_user(
            Role.LIBRARY_HEAD, municipality=municipality, email="head@example.no", name="Ingrid Sjef"
        ),
        other_library_head=make_user(
            Role.LIBRARY_HEAD, municipality=other_municipality, email="head2@example.no", name="Ánde Sjef"
        ),
        leadership=make_user(
            Role.LEADERSHIP, municipality=municipality, email="radmann@example.no", name="Per Rådmann"
        ),
        other_leadership=make_user(
            Role.LEADERSHIP, municipality=other_municipality, email="ordforer2@example.no", name="Áile Ordfører"
        ),
        expert=make_user(Role.EXPERT, county=county, email="expert@example.no", name="Eirik Ekspert"),
        outsider=make_user(Role.COUNTY_STAFF, county=other_county, email="outsider@example.no", name="Olga Utenfor"),
        deactivated=deactivated,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world is built once for the module, in a transaction rolled back when the module ends.
    Each test runs in a savepoint of its own inside it (pytest-django's `db`), and each request in
    another (`_request`), so a row that writes leaves the world as it was for the next one."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as monkeypatch,
        # As tests/conftest.py's `_mail_through_the_outbox` does for each test.
        override_settings(EMAIL_BACKEND="notifications.backends.OutboxBackend"),
        transaction.atomic(),
    ):
        world = build_world(monkeypatch)
        world.sessions = _sessions(world)
        yield world
        transaction.set_rollback(True)


def _sessions(world) -> dict[str, str]:
    """A session per signed-in role, made once for the module: {role: session key}. Logging in for each
    request (a session written, the last login saved, signals) was a quarter of the matrix's time."""
    return {role: session_key(user) for role, user in world.users.items()}


def session_key(user) -> str:
    """A new session in which `user` is logged in: its key, for a session cookie."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_world(monkeypatch) -> World:
    people = build_people()
    county, other_county, municipality, other_municipality = (
        people.county,
        people.other_county,
        people.municipality,
        people.other_municipality,
    )
    county_admin, county_staff, library_head, other_library_head = (
        people.county_admin,
        people.county_staff,
        people.library_head,
        people.other_library_head,
    )
    leadership, other_leadership, expert, outsider, deactivated = (
        people.leadership,
        people.other_leadership,
        people.expert,
        people.outsider,
        people.deactivated,
    )
    # The matrix decides who may fetch each URL, not what comes back: a stand-in
    # PDF keeps it fast and independent of Pango. tests/documents renders real ones.
    monkeypatch.setattr("municipalities.views.render_factsheet", lambda municipality, lang: b"%PDF-1.7 stand-in")
    monkeypatch.setattr("evaluations.export.lessons_pdf", lambda lessons, **kwargs: b"%PDF-1.7 stand-in")
    monkeypatch.setattr("agreements.services.signatures.render_agreement_pdf", lambda **kwargs: b"%PDF-1.7 stand-in")
    monkeypatch.setattr("planning.letters._render_pdf", lambda letter, **kwargs: b"%PDF-1.7 stand-in")
    invitee = UserFactory(email="invitee@example.no")
    invitee.set_unusable_password()
    invitee.save()
    Membership.objects.create(user=invitee, role=Membership.Role.COUNTY_STAFF, county=county)
    # The other municipality counts in its own library: its library head may enter TTT values there.
    LibraryFactory(municipality=other_municipality, name="Gáivuotna girjerádju")
    # A third municipality takes part in nothing: one to invite.
    MunicipalityFactory(county=county, number="5503", name="Harstad")
    data = build_project_world(county, municipality, other_municipality, county_staff, expert)
    data.update(build_followup_world(data, county_staff=county_staff, library_head=library_head))
    data |= build_evaluation_world(data, county_staff, library_head)
    data |= build_agreement_world(
        data, county, municipality, other_municipality, county_staff, library_head, leadership
    )
    data |= build_newsletter_world(county, data["project"], county_staff)
    data["archive_export"] = build_archive_export(county, data["project"], county_staff)
    data["export_job"] = build_export_job(county_staff)
    data["identity_provider"] = build_identity_provider(county)
    world = World(
        **data,
        county=county,
        municipality=municipality,
        library=LibraryFactory(municipality=municipality, name="Kroken bibliotek", is_main=False),
        contact=ContactFactory(municipality=municipality),
        failed_message=OutboxMessage.objects.create(
            recipient="x@example.no",
            from_email="f@example.no",
            subject="S",
            body_text="B",
            kind="reminder",
            county=county,
            message_id="<matrix@test>",
            status=OutboxMessage.Status.FAILED,
        ),
        letter=Letter.objects.create(
            participant=data["participant"], subject="Invitasjon", body="Til Tromsø", created_by=county_staff
        ),
        library_head=library_head,
        head_membership=library_head.memberships.get(),
        invitee=invitee,
        invitation=Invitation.objects.create(user=invitee, county=county, invited_by=county_admin),
        users={
            "county_admin": county_admin,
            "county_staff": county_staff,
            "library_head": library_head,
            "other_library_head": other_library_head,
            "leadership": leadership,
            "other_leadership": other_leadership,
            "expert": expert,
            "outsider": outsider,
            "deactivated": deactivated,
        },
        owners={},
    )
    # Where each role sits: (county, municipality or None) — the fixture's memberships, written out.
    world.role_scope = {
        "county_admin": (county.pk, None),
        "county_staff": (county.pk, None),
        "expert": (county.pk, None),
        "library_head": (county.pk, municipality.pk),
        "leadership": (county.pk, municipality.pk),
        "other_library_head": (county.pk, other_municipality.pk),
        "other_leadership": (county.pk, other_municipality.pk),
        "outsider": (other_county.pk, None),
    }
    # Who owns what: Tromsø's part of the project is Tromsø's; the rest is the county's.
    for name in (
        "participant",
        "milestone",
        "attachment",
        "visit",
        "escalation",
        "response",
        "conclusion",
        "library",
        "contact",
        "municipality",
        "report",
        "library_head",
        "head_membership",
    ):
        world.own(getattr(world, name), county, municipality)
    world.own(world.letter, county, municipality)
    world.kit_document = world.kit.documents.order_by("id").first()
    world.own(world.kit_document, county)
    for name in ("sealed", "sent", "draft", "scan", "link"):
        world.own(world.agreements[name], county, municipality)
    world.own(world.agreements["new_participant"], county, other_municipality)
    world.own(world.response_link, county, other_municipality)
    world.own(world.response_contact, county, other_municipality)
    for name in (
        "county",
        "project",
        "goal",
        "indicator",
        "requirement",
        "partner",
        "assignment",
        "kit",
        "organisation",
        "organisation_contact",
        "meeting",
        "questionnaire",
        "question",
        "round",
        "mapping",
        "correction",
        "lesson",
        "newsletter",
        "newsletter_image",
        "sent_newsletter",
        "mailing_list",
        "showcase",
        "showcase_photo",
        "failed_message",
        "invitee",
        "agreement_project",
        "archive_export",
        "export_job",
        "identity_provider",
    ):
        world.own(getattr(world, name), county)
    world.own(world.assignment.briefing.first(), county)
    return world


def build_project_world(county, municipality, other_municipality, county_staff, expert) -> dict:
    """An active project in which the library head's municipality and the other municipality take part,
    with one of everything."""
    from datetime import date

    from municipalities.models import Organisation, Theme
    from projects import services
    from projects.models import Project

    project = services.create_project(
        county=county,
        by=county_staff,
        title="Bibliotekrom i Troms",
        theme=Theme.objects.get(county=county, code="library_rooms"),
        purpose="Bedre rom.",
        start_on=date(2026, 1, 1),
        end_on=date(2027, 12, 31),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    project.refresh_from_db()
    participant, _co_participant = services.invite_participants(
        project=project, municipalities=[municipality, other_municipality], by=county_staff
    )
    goal = services.save_goal(project=project, by=county_staff, text="Flere besøk")
    organisation = Organisation.objects.create(county=county, name="UiT Norges arktiske universitet")
    from django.core.files.base import ContentFile

    from planning.models import HandbookPage
    from planning.standard_kits import install_standard_kits
    from reports.models import Report

    report = Report(
        county=county,
        kind=Report.Kind.MUNICIPALITY,
        municipality=municipality,
        month=date(2026, 10, 1),
        subject_key=f"municipality:{municipality.number}",
        status=Report.Status.READY,
    )
    report.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4 stand-in"), save=True)
    return {
        "report": report,
        "kit": install_standard_kits(county)[0],
        "internal_page": HandbookPage.objects.create(
            county=county, slug="internt", title="Internt", body="Bare for oss."
        ),
        "project": project,
        "participant": participant,
        "goal": goal,
        "indicator": services.save_indicator(
            project=project, goal=goal, by=county_staff, name="Besøk per uke", baseline=100, target=150
        ),
        "requirement": services.save_requirement(project=project, by=county_staff, text="Delta på alle verksteder"),
        "organisation": organisation,
        "organisation_contact": ContactFactory(municipality=None, county=county, organisation=organisation),
        "partner": services.attach_partner(
            project=project, organisation=organisation, role="Fagmiljø", by=county_staff
        ),
        "assignment": services.attach_expert(project=project, user=expert, role="Interiørarkitekt", by=county_staff),
    }


def build_followup_world(world, *, county_staff, library_head) -> dict:
    """A late milestone of the library head's municipality with a file, a visit, a scheduled
    meeting, a proposed message to the chief executive and the library head's calendar feed."""
    from datetime import date, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from followup.models import EscalationStep
    from followup.services import calendar, meetings, milestones, visits
    from followup.services.files import attach_file
    from tests.factories import position

    project, participant = world["project"], world["participant"]
    milestone = milestones.save_milestone(
        project=project,
        by=county_staff,
        name="Romplan ferdig",
        participant=participant,
        planned_on=timezone.localdate() - timedelta(days=10),
    )
    pdf = SimpleUploadedFile("tilbud.pdf", b"%PDF-1.4\n%matrix\n", content_type="application/pdf")
    starts = timezone.now() + timedelta(days=14)
    meeting = meetings.save_meeting(
        project=project,
        by=county_staff,
        objectives=["En felles romplan"],
        kind="workshop",
        title="Verksted",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Tromsø",
    )
    # The invitee is the technical department: the library head's own contact belongs to the agreement world.
    technical = position(project.county, "technical")
    meetings.set_invitees(
        meeting=meeting,
        by=county_staff,
        contacts=[ContactFactory(municipality=participant.municipality, position=technical)],
    )
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    return {
        "milestone": milestone,
        "attachment": attach_file(project=project, uploaded=pdf, by=county_staff, participant=participant),
        "visit": visits.save_visit(
            participant=participant,
            by=county_staff,
            planned_on=date(2026, 2, 1),
            purpose="Befaring",
            visitors=[county_staff],
        ),
        "meeting": meeting,
        "escalation": EscalationStep.objects.create(
            participant=participant,
            milestone=milestone,
            step=EscalationStep.Step.LEADERSHIP,
            due_on=milestone.planned_on,
            overdue_days=50,
            status=EscalationStep.Status.PROPOSED,
            subject="Bibliotekprosjektet",
            body="Hei",
            recipients="radmann@example.no",
        ),
        "feed": calendar.ensure_calendar_feed(user=library_head),
    }


def build_evaluation_world(world, county_staff, library_head) -> dict:
    """A questionnaire, an open mid-term round (experts asked too) and an open mapping with a
    published conclusion, a course correction and a lesson, on the project of `build_project_world`."""
    from django.utils import timezone

    from evaluations.models import Kind
    from evaluations.services import conclusions, corrections, questionnaires, rounds
    from evaluations.services import lessons as lessons_services

    project, county = world["project"], world["project"].county
    questionnaire = questionnaires.create_questionnaire(
        county=county, by=county_staff, title="Mellomevaluering", kind=Kind.MIDTERM
    )
    question = questionnaires.save_question(
        questionnaire=questionnaire, by=county_staff, type="scale", text="Hvor fornøyd?"
    )
    round_ = rounds.open_round(
        project=project,
        by=county_staff,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=timezone.localdate(),
        include_experts=True,
    )
    mapping = rounds.open_round(
        project=project, by=county_staff, kind=Kind.MAPPING, questionnaire=questionnaire, deadline=timezone.localdate()
    )
    conclusion = conclusions.save_conclusion(
        round=mapping, municipality=world["participant"].municipality, by=county_staff, text="Stort potensial."
    )
    conclusions.publish_conclusion(conclusion=conclusion, by=county_staff)
    # Gáivuotna's library head: a contact without a login, with a personal link for Gáivuotna's response.
    from notifications import links
    from notifications.models import PersonalLink
    from tests.factories import position

    response = round_.responses.exclude(participant=world["participant"]).get(participant__isnull=False)
    head_contact = ContactFactory(
        municipality=response.participant.municipality,
        user=None,
        email="sjef.uten.konto@example.no",
        position=position(county, "library_head"),
    )
    response_link = links.create_link(
        contact=head_contact,
        purpose=PersonalLink.Purpose.EVALUATION_RESPONSE,
        object_id=response.pk,
        expires_at=links.end_of_day(timezone.localdate()),
        county=county,
        by=county_staff,
    )
    return {
        "response_link": response_link,
        "response_link_token": links.token_for(response_link),
        "response_contact": head_contact,
        "questionnaire": questionnaire,
        "question": question,
        "round": round_,
        "response": round_.responses.get(participant=world["participant"]),
        "mapping": mapping,
        "conclusion": conclusion,
        "correction": corrections.record_correction(
            project=project,
            by=county_staff,
            round=round_,
            decision="Mer tid.",
            rationale="Det tar tid.",
            decided_by="Styringsgruppen",
            decided_on=timezone.localdate(),
        ),
        "lesson": lessons_services.save_lesson(
            project=project, by=county_staff, section="most_important", text="Ting tar tid.", kind="planning"
        ),
    }


def build_agreement_world(
    world, county, municipality, other_municipality, county_staff, library_head, leadership
) -> dict:
    """Tromsø's agreement in the project: version 1 sealed (one signature scanned from paper) and
    published, version 2 out for signature to the chief executive; in a second project a draft for
    Tromsø and a participant (Gáivuotna) without an agreement."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from agreements.services import amendments, drafts, sending, signatures
    from municipalities.models import Position, Theme
    from projects import services
    from tests.factories import TEST_PASSWORD, position

    ContactFactory(municipality=municipality, user=library_head, position=position(county, Position.Code.LIBRARY_HEAD))
    ContactFactory(municipality=municipality, user=leadership, position=position(county, Position.Code.CHIEF_EXECUTIVE))
    sealed = drafts.create_agreement(participant=world["participant"], by=county_staff)
    sealed = sending.send_for_signature(agreement=sealed, by=county_staff)
    for slot, user in [("county", county_staff), ("library_head", library_head)]:
        signatures.sign_agreement(
            agreement=sealed,
            slot=slot,
            user=user,
            content_sha256=sealed.content_sha256,
            data={"password": TEST_PASSWORD},
        )
    scan = signatures.record_wet_ink_signature(
        agreement=sealed,
        slot="chief_executive",
        by=county_staff,
        content_sha256=sealed.content_sha256,
        scan=SimpleUploadedFile("skann.pdf", b"%PDF-1.4 matrix", content_type="application/pdf"),
    )
    sealed.refresh_from_db()
    amendments.set_published(agreement=sealed, by=county_staff, published=True)
    sent = amendments.create_amendment(agreement=sealed, by=county_staff)
    sent = sending.send_for_signature(agreement=sent, by=county_staff)
    other_project = services.create_project(
        county=county,
        by=county_staff,
        title="Leselyst",
        theme=Theme.objects.get(county=county, code="reading"),
        purpose="Lese.",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    mine, new_participant = services.invite_participants(
        project=other_project, municipalities=[municipality, other_municipality], by=county_staff
    )
    draft = drafts.create_agreement(participant=mine, by=county_staff)
    # The mayor of version 2 has no login: a personal link (revoked by a request, rolled back after it).
    from notifications import links
    from notifications.models import PersonalLink

    link = links.create_link(
        contact=ContactFactory(
            municipality=municipality, user=None, email="ordforer@example.no", position=position(county, "mayor")
        ),
        purpose=PersonalLink.Purpose.AGREEMENT_SIGNATURE,
        object_id=sent.pk,
        slot="mayor",
        expires_at=links.end_of_day(date(2099, 1, 1)),
        county=county,
        by=county_staff,
    )
    return {
        "agreement_project": other_project,
        "agreements": {
            "sealed": sealed,
            "sent": sent,
            "draft": draft,
            "scan": scan,
            "new_participant": new_participant,
            "link": link,
            "link_token": links.token_for(link),
        },
    }


def build_newsletter_world(county, project, county_staff) -> dict:
    """A draft infobrev with an image, a sent public one, a published showcase with a photo, and
    valid links for subscribing, unsubscribing and preferences."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from newsletters import tokens
    from newsletters.models import Newsletter, Showcase
    from newsletters.services import showcases, writing
    from newsletters.services.base import ensure_mailing_list

    def png():
        out = io.BytesIO()
        Image.new("RGB", (4, 4), (18, 55, 94)).save(out, "PNG")
        return SimpleUploadedFile("bilde.png", out.getvalue())

    draft = writing.create_newsletter(county=county, project=project, by=county_staff, subject="Utkast", body="Tekst")
    sent = writing.create_newsletter(
        county=county, project=project, by=county_staff, subject="Sendt", body="Tekst", is_public=True
    )
    Newsletter.objects.filter(pk=sent.pk).update(status=Newsletter.Status.SENT, sent_at=timezone.now())
    showcase = showcases.create_showcase(
        project=project, by=county_staff, title="Et eksempel", summary="Slik gikk det."
    )
    Showcase.objects.filter(pk=showcase.pk).update(published_at=timezone.now())
    county_list = ensure_mailing_list(county=county)
    return {
        "newsletter": draft,
        "newsletter_image": writing.add_image(newsletter=draft, by=county_staff, upload=png(), alt_text="Et kart"),
        "sent_newsletter": sent,
        "mailing_list": county_list,
        "showcase": showcase,
        "showcase_photo": showcases.add_showcase_photo(
            showcase=showcase, by=county_staff, upload=png(), alt_text="Lesesalen"
        ),
        "confirm_token": tokens.make_confirm_token("leser@example.no", county_list.pk),
        "unsubscribe_token": tokens.make_unsubscribe_token("leser@example.no", county_list.pk),
        "preferences_token": tokens.make_preferences_token("leser@example.no", county.pk),
    }


def build_archive_export(county, project, county_staff):
    """A finished extract of the project (a stand-in file: the matrix is about who may have it)."""
    from django.core.files.base import ContentFile

    from archive.models import ArchiveExport

    export = ArchiveExport(county=county, project=project, requested_by=county_staff, status=ArchiveExport.Status.READY)
    export.file.save("matrix.tar", ContentFile(b"stand-in"), save=True)
    return export


def build_export_job(county_staff):
    """A finished export job of the county's staff member (a stand-in file)."""
    from django.core.files.base import ContentFile

    from documents.models import ExportJob

    job = ExportJob(
        kind="milestones", title="Matrix", filename="matrix.xlsx", requested_by=county_staff, status="ready"
    )
    job.file.save("matrix.xlsx", ContentFile(b"stand-in"), save=True)
    return job


def build_identity_provider(county):
    """Troms' single sign-on provider (never reached: the matrix is about who may change it)."""
    from accounts.services import save_identity_provider

    return save_identity_provider(
        county=county,
        name="Troms fylkeskommune",
        issuer="https://127.0.0.1:9/troms/v2.0",  # the discard port: nothing answers, at once
        client_id="matrix",
        secret_env="FREMDRIFT_MATRIX_SSO_SECRET",
        require_sso=False,
        domains=["tromsfylke.no"],
        by=None,
    )


def _request(client, world, role, method, url):
    """One request as `role` (its session from `_sessions`), in a savepoint rolled back afterwards: what
    the request writes, to its session too (a logout, a message), is undone for the next one."""
    client.cookies.clear()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    savepoint = transaction.savepoint()
    try:
        return getattr(client, method)(url)
    finally:
        transaction.savepoint_rollback(savepoint)


def _matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(reverse("account_login"))
    if expected == ANY_REDIRECT:
        return response.status_code == 302 and not response.url.startswith(reverse("account_login"))
    return response.status_code == expected


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_authorization(row, world, client):
    url = row.url(world)
    wrong = []
    for method in ("get", "post"):
        for role, expected in row.expected(world, method).items():
            response = _request(client, world, role, method, url)
            if not _matches(response, expected):
                actual = response.status_code, getattr(response, "url", "")
                wrong.append(f"{method.upper()} {url} as {role}: expected {expected}, got {actual}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path, role, method, expected", SMOKE)
def test_third_party_urls(path, role, method, expected, world, client):
    response = _request(client, world, role, method, path)
    assert _matches(response, expected), (response.status_code, getattr(response, "url", ""))


def test_every_url_has_a_row():
    rows = {row.name for row in ROWS}
    assert len(rows) == len(ROWS), "a URL name appears in two rows"
    ours = set()
    resolver = get_resolver()
    for namespace, (_prefix, sub_resolver) in resolver.namespace_dict.items():
        if namespace not in THIRD_PARTY_NAMESPACES:
            ours |= {f"{namespace}:{name}" for name in sub_resolver.reverse_dict if isinstance(name, str)}
    ours |= {name for name in resolver.reverse_dict if isinstance(name, str) and name in OUR_PLAIN_NAMES}
    assert ours - rows == set(), f"URLs without a row in the authorization matrix: {sorted(ours - rows)}"
    assert rows - ours == set(), f"rows for URLs that do not exist: {sorted(rows - ours)}"


def test_ownership_decides_for_the_neighbours(world):
    """The written answer for a project page says co-participants may read it; for a participant's page
    the same written answer is overruled by who owns the participant (Tromsø)."""
    detail = next(row for row in ROWS if row.name == "projects:participant-detail")
    assert detail.get["other_library_head"] == 200  # PROJECT_READ, as written
    derived = detail.expected(world, "get")
    assert derived["other_library_head"] == derived["other_leadership"] == derived["outsider"] == 404
    assert derived["library_head"] == derived["leadership"] == 200


def test_an_object_without_an_owner_cannot_be_in_a_row(world):
    row = Row("projects:project-detail", lambda w: {"pk": w.users["county_staff"]}, get=expect())
    with pytest.raises(AssertionError, match="who owns it"):
        row.expected(world, "get")
    with pytest.raises(AssertionError, match="not its id"):
        Row("projects:project-detail", lambda w: {"pk": 1}).url(world)


@pytest.mark.parametrize("role", ROLES)
def test_sso_callbacks_reject_foreign_state(role, world, client):
    """allauth's callback for the county's provider, with a state this browser never started (a code and
    state from someone else's login, or made up): refused with Fremdrift's page, for every role, and the
    session stays whose it was."""
    url = reverse("openid_connect_callback", kwargs={"provider_id": world.identity_provider.sso_provider_id})
    before = None if role == "anonymous" else str(world.users[role].pk)
    response = _request(client, world, role, "get", f"{url}?code=stolen-code&state=AAAAAAAAAAAAAAAA")
    assert response.status_code == 400, response.status_code
    assert "Denne innloggingen er utløpt eller ble startet i en annen nettleser" in response.content.decode()
    assert client.session.get("_auth_user_id") == before


def test_the_sso_login_start_of_an_unknown_provider_is_404(world, client):
    for provider_id in ("fremdrift-999999", "openid_connect", "fremdrift-x", "google"):
        url = reverse("openid_connect_login", kwargs={"provider_id": provider_id})
        assert client.get(url).status_code == 404, provider_id
        url = reverse("accounts:sso-login", kwargs={"provider_id": provider_id})
        assert client.post(url).status_code == 404, provider_id
