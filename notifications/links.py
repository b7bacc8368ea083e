"""Personal links for contacts without a login: made, e-mailed, opened with a one-time code, used once.

The pieces every owner of a link (agreements, evaluations) shares:

- `create_link` records who, for what and until when; `token_for` is the link's token: the row's id
  signed with Django's signing, salted per purpose, so the token of one purpose opens nothing of
  another and nobody can make a token for another row;
- `open_link` reads a token back and says what is wrong with the link, in words for the visitor;
- `send_code` e-mails a one-time code (six digits from `secrets`, kept as an HMAC with SECRET_KEY,
  valid `CODE_MINUTES`, `CODE_TRIES` tries, at most `CODES_PER_LINK` codes per link);
- `check_code` compares it and, when it matches, puts the link into the visitor's session:
  `in_scope` is how a link view knows the visitor proved the address. Nothing else reads that
  scope: every other page answers the visitor as anyone anonymous.
- `use_link` (after the act) and `revoke_link(s)` close the link for good.

Mail scanners open links in e-mails; opening the link therefore sends nothing by itself: the visitor
asks for the code with a button.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import PersonalLink
from .services import queue_templated_email

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_LINK = 10
SESSION_KEY = "personal_links"

State = PersonalLink.State


class LinkError(Exception):
    """The code cannot be sent or is not right; the message is for the visitor."""


def _salt(purpose: str) -> str:
    return f"fremdrift.personal-link.{purpose}"


def token_for(link: PersonalLink) -> str:
    return signing.dumps(link.pk, salt=_salt(link.purpose))


def end_of_day(day) -> datetime:
    """The first moment after `day` in the installation's time zone: a deadline day is whole."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def create_link(*, contact, purpose: str, object_id: int, slot: str = "", expires_at, county, by) -> PersonalLink:
    """A new link for `contact` (an open one for the same thing is revoked first). Call in a transaction."""
    PersonalLink.objects.open().filter(purpose=purpose, object_id=object_id, slot=slot, contact=contact).update(
        state=State.REVOKED, revoked_at=timezone.now(), revoked_by=by if getattr(by, "pk", None) else None
    )
    return PersonalLink.objects.create(
        county=county,
        contact=contact,
        email=contact.email,
        purpose=purpose,
        object_id=object_id,
        slot=slot,
        expires_at=expires_at,
        created_by=by if getattr(by, "pk", None) else None,
    )


@dataclass
class Opened:
    """What a token leads to: the link (None when the token is not one of ours) and what is wrong with it."""

    link: PersonalLink | None
    problem: str = ""
    status: int = 200


def problem_of(link: PersonalLink) -> tuple[str, int]:
    """Why the link no longer works (empty when it does), and the status the page answers with."""
    if link.state == State.REVOKED:
        return _("The link has been revoked. Ask the county library for a new one."), 410
    if link.state == State.USED:
        return _("The link has already been used. It works only once."), 410
    if link.is_expired:
        if link.state != State.EXPIRED:
            PersonalLink.objects.filter(pk=link.pk, state=State.SENT).update(state=State.EXPIRED)
            link.state = State.EXPIRED
        return _("The link has expired. Ask the county library for a new one."), 410
    return "", 200


def open_link(token: str, *, purpose: str) -> Opened:
    try:
        pk = signing.loads(token, salt=_salt(purpose))
    except signing.BadSignature:
        return Opened(None, _("The link is not valid. Check that the whole address from the e-mail was copied."), 404)
    link = (
        PersonalLink.objects.select_related("contact", "county").filter(pk=pk, purpose=purpose).first()
        if isinstance(pk, int)
        else None
    )
    if link is None:
        return Opened(None, _("The link is not valid. Check that the whole address from the e-mail was copied."), 404)
    problem, status = problem_of(link)
    return Opened(link, problem, status)


def _hash(link: PersonalLink, code: str) -> str:
    return salted_hmac("fremdrift.personal-link.code", f"{link.pk}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def send_code(*, link: PersonalLink) -> PersonalLink:
    """E-mails a new one-time code to the link's address (the previous code stops working)."""
    link = PersonalLink.objects.select_for_update().select_related("county").get(pk=link.pk)
    problem, _status = problem_of(link)
    if problem:
        raise LinkError(problem)
    if link.codes_sent >= CODES_PER_LINK:
        raise LinkError(_("Too many attempts. Ask the county library for a new link."))
    code = f"{secrets.randbelow(10**6):06d}"
    link.code_hash = _hash(link, code)
    link.code_expires_at = timezone.now() + timedelta(minutes=CODE_MINUTES)
    link.code_attempts = 0
    link.codes_sent += 1
    link.save(update_fields=["code_hash", "code_expires_at", "code_attempts", "codes_sent"])
    queue_templated_email(
        template="notifications/email/link_code",
        context={"code": code, "minutes": CODE_MINUTES, "county": link.county, "name": link.contact.name},
        to=link.email,
        kind="account",
        county=link.county,
        idempotency_key=f"personal-link-code:{link.pk}:{link.codes_sent}",
    )
    return link


def check_code(*, link: PersonalLink, code: str, session) -> PersonalLink:
    """Compares `code` with the link's code; when it matches, the code is spent and the link is in the
    visitor's session. Raises LinkError with what to do (a wrong try is counted all the same)."""
    problem, link = _check_code(link, code)
    if problem:
        raise LinkError(problem)
    session.cycle_key()  # a new session id once the address is proven
    scope = dict(session.get(SESSION_KEY, {}))
    scope[str(link.pk)] = link.purpose
    session[SESSION_KEY] = scope
    return link


@transaction.atomic
def _check_code(link: PersonalLink, code: str) -> tuple[str, PersonalLink]:
    """(what is wrong, the link): commits the count of a wrong try instead of rolling it back."""
    link = PersonalLink.objects.select_for_update().get(pk=link.pk)
    problem, _status = problem_of(link)
    if problem:
        return problem, link
    if not link.code_hash or link.code_expires_at is None:
        return _("Ask for a code first."), link
    if link.code_attempts >= CODE_TRIES:
        return _("Too many attempts. Ask for a new code."), link
    if timezone.now() >= link.code_expires_at:
        return _("The code has expired. Ask for a new code."), link
    code = "".join((code or "").split())
    if not hmac.compare_digest(_hash(link, code), link.code_hash):
        link.code_attempts += 1
        link.save(update_fields=["code_attempts"])
        left = CODE_TRIES - link.code_attempts
        if not left:
            return _("Too many attempts. Ask for a new code."), link
        return _("The code is not right. %(left)s attempts left.") % {"left": left}, link
    link.code_hash, link.code_expires_at, link.verified_at = "", None, timezone.now()
    link.save(update_fields=["code_hash", "code_expires_at", "verified_at"])
    return "", link


def in_scope(session, link: PersonalLink) -> bool:
    """The visitor proved the link's address with its code in this session, and the link still works."""
    return session.get(SESSION_KEY, {}).get(str(link.pk)) == link.purpose and link.state == State.SENT


def leave_scope(session, link: PersonalLink) -> None:
    scope = dict(session.get(SESSION_KEY, {}))
    if scope.pop(str(link.pk), None) is not None:
        session[SESSION_KEY] = scope


def use_link(link: PersonalLink) -> None:
    """The act is done: the link never works again. Call in the act's transaction."""
    PersonalLink.objects.filter(pk=link.pk).update(state=State.USED, used_at=timezone.now(), code_hash="")
    link.state = State.USED


def revoke_link(*, link: PersonalLink, by) -> PersonalLink:
    PersonalLink.objects.filter(pk=link.pk, state=State.SENT).update(
        state=State.REVOKED, revoked_at=timezone.now(), revoked_by=by, code_hash=""
    )
    link.refresh_from_db()
    return link


def revoke_links(*, purpose: str, object_id: int, by=None, slot: str | None = None, contact=None) -> int:
    """Revokes the open links for an object (withdrawn, sealed, closed, or the contact invited instead)."""
    links = PersonalLink.objects.open().for_object(purpose, object_id)
    if slot is not None:
        links = links.filter(slot=slot)
    if contact is not None:
        links = links.filter(contact=contact)
    return links.update(
        state=State.REVOKED, revoked_at=timezone.now(), revoked_by=by if getattr(by, "pk", None) else None, code_hash=""
    )


def links_for(purpose: str, object_id: int):
    return PersonalLink.objects.for_object(purpose, object_id).select_related("contact", "revoked_by")
