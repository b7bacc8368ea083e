"""Reading agreements: what a user may see, lists for pages, and the contract other apps call."""

from datetime import timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from municipalities.models import Contact
from notifications import links
from notifications.models import OutboxMessage, PersonalLink
from shell.start import Task, TaskSource

from .canonical import normalise_code
from .integrity import seal_problems
from .models import Agreement, Seal, Signature

HEAVY = ("content_snapshot",)


def unsigned_participant_ids(participant_ids) -> set[int]:
    """The ids among `participant_ids` whose current agreement exists and is not sealed.

    "Current" is the participant's latest version (an amendment being prepared counts: until it is
    sealed, the participant has an agreement in draft or out for signature). Participants without
    any agreement are not included. One query, whatever the number of ids.
    """
    ids = [int(pk) for pk in participant_ids]
    if not ids:
        return set()
    latest = Agreement.objects.filter(participant_id=OuterRef("participant_id")).order_by("-version").values("pk")[:1]
    return set(
        Agreement.objects.filter(participant_id__in=ids, pk=Subquery(latest))
        .exclude(status=Agreement.Status.SEALED)
        .values_list("participant_id", flat=True)
    )


def _base(queryset=None):
    queryset = Agreement.objects.all() if queryset is None else queryset
    return queryset.with_supersession().defer(*HEAVY)


def get_agreement(user, pk) -> Agreement:
    """An agreement the user may read, with what its page shows; 404 otherwise."""
    queryset = _base(Agreement.objects.visible_to(user)).select_related(
        "county",
        "municipality",
        "project",
        "participant__library",
        "amends",
        "county_representative",
        "seal",
        "publication",
    )
    agreement = get_object_or_404(
        queryset.defer("seal__pdf", "seal__snapshot", "amends__content_snapshot", *HEAVY), pk=pk
    )
    _load_signatory_contacts(agreement)
    return agreement


def _load_signatory_contacts(agreement: Agreement) -> None:
    """The three signatory contacts, with their users and positions, in one query.

    Joined into the agreement's own query they made it a seventeen-table join that
    PostgreSQL took longer to plan than to run."""
    fields = ("library_head_contact", "chief_executive_contact", "mayor_contact")
    ids = {getattr(agreement, f"{field}_id") for field in fields} - {None}
    contacts = Contact.objects.select_related("user", "position").in_bulk(ids) if ids else {}
    for field in fields:
        contact_id = getattr(agreement, f"{field}_id")
        if contact_id is not None:
            setattr(agreement, field, contacts[contact_id])


def list_agreements(user, *, status: str = "", county=None):
    """The user's agreements, newest first (a fixed number of queries per page)."""
    queryset = _base(Agreement.objects.visible_to(user)).select_related("municipality", "project", "county")
    if county is not None:
        queryset = queryset.filter(county=county)
    if status == "superseded":
        queryset = queryset.filter(is_superseded_flag=True)
    elif status == Agreement.Status.SEALED:
        queryset = queryset.filter(status=status, is_superseded_flag=False)
    elif status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def _unsigned_slots(user) -> list[tuple[str, Q]]:
    """Per signatory slot: "the user signs this slot and nobody has yet"."""
    queries = [
        (Signature.Slot.COUNTY, Q(county_representative=user, county_id__in=user.access.staff_county_ids)),
        (Signature.Slot.LIBRARY_HEAD, Q(library_head_contact__user=user)),
        (Signature.Slot.CHIEF_EXECUTIVE, Q(chief_executive_contact__user=user)),
        (Signature.Slot.MAYOR, Q(mayor_contact__user=user, requires_mayor=True)),
    ]
    return [
        (slot.value, query & ~Exists(Signature.objects.valid().filter(agreement=OuterRef("pk"), slot=slot)))
        for slot, query in queries
    ]


def _awaiting(user, slots: list[tuple[str, Q]]):
    """The rows of `awaiting_signature`, without what its pages show of them."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    mine = Q()
    for _slot, query in slots:
        mine |= query
    return Agreement.objects.visible_to(user).filter(mine, status=Agreement.Status.SENT)


def awaiting_signature(user):
    """Agreements out for signature where the user signs a slot that is not signed yet."""
    return _base(_awaiting(user, _unsigned_slots(user))).select_related("municipality", "project").order_by("sent_at")


def signing_source(user) -> TaskSource:
    """The agreements waiting for the user's signature, each a link to the form of their slot."""
    slots = _unsigned_slots(user)

    def listed(rows):
        flags = {f"signs_{slot}": ExpressionWrapper(query, output_field=BooleanField()) for slot, query in slots}
        return _base(rows).select_related("municipality", "project").annotate(**flags).order_by("sent_at", "pk")

    def tasks(rows, total):
        found = []
        for agreement in rows:
            slot = next(slot for slot, _query in slots if getattr(agreement, f"signs_{slot}"))
            found.append(
                Task(
                    text=_("Sign the agreement: %(title)s") % {"title": agreement.title},
                    url=reverse("agreements:agreement-sign", kwargs={"pk": agreement.pk, "slot": slot}),
                    due_on=agreement.signing_deadline,  # None for agreements sent before deadlines existed
                    detail=_("%(municipality)s · sent %(date)s")
                    % {
                        "municipality": agreement.municipality.name,
                        "date": date_format(timezone.localtime(agreement.sent_at), "j.n.Y"),
                    },
                )
            )
        return found

    # The count (the menu's badge, on every page) needs only the rows: what the list shows of them is
    # added when it is read.
    return TaskSource(key="signatures", rows=_awaiting(user, slots), tasks=tasks, listed=listed)


UNSIGNED_TOO_LONG_DAYS = 14  # an agreement out for signature longer than this needs county staff


def stuck_source(county_ids) -> TaskSource:
    """Agreements of the counties out for signature for more than `UNSIGNED_TOO_LONG_DAYS` days."""
    now = timezone.now()

    def tasks(rows, total):
        return [
            Task(
                text=_("Not signed after %(days)s days: %(title)s")
                % {"days": (now - agreement.sent_at).days, "title": agreement.title},
                url=agreement.get_absolute_url(),
                detail=agreement.municipality.name,
            )
            for agreement in rows
        ]

    return TaskSource(
        key="stuck-agreements",
        rows=Agreement.objects.filter(
            county_id__in=county_ids,
            status=Agreement.Status.SENT,
            sent_at__lt=now - timedelta(days=UNSIGNED_TOO_LONG_DAYS),
        ),
        tasks=tasks,
        listed=lambda rows: rows.select_related("municipality").defer(*HEAVY).order_by("sent_at", "pk"),
    )


NEWLY_SIGNED_DAYS = 30


def newly_sealed_source(municipality_ids) -> TaskSource:
    """The municipalities' agreements sealed in the last `NEWLY_SIGNED_DAYS` days (news for the leadership)."""

    def tasks(rows, total):
        return [
            Task(
                text=_("Signed: %(title)s") % {"title": agreement.title},
                url=agreement.get_absolute_url(),
                detail=_("%(municipality)s · sealed %(date)s")
                % {
                    "municipality": agreement.municipality.name,
                    "date": date_format(timezone.localtime(agreement.sealed_at), "j.n.Y"),
                },
            )
            for agreement in rows
        ]

    return TaskSource(
        key="newly-sealed",
        rows=Agreement.objects.filter(
            municipality_id__in=list(municipality_ids),
            sealed_at__gte=timezone.now() - timedelta(days=NEWLY_SIGNED_DAYS),
        ),
        tasks=tasks,
        listed=lambda rows: rows.select_related("municipality").defer(*HEAVY).order_by("-sealed_at", "-pk"),
        news=_("News for you"),
    )


def agreements_for_participant(user, participant):
    return _base(Agreement.objects.visible_to(user)).filter(participant=participant).order_by("-version")


def current_agreements_for_project(user, project) -> dict[int, Agreement]:
    """{participant id: the participant's latest visible agreement} (one query)."""
    rows = _base(Agreement.objects.visible_to(user)).filter(project=project).order_by("participant_id", "-version")
    current = {}
    for agreement in rows:
        current.setdefault(agreement.participant_id, agreement)
    return current


def list_events(agreement):
    return agreement.events.select_related("by")


def list_signatures(agreement):
    return agreement.signatures.select_related("signed_by", "recorded_by", "discarded_by").order_by("signed_at", "id")


def list_versions(agreement):
    return _base().filter(participant_id=agreement.participant_id).order_by("-version")


def find_seal(code: str) -> Seal | None:
    """The seal with this verification code, or whose snapshot or PDF has this SHA-256 (a full hash)."""
    digits = normalise_code(code)
    seals = Seal.objects.select_related("agreement__county").defer("pdf", "snapshot")
    if len(digits) == 64:
        digest = digits.lower()
        return seals.filter(Q(snapshot_sha256=digest) | Q(pdf_sha256=digest)).first()
    if len(digits) == 20:
        formatted = "-".join(digits[i : i + 4] for i in range(0, 20, 4))
        return seals.filter(verification_code=formatted).first()
    return None


def check_code(code: str) -> dict:
    """What the public verification page says about a code or hash: whether a seal has it, whether that
    seal is intact (its code and keyed seal hold; see integrity), when it was sealed and, for a version an
    amendment replaced, the amendment's version; `county` is the agreement's, whose written standard the page
    then speaks."""
    seal = find_seal(code)
    if seal is None:
        return {"found": False}
    superseded_by = (
        Agreement.objects.filter(amends_id=seal.agreement_id, sealed_at__isnull=False)
        .values_list("version", flat=True)
        .first()
    )
    return {
        "found": True,
        "intact": not seal_problems(seal, rehash=False),
        "sealed_at": seal.sealed_at,
        "superseded_by": superseded_by,
        "county": seal.agreement.county,
    }


def published_agreements(*, project=None, county=None):
    """Published sealed agreements in force (for the public pages; a version an amendment superseded is
    left out), with their municipality."""
    queryset = Agreement.objects.filter(publication__isnull=False, sealed_at__isnull=False)
    if project is not None:
        queryset = queryset.filter(project=project)
    if county is not None:
        queryset = queryset.filter(county=county)
    return (
        _base(queryset)
        .filter(is_superseded_flag=False)
        .select_related("municipality", "project", "seal")
        .defer("seal__pdf", "seal__snapshot")
        .order_by("municipality__number", "-version")
    )


def get_published(pk) -> Agreement:
    return get_object_or_404(
        Agreement.objects.filter(publication__isnull=False, sealed_at__isnull=False).select_related(
            "seal", "municipality"
        ),
        pk=pk,
    )


def health_input(participants, facts) -> None:
    """Participant health's agreement input: an agreement sent or drafted and not yet sealed
    (registered with `followup.health` by AgreementsConfig)."""
    unsigned = unsigned_participant_ids([p.pk for p in participants])
    for pk in unsigned:
        facts[pk].unsigned_agreement = True
    # Which version waits, and whether an earlier one is sealed and in force (one query).
    rows = Agreement.objects.filter(participant_id__in=unsigned).values_list(
        "participant_id", "version", "status", "sealed_at"
    )
    for pk, version, status, sealed_at in rows.order_by("participant_id", "version"):
        fact = facts[pk]
        if sealed_at is not None:
            fact.agreement_in_force = version
        else:
            fact.agreement_version, fact.agreement_sent = version, status == Agreement.Status.SENT


def signing_links(agreement):
    """The personal links sent for the agreement, newest first (for its staff)."""
    return links.links_for(PersonalLink.Purpose.AGREEMENT_SIGNATURE, agreement.pk)


def signature_requests_delivered(agreement) -> set[str]:
    """The slots whose request to sign the current sending is in the outbox and not failed."""
    prefix = f"agreement-await:{agreement.pk}:{agreement.content_sha256[:16]}:"
    keys = (
        OutboxMessage.objects.filter(idempotency_key__startswith=prefix)
        .exclude(status=OutboxMessage.Status.FAILED)
        .values_list("idempotency_key", flat=True)
    )
    return {key.rsplit(":", 1)[1] for key in keys}


def changes_from_amended(agreement) -> list[str]:
    """What an amendment changes from the version it amends, as the reader names it ("Fremdriftsplan",
    "Rollematrise"): the title, case numbers, sections, role matrix and signatories, in page order.
    Empty when nothing differs (or when `agreement` amends nothing)."""
    previous = agreement.amends
    if previous is None:
        return []
    from .services.drafts import SIGNATORY_FIELDS

    def label(name):
        return str(Agreement._meta.get_field(name).verbose_name)

    changed = [
        label(name).capitalize()
        for name in ("title", "county_case_number", "municipality_case_number")
        if getattr(agreement, name) != getattr(previous, name)
    ]
    changed += [
        str(heading) for name, heading in Agreement.SECTIONS if getattr(agreement, name) != getattr(previous, name)
    ]
    if agreement.role_matrix != previous.role_matrix:
        changed.append(_("Role matrix"))
    if any(getattr(agreement, name) != getattr(previous, name) for name in SIGNATORY_FIELDS):
        changed.append(_("Signatories"))
    return changed
