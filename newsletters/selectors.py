"""Reads: who gets a newsletter (and who is left out, and why), lists, archives and showcases."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from municipalities.models import Contact, County
from notifications.models import OutboxMessage
from projects.models import ExpertAssignment, Measurement, Participant, Project

from .models import Bounce, MailingList, Newsletter, Showcase, ShowcasePhoto, Subscriber, Suppression, normalise_email

# Why someone is left out; shown in the audience preview.
UNSUBSCRIBED = "unsubscribed"
BOUNCED = "bounced"
NO_ADDRESS = "no_address"
NOT_CONFIRMED = "not_confirmed"
REASONS = {
    UNSUBSCRIBED: _("Unsubscribed"),
    BOUNCED: _("The address bounced"),
    NO_ADDRESS: _("No e-mail address"),
    NOT_CONFIRMED: _("Has not confirmed the subscription"),
}


@dataclass
class Person:
    email: str  # normalised (lower case); "" when the person has no address
    name: str
    user_id: int | None = None
    sources: list = field(default_factory=list)

    @property
    def why(self) -> str:
        return ", ".join(str(source) for source in self.sources)


@dataclass
class Excluded:
    person: Person
    reason: str

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])


# How many names of those left out, per reason, a message names (the audience page lists them all).
NAMES_SHOWN = 5


@dataclass
class Audience:
    recipients: list  # [Person], sorted by address
    excluded: list  # [Excluded]

    @property
    def total(self) -> int:
        """Everyone the infobrev is meant for: those who get it and those left out."""
        return len(self.recipients) + len(self.excluded)

    def excluded_counts(self) -> dict:
        counts = Counter(item.reason for item in self.excluded)
        return {str(REASONS[reason]): counts[reason] for reason in REASONS if counts[reason]}

    def left_out(self) -> dict:
        """Those left out by reason: {reason: {"count": n, "names": the first few}}, as a newsletter
        stores it when it is sent (see `Newsletter.left_out`)."""
        return left_out_of(self.excluded)


def left_out_of(excluded) -> dict:
    summary: dict = {}
    for item in excluded:
        entry = summary.setdefault(item.reason, {"count": 0, "names": []})
        entry["count"] += 1
        if len(entry["names"]) < NAMES_SHOWN:
            entry["names"].append(item.person.name or item.person.email)
    return {reason: summary[reason] for reason in REASONS if reason in summary}


def left_out_lines(left_out: dict, *, past: bool = False) -> list[str]:
    """One sentence per reason, in the reader's language ("Ola Nordmann og Kari kan ikke nås: avmeldt."),
    `past` once it has been sent ("kunne ikke nås")."""
    sentence = (
        gettext("%(names)s could not be reached: %(reason)s.")
        if past
        else gettext("%(names)s cannot be reached: %(reason)s.")
    )
    lines = []
    for reason, entry in left_out.items():
        if reason not in REASONS:
            continue
        names = get_text_list([str(name) for name in entry["names"]], gettext("and"))
        more = entry["count"] - len(entry["names"])
        if more > 0:
            names = gettext("%(names)s and %(more)s more") % {"names": names, "more": more}
        label = str(REASONS[reason])
        lines.append(sentence % {"names": names, "reason": label[:1].lower() + label[1:]})
    return lines


def left_out_total(left_out: dict) -> int:
    return sum(entry["count"] for entry in left_out.values())


class _Collector:
    """Gathers people from several sources, one entry per address (case-insensitive)."""

    def __init__(self):
        self.by_email: dict[str, Person] = {}
        self.without_address: list[Person] = []

    def add(self, email: str, name: str, source, user_id=None) -> None:
        email = normalise_email(email)
        if not email:
            self.without_address.append(Person(email="", name=name, sources=[source]))
            return
        person = self.by_email.get(email)
        if person is None:
            self.by_email[email] = Person(email=email, name=name, user_id=user_id, sources=[source])
            return
        if source not in person.sources:
            person.sources.append(source)
        person.name = person.name or name
        person.user_id = person.user_id or user_id


def _stakeholders(collector: _Collector, projects) -> None:
    """Everyone involved in `projects` (a queryset), in a fixed number of queries."""
    participants = Participant.objects.filter(project__in=projects).exclude(status=Participant.Status.WITHDRAWN)
    municipality_ids = participants.values("municipality_id")
    contacts = (
        Contact.objects.filter(
            Q(municipality_id__in=municipality_ids) | Q(organisation__project_roles__project__in=projects)
        )
        .select_related("municipality", "organisation", "user")
        .distinct()
        .order_by("name", "pk")
    )
    for contact in contacts:
        where = contact.municipality.name if contact.municipality_id else contact.organisation.name
        source = _("Contact, %(where)s") % {"where": where}
        email = contact.email or (contact.user.email if contact.user_id and contact.user.is_active else "")
        collector.add(email, contact.name, source, contact.user_id)
    memberships = (
        Membership.objects.filter(
            role__in=[Membership.Role.LIBRARY_HEAD, Membership.Role.LEADERSHIP],
            municipality_id__in=municipality_ids,
            user__is_active=True,
        )
        .select_related("user", "municipality")
        .order_by("user__email")
    )
    for membership in memberships:
        source = _("%(role)s, %(municipality)s") % {
            "role": membership.get_role_display(),
            "municipality": membership.municipality.name,
        }
        collector.add(membership.user.email, membership.user.name, source, membership.user_id)
    for user in User.objects.filter(led_projects__in=projects, is_active=True).distinct().order_by("email"):
        collector.add(user.email, user.name, _("Project leader"), user.pk)
    experts = ExpertAssignment.objects.filter(project__in=projects, user__is_active=True).select_related("user")
    for assignment in experts.order_by("user__email"):
        collector.add(assignment.user.email, assignment.user.name, _("External expert"), assignment.user_id)


def get_audience(newsletter: Newsletter) -> Audience:
    """Who gets the newsletter and who is left out, and why.

    A project's newsletter: the project's stakeholders (contacts and users of
    every participant still taking part, partners' contacts, project leaders,
    external experts) plus the list's confirmed subscribers. A county-wide one:
    the stakeholders of every active project of the county plus the county
    list's subscribers. One entry per address, case-insensitive.
    """
    mailing_list = newsletter.mailing_list
    collector = _Collector()
    if newsletter.project_id:
        _stakeholders(collector, Project.objects.filter(pk=newsletter.project_id))
    else:
        _stakeholders(collector, Project.objects.filter(county_id=newsletter.county_id).active())
    excluded = [Excluded(person, NO_ADDRESS) for person in collector.without_address]
    subscribers = Subscriber.objects.filter(mailing_list=mailing_list).order_by("email")
    pending = []
    for subscriber in subscribers:
        if subscriber.status == Subscriber.Status.CONFIRMED:
            collector.add(subscriber.email, subscriber.name, _("Subscriber"))
        elif subscriber.status == Subscriber.Status.PENDING and subscriber.email not in collector.by_email:
            pending.append(Person(email=subscriber.email, name=subscriber.name, sources=[_("Subscriber")]))
        elif subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.email not in collector.by_email:
            excluded.append(
                Excluded(Person(email=subscriber.email, name=subscriber.name, sources=[_("Subscriber")]), UNSUBSCRIBED)
            )
    emails = list(collector.by_email)
    bounced = set(Bounce.objects.filter(email__in=emails).values_list("email", flat=True))
    suppressed = set(
        Suppression.objects.filter(email__in=emails, county_id=newsletter.county_id)
        .filter(Q(mailing_list=mailing_list) | Q(mailing_list__isnull=True))
        .values_list("email", flat=True)
    )
    recipients = []
    for email in sorted(collector.by_email):
        person = collector.by_email[email]
        if email in bounced:
            excluded.append(Excluded(person, BOUNCED))
        elif email in suppressed:
            excluded.append(Excluded(person, UNSUBSCRIBED))
        else:
            recipients.append(person)
    excluded += [Excluded(person, NOT_CONFIRMED) for person in pending]
    excluded.sort(key=lambda item: (item.reason, item.person.email, item.person.name))
    return Audience(recipients=recipients, excluded=excluded)


# ----------------------------------------------------------------- newsletters


def get_newsletter(user, pk) -> Newsletter:
    return get_object_or_404(
        Newsletter.objects.visible_to(user).select_related("county", "project", "mailing_list", "created_by"), pk=pk
    )


def list_newsletters(county, *, project=None):
    newsletters = Newsletter.objects.filter(county=county).select_related("project", "created_by")
    if project is not None:
        newsletters = newsletters.filter(project=project)
    return newsletters.order_by("-created_at", "-id")


def newsletter_progress(newsletter: Newsletter) -> dict:
    """Outbox rows of the newsletter by state: queued (waiting or in flight), sent, failed."""
    content_type = ContentType.objects.get_for_model(Newsletter)
    rows = (
        OutboxMessage.objects.filter(content_type=content_type, object_id=newsletter.pk)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    status = OutboxMessage.Status
    progress = {
        "queued": counts.get(status.PENDING, 0) + counts.get(status.SENDING, 0),
        "sent": counts.get(status.SENT, 0) + counts.get(status.DIGESTED, 0),
        "failed": counts.get(status.FAILED, 0),
    }
    progress["skipped"] = left_out_total(newsletter.left_out)
    progress["total"] = sum(progress.values())
    progress["done"] = newsletter.status == Newsletter.Status.SENT and progress["queued"] == 0
    progress["left_out"] = left_out_lines(newsletter.left_out, past=True)
    return progress


def list_archive(county, *, project=None):
    newsletters = Newsletter.objects.published().filter(county=county).select_related("project")
    if project is not None:
        newsletters = newsletters.filter(project=project)
    return newsletters.order_by("-sent_at", "-id")


def get_public_newsletter(pk) -> Newsletter:
    return get_object_or_404(
        Newsletter.objects.published().select_related("county", "project").prefetch_related("images"), pk=pk
    )


def project_is_public(project: Project) -> bool:
    """A project's name may appear on public pages once it has a public newsletter, a published
    showcase or a list open for subscription."""
    return (
        Newsletter.objects.published().filter(project=project).exists()
        or Showcase.objects.published().filter(project=project).exists()
        or MailingList.objects.filter(project=project, is_public=True).exists()
    )


# ------------------------------------------------------------------- showcases


def list_public_showcases(county):
    photos = ShowcasePhoto.objects.shown_publicly().order_by("order", "id")
    return (
        Showcase.objects.published()
        .filter(county=county)
        .select_related("project", "participant__municipality")
        .prefetch_related(Prefetch("photos", queryset=photos, to_attr="public_photos"))
        .order_by("-published_at", "-id")
    )


def get_public_showcase(number: str, slug: str, user=None) -> Showcase:
    """A published showcase; county staff also see their drafts (to check them before publishing)."""
    queryset = Showcase.objects.select_related("county", "project", "participant__municipality")
    showcase = get_object_or_404(queryset, county__number=number, slug=slug)
    if not showcase.is_published and not (
        user is not None
        and user.is_authenticated
        and user.is_active
        and showcase.county_id in user.access.staff_county_ids
    ):
        raise Http404
    return showcase


def showcase_measurements(showcase: Showcase) -> list[dict]:
    """Before/after values per indicator and library (latest of each), for the showcase's charts."""
    measurements = (
        Measurement.objects.filter(
            indicator__project_id=showcase.project_id,
            period__in=[Measurement.Period.BEFORE, Measurement.Period.AFTER],
            library__isnull=False,
        )
        .select_related("indicator", "library")
        .order_by("indicator_id", "library__name", "library_id", "-measured_on", "-id")
    )
    if showcase.participant_id:
        measurements = measurements.filter(library__municipality_id=showcase.participant.municipality_id)
    indicators: dict[int, dict] = {}
    for measurement in measurements:
        entry = indicators.setdefault(measurement.indicator_id, {"indicator": measurement.indicator, "libraries": {}})
        values = entry["libraries"].setdefault(measurement.library.name, {})
        values.setdefault(measurement.period, measurement.value)  # newest first: keep the first seen
    return list(indicators.values())


# ----------------------------------------------------------------- lists


def list_mailing_lists(county):
    confirmed = Q(subscribers__status=Subscriber.Status.CONFIRMED)
    return (
        MailingList.objects.filter(county=county)
        .select_related("county", "project")
        .annotate(
            subscriber_count=Count("subscribers", filter=confirmed),
            pending_count=Count("subscribers", filter=Q(subscribers__status=Subscriber.Status.PENDING)),
        )
        .order_by(F("project__title").asc(nulls_first=True), "pk")
    )


def list_public_lists(county):
    return (
        MailingList.objects.filter(county=county, is_public=True)
        .select_related("county", "project")
        .order_by(F("project__title").asc(nulls_first=True), "pk")
    )


def wanted_lists(email: str, county, lists) -> list[int]:
    """Of `lists`, those the address has not unsubscribed from."""
    email = normalise_email(email)
    suppressed = set(
        Suppression.objects.filter(email=email, mailing_list__in=lists).values_list("mailing_list_id", flat=True)
    )
    return [mailing_list.pk for mailing_list in lists if mailing_list.pk not in suppressed]


def wants_nothing(email: str, county) -> bool:
    return Suppression.objects.filter(email=normalise_email(email), county=county, mailing_list__isnull=True).exists()


def public_start_provider(user, context: dict) -> None:
    """The counties whose public pages the home page links for visitors (registered with `shell.start`)."""
    context["public_counties"] = list(County.objects.only("number", "name").order_by("number"))
