"""The authorization matrix: every URL of our namespaces × every role × GET and POST.

One row per URL name. `expect(...)` starts from "everyone signed in gets 404,
visitors and deactivated users are sent to the login page" and overrides by
role. Each request runs inside a savepoint that is rolled back, so rows that
change data (revoking, deleting) leave the world as it was for the next role.

A URL name of our own namespaces without a row fails `test_every_url_has_a_row`:
a new view cannot ship without deciding who may use it.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse

from accounts.models import Invitation, Membership
from notifications.models import OutboxMessage
from tests.factories import ContactFactory, LibraryFactory, UserFactory

pytestmark = pytest.mark.django_db

THIRD_PARTY_NAMESPACES = {"admin"}  # allauth's URLs have no namespace; see SMOKE
OUR_PLAIN_NAMES = {"healthz"}

ROLES = [
    "anonymous",
    "county_admin",
    "county_staff",
    "library_head",
    "other_library_head",
    "leadership",
    "expert",
    "outsider",
    "deactivated",
]
LOGIN = "login"  # a redirect to the login page
ANY_REDIRECT = "redirect"  # a redirect somewhere else (a successful action)
STAFF = ("county_admin", "county_staff")
MUNICIPAL_OWN = ("library_head", "leadership")


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

    def url(self, world) -> str:
        return reverse(self.name, kwargs=self.kwargs(world))


def county_kw(w):
    return {"number": w.county.number}


def municipality_kw(w):
    return {"number": w.municipality.number}


def person_kw(w):
    return {"number": w.county.number, "user_id": w.library_head.pk}


def membership_kw(w):
    return person_kw(w) | {"membership_id": w.head_membership.pk}


ADMIN_ONLY = expect(county_admin=200, county_staff=403)
ADMIN_ACTION = expect(county_admin=ANY_REDIRECT, county_staff=403)
NOT_ALLOWED = expect(405)  # POST-only views refuse GET from anyone signed in
STAFF_READ = expect(**roles(STAFF, 200))
MUNICIPALITY_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200))
MUNICIPALITY_EDIT = expect(**roles(STAFF, 200), leadership=403, library_head=403)
PEOPLE_EDIT = expect(**roles(STAFF, 200), library_head=200, leadership=403)
PEOPLE_ACTION = expect(**roles(STAFF, ANY_REDIRECT), library_head=ANY_REDIRECT, leadership=403)
SIGNED_IN = expect(200)

ROWS = [
    # pages
    Row("pages:home", get=everyone(200), post=everyone(200)),
    Row("pages:page", lambda w: {"slug": "tilgjengelighet"}, get=everyone(200), post=everyone(200)),
    Row("healthz", get=everyone(200), post=everyone(405)),
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
        lambda w: {"number": w.county.number, "user_id": w.invitee.pk},
        get=NOT_ALLOWED,
        post=ADMIN_ACTION,
    ),
    Row("accounts:invitation-accept", lambda w: {"key": w.invitation.key}, get=everyone(200), post=everyone(200)),
    # municipalities: county pages
    Row("municipalities:county-detail", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("municipalities:county-settings", county_kw, get=ADMIN_ONLY, post=ADMIN_ONLY),
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
        lambda w: municipality_kw(w) | {"pk": w.library.pk},
        get=PEOPLE_EDIT,
        post=PEOPLE_EDIT,
    ),
    Row(
        "municipalities:library-delete",
        lambda w: municipality_kw(w) | {"pk": w.library.pk},
        get=NOT_ALLOWED,
        post=PEOPLE_ACTION,
    ),
    Row("municipalities:contact-create", municipality_kw, get=PEOPLE_EDIT, post=PEOPLE_EDIT),
    Row(
        "municipalities:contact-edit",
        lambda w: municipality_kw(w) | {"pk": w.contact.pk},
        get=PEOPLE_EDIT,
        post=PEOPLE_EDIT,
    ),
    Row(
        "municipalities:contact-delete",
        lambda w: municipality_kw(w) | {"pk": w.contact.pk},
        get=NOT_ALLOWED,
        post=PEOPLE_ACTION,
    ),
]

ROWS += [
    # notifications: the county's outbox for its staff; preferences for everyone signed in
    Row("notifications:outbox", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row(
        "notifications:outbox-retry",
        lambda w: county_kw(w) | {"pk": w.failed_message.pk},
        get=NOT_ALLOWED,
        post=expect(**roles(STAFF, ANY_REDIRECT)),
    ),
    Row("notifications:preferences", get=SIGNED_IN, post=SIGNED_IN),
]

PROJECT_READ = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 200), expert=200)
PROJECT_EDIT = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 403), expert=403)
PROJECT_ACTION = expect(**roles(STAFF, ANY_REDIRECT), **roles(MUNICIPAL_OWN, 403), expert=403)
EXPERT_PAGE = expect(**roles(STAFF, 200), **roles(MUNICIPAL_OWN, 403), expert=200)


def project_kw(w):
    return {"pk": w.project.pk}


def participant_kw(w):
    return project_kw(w) | {"participant_pk": w.participant.pk}


def expert_kw(w):
    return project_kw(w) | {"expert_pk": w.assignment.pk}


ROWS += [
    Row("municipalities:organisation-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("municipalities:organisation-detail", lambda w: {"pk": w.organisation.pk}, get=STAFF_READ, post=STAFF_READ),
    Row("municipalities:organisation-contact-create", lambda w: {"pk": w.organisation.pk}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "municipalities:organisation-contact-edit",
        lambda w: {"pk": w.organisation.pk, "contact_pk": w.organisation_contact.pk},
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
    Row("projects:project-status", project_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("projects:project-followup", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:goal-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:goal-edit", lambda w: project_kw(w) | {"goal_pk": w.goal.pk}, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:goal-delete", lambda w: project_kw(w) | {"goal_pk": w.goal.pk}, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("projects:indicator-create", lambda w: project_kw(w) | {"goal_pk": w.goal.pk}, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row(
        "projects:indicator-edit",
        lambda w: project_kw(w) | {"goal_pk": w.goal.pk, "indicator_pk": w.indicator.pk},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row(
        "projects:measurement-create",
        lambda w: project_kw(w) | {"indicator_pk": w.indicator.pk},
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
        lambda w: participant_kw(w) | {"requirement_pk": w.requirement.pk},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row("projects:requirement-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row(
        "projects:requirement-edit",
        lambda w: project_kw(w) | {"requirement_pk": w.requirement.pk},
        get=PROJECT_EDIT,
        post=PROJECT_EDIT,
    ),
    Row(
        "projects:requirement-delete",
        lambda w: project_kw(w) | {"requirement_pk": w.requirement.pk},
        get=NOT_ALLOWED,
        post=PROJECT_ACTION,
    ),
    Row("projects:partner-add", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row(
        "projects:partner-remove",
        lambda w: project_kw(w) | {"partner_pk": w.partner.pk},
        get=NOT_ALLOWED,
        post=PROJECT_ACTION,
    ),
    Row("projects:expert-add", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:expert-detail", expert_kw, get=EXPERT_PAGE, post=PROJECT_EDIT),
    Row(
        "projects:expert-briefing",
        lambda w: expert_kw(w) | {"item_pk": w.assignment.briefing.first().pk},
        get=NOT_ALLOWED,
        post=PROJECT_ACTION,
    ),
    Row("projects:expert-remove", expert_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
]

COUNTY_PEOPLE = expect(200, outsider=404)
ROWS += [
    Row("projects:capacity-needs", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:staff-capacity", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("projects:municipality-capacity", municipality_kw, get=PEOPLE_EDIT, post=PEOPLE_EDIT),
    Row("projects:required-positions", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:budget-edit", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:grant-release", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:grant-close", participant_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:project-save-as-kit", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("projects:kit-list", county_kw, get=STAFF_READ, post=expect(**roles(STAFF, ANY_REDIRECT))),
    Row("projects:kit-detail", lambda w: {"kit_pk": w.kit.pk}, get=STAFF_READ, post=STAFF_READ),
    Row("projects:kit-new-project", lambda w: {"kit_pk": w.kit.pk}, get=STAFF_READ, post=STAFF_READ),
    Row("projects:handbook-list", county_kw, get=COUNTY_PEOPLE, post=COUNTY_PEOPLE),
    Row("projects:handbook-create", county_kw, get=STAFF_READ, post=STAFF_READ),
    # An internal page: the county's people read it; anyone else gets 404 (visitors too: it looks missing).
    Row(
        "projects:handbook-page",
        lambda w: {"number": w.county.number, "slug": w.internal_page.slug},
        get=expect(200, visitors=404, outsider=404),
        post=expect(200, visitors=404, outsider=404),
    ),
    Row(
        "projects:handbook-edit",
        lambda w: {"number": w.county.number, "slug": w.internal_page.slug},
        get=STAFF_READ,
        post=STAFF_READ,
    ),
]

# newsletters: internal pages for the county's staff; public pages for everyone, signed in or not.
STAFF_ACTION = expect(**roles(STAFF, ANY_REDIRECT))
PUBLIC = everyone(200)
PUBLIC_GET_ONLY = everyone(405)


def newsletter_kw(w):
    return {"pk": w.newsletter.pk}


ROWS += [
    Row("newsletters:newsletter-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-create", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-preview", county_kw, get=NOT_ALLOWED, post=STAFF_READ),
    Row("newsletters:mailing-lists", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:mailing-list-detail", lambda w: {"pk": w.mailing_list.pk}, get=STAFF_READ, post=STAFF_ACTION),
    Row("newsletters:project-newsletters", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("newsletters:newsletter-money-draft", project_kw, get=NOT_ALLOWED, post=PROJECT_ACTION),
    Row("newsletters:newsletter-detail", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-edit", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-audience", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-progress", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:newsletter-send", newsletter_kw, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:newsletter-unschedule", newsletter_kw, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:newsletter-delete", newsletter_kw, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:newsletter-image-add", newsletter_kw, get=STAFF_READ, post=STAFF_READ),
    Row(
        "newsletters:newsletter-image-delete",
        lambda w: newsletter_kw(w) | {"image_pk": w.newsletter_image.pk},
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
    Row("newsletters:bounce", get=everyone(405), post=everyone(404)),
    Row("newsletters:showcase-list", county_kw, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:showcase-create", project_kw, get=PROJECT_EDIT, post=PROJECT_EDIT),
    Row("newsletters:showcase-edit", lambda w: {"pk": w.showcase.pk}, get=STAFF_READ, post=STAFF_READ),
    Row("newsletters:showcase-publish", lambda w: {"pk": w.showcase.pk}, get=NOT_ALLOWED, post=STAFF_ACTION),
    Row("newsletters:showcase-photo-add", lambda w: {"pk": w.showcase.pk}, get=STAFF_READ, post=STAFF_READ),
    Row(
        "newsletters:showcase-photo-delete",
        lambda w: {"pk": w.showcase.pk, "photo_pk": w.showcase_photo.pk},
        get=NOT_ALLOWED,
        post=STAFF_ACTION,
    ),
    # Public pages: 200 for everyone, signed in or not; feeds and images are GET only.
    Row("newsletters:showcase-photo", lambda w: {"key": w.showcase_photo.key}, get=PUBLIC, post=PUBLIC_GET_ONLY),
    Row("newsletters:public-county", county_kw, get=PUBLIC, post=PUBLIC),
    Row("newsletters:archive", county_kw, get=PUBLIC, post=PUBLIC),
    Row("newsletters:archive-feed", county_kw, get=PUBLIC, post=PUBLIC_GET_ONLY),
    Row("newsletters:project-archive", lambda w: county_kw(w) | project_kw(w), get=PUBLIC, post=PUBLIC),
    Row("newsletters:project-archive-feed", lambda w: county_kw(w) | project_kw(w), get=PUBLIC, post=PUBLIC_GET_ONLY),
    Row("newsletters:showcase-detail", lambda w: county_kw(w) | {"slug": w.showcase.slug}, get=PUBLIC, post=PUBLIC),
    Row("newsletters:subscribe", county_kw, get=PUBLIC, post=PUBLIC),
    Row("newsletters:archive-detail", lambda w: {"pk": w.sent_newsletter.pk}, get=PUBLIC, post=PUBLIC),
    Row("newsletters:subscribe-confirm", lambda w: {"token": w.confirm_token}, get=PUBLIC, post=PUBLIC),
    Row("newsletters:unsubscribe", lambda w: {"token": w.unsubscribe_token}, get=PUBLIC, post=PUBLIC),
    Row("newsletters:preferences", lambda w: {"token": w.preferences_token}, get=PUBLIC, post=everyone(ANY_REDIRECT)),
]

# Third-party URLs get a short smoke list: (path, role, method, expected).
SMOKE = [
    ("/konto/login/", "anonymous", "get", 200),
    ("/konto/signup/", "anonymous", "get", 200),  # allauth's "sign-up is closed" page
    ("/konto/password/reset/", "anonymous", "get", 200),
    ("/konto/2fa/", "anonymous", "get", LOGIN),
    ("/konto/2fa/", "county_staff", "get", 200),
    ("/admin/login/", "anonymous", "get", LOGIN),  # the admin sits behind allauth's login
    ("/admin/login/", "county_admin", "get", 403),  # counties administer in the app, not the admin
    ("/admin/login/", "county_staff", "get", 403),
]


@pytest.fixture
def world(
    county, municipality, other_municipality, county_admin, county_staff, library_head,
    other_library_head, leadership, expert, outsider, deactivated, monkeypatch,
):
    # The matrix decides who may fetch each URL, not what comes back: a stand-in
    # PDF keeps it fast and independent of Pango. tests/documents renders real ones.
    monkeypatch.setattr("municipalities.views.render_factsheet", lambda municipality, lang: b"%PDF-1.7 stand-in")
    invitee = UserFactory(email="invitee@example.no")
    invitee.set_unusable_password()
    invitee.save()
    Membership.objects.create(user=invitee, role=Membership.Role.COUNTY_STAFF, county=county)
    world = build_project_world(county, municipality, county_staff, expert)
    world |= build_newsletter_world(county, world["project"], county_staff)
    return SimpleNamespace(
        **world,
        county=county,
        municipality=municipality,
        library=LibraryFactory(municipality=municipality, name="Kroken bibliotek", is_main=False),
        contact=ContactFactory(municipality=municipality),
        failed_message=OutboxMessage.objects.create(
            recipient="x@example.no", from_email="f@example.no", subject="S", body_text="B", kind="reminder",
            county=county, message_id="<matrix@test>", status=OutboxMessage.Status.FAILED,
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
            "expert": expert,
            "outsider": outsider,
            "deactivated": deactivated,
        },
    )


def build_project_world(county, municipality, county_staff, expert) -> dict:
    """An active project in which the library head's municipality takes part, with one of everything."""
    from datetime import date

    from municipalities.models import Organisation, Theme
    from projects import services
    from projects.models import Project

    project = services.create_project(
        county=county, by=county_staff, title="Bibliotekrom i Troms", theme=Theme.objects.get(county=county, code="library_rooms"),
        purpose="Bedre rom.", start_on=date(2026, 1, 1), end_on=date(2027, 12, 31),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    project.refresh_from_db()
    (participant,) = services.invite_participants(project=project, municipalities=[municipality], by=county_staff)
    goal = services.save_goal(project=project, by=county_staff, text="Flere besøk")
    organisation = Organisation.objects.create(county=county, name="UiT Norges arktiske universitet")
    from projects.models import HandbookPage
    from projects.standard_kits import install_standard_kits

    return {
        "kit": install_standard_kits(county)[0],
        "internal_page": HandbookPage.objects.create(county=county, slug="internt", title="Internt", body="Bare for oss."),
        "project": project,
        "participant": participant,
        "goal": goal,
        "indicator": services.save_indicator(project=project, goal=goal, by=county_staff, name="Besøk per uke", baseline=100, target=150),
        "requirement": services.save_requirement(project=project, by=county_staff, text="Delta på alle verksteder"),
        "organisation": organisation,
        "organisation_contact": ContactFactory(municipality=None, county=county, organisation=organisation),
        "partner": services.attach_partner(project=project, organisation=organisation, role="Fagmiljø", by=county_staff),
        "assignment": services.attach_expert(project=project, user=expert, role="Interiørarkitekt", by=county_staff),
    }


def build_newsletter_world(county, project, county_staff) -> dict:
    """A draft infobrev with an image, a sent public one, a published showcase with a photo, and
    valid links for subscribing, unsubscribing and preferences."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from newsletters import services as newsletter_services
    from newsletters import tokens
    from newsletters.models import Newsletter, Showcase
    from newsletters.selectors import get_mailing_list

    def png():
        out = io.BytesIO()
        Image.new("RGB", (4, 4), (18, 55, 94)).save(out, "PNG")
        return SimpleUploadedFile("bilde.png", out.getvalue())

    draft = newsletter_services.create_newsletter(county=county, project=project, by=county_staff,
                                                  subject="Utkast", body="Tekst")
    sent = newsletter_services.create_newsletter(county=county, project=project, by=county_staff,
                                                 subject="Sendt", body="Tekst", is_public=True)
    Newsletter.objects.filter(pk=sent.pk).update(status=Newsletter.Status.SENT, sent_at=timezone.now())
    showcase = newsletter_services.create_showcase(project=project, by=county_staff, title="Et eksempel", summary="Slik gikk det.")
    Showcase.objects.filter(pk=showcase.pk).update(published_at=timezone.now())
    county_list = get_mailing_list(county=county)
    return {
        "newsletter": draft,
        "newsletter_image": newsletter_services.add_image(newsletter=draft, by=county_staff, upload=png(), alt_text="Et kart"),
        "sent_newsletter": sent,
        "mailing_list": county_list,
        "showcase": showcase,
        "showcase_photo": newsletter_services.add_showcase_photo(showcase=showcase, by=county_staff, upload=png(),
                                                                 alt_text="Lesesalen"),
        "confirm_token": tokens.make_confirm_token("leser@example.no", county_list.pk),
        "unsubscribe_token": tokens.make_unsubscribe_token("leser@example.no", county_list.pk),
        "preferences_token": tokens.make_preferences_token("leser@example.no", county.pk),
    }


def _request(client, world, role, method, url):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
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
        for role, expected in getattr(row, method).items():
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
