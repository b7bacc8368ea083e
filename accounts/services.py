"""Changes to people and their access. Every function here is one transaction.

Access is read from memberships on every request (`User.access`), so a role
granted, revoked or handed over here takes effect on the user's next request.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Contact, County, Municipality
from notifications.services import queue_templated_email
from shell.history import records_by

from .models import IdentityProvider, IdentityProviderDomain, Invitation, Membership, User
from .signals import invitation_accepted


class AccessError(Exception):
    """A change to access that cannot be made; the message is for the user."""


def _check_scope(*, county: County, role: str, municipality: Municipality | None) -> None:
    if role in Membership.MUNICIPAL_ROLES:
        if municipality is None:
            raise ValidationError({"municipality": _("Choose the municipality for this role.")})
        if municipality.county_id != county.pk:
            raise ValidationError({"municipality": _("The municipality is not in this county.")})
    elif municipality is not None:
        raise ValidationError({"municipality": _("This role belongs to the county, not to a municipality.")})


def _grant(*, user: User, county: County, role: str, municipality: Municipality | None, by: User | None) -> Membership:
    _check_scope(county=county, role=role, municipality=municipality)
    membership, _created = Membership.objects.get_or_create(
        user=user,
        role=role,
        county=county,
        municipality=municipality if role in Membership.MUNICIPAL_ROLES else None,
        defaults={"created_by": by},
    )
    return membership


@records_by
@transaction.atomic
def invite_user(
    *,
    county: County,
    email: str,
    name: str,
    role: str,
    municipality: Municipality | None = None,
    by: User | None,
) -> Invitation | None:
    """Gives `email` a role in `county`, creating the user if needed.

    A new user (or one who never set a password) gets an invitation e-mail with
    a link to set a password; an existing user simply gains the role. Returns
    the invitation, or None when the user could already log in.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, name=name.strip())
        user.set_unusable_password()
        user.save()
    elif not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    _grant(user=user, county=county, role=role, municipality=municipality, by=by)
    if user.has_usable_password():
        return None
    invitation = Invitation.objects.create(user=user, county=county, invited_by=by)
    queue_invitation_email(invitation)
    return invitation


@records_by
@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User | None) -> Invitation:
    """Sends a fresh link; the previous link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise AccessError(_("The invitation has already been accepted."))
    invitation.key = Invitation._meta.get_field("key").default()
    invitation.sent_at = timezone.now()
    invitation.invited_by = by
    invitation.save(update_fields=["key", "sent_at", "invited_by"])
    queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str) -> User:
    """Sets the invited user's password and marks the invitation used."""
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise AccessError(_("This invitation link has expired or has already been used."))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _mark_email_verified(user)
    invitation_accepted.send(sender=Invitation, user=user, invitation=invitation)
    return user


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


@records_by
@transaction.atomic
def grant_role(
    *, user: User, county: County, role: str, municipality: Municipality | None = None, by: User | None
) -> Membership:
    return _grant(user=user, county=county, role=role, municipality=municipality, by=by)


@records_by
@transaction.atomic
def change_role(*, membership: Membership, role: str, municipality: Municipality | None, by: User | None) -> Membership:
    """Replaces a membership's role or municipality with another in the same county."""
    _check_scope(county=membership.county, role=role, municipality=municipality)
    new = _grant(user=membership.user, county=membership.county, role=role, municipality=municipality, by=by)
    if new.pk != membership.pk:
        _delete_membership(membership, by=by)
    return new


@records_by
@transaction.atomic
def revoke_membership(*, membership: Membership, by: User | None) -> None:
    _delete_membership(membership, by=by)


def _delete_membership(membership: Membership, *, by: User | None) -> None:
    membership.delete()


@records_by
@transaction.atomic
def hand_over_membership(*, membership: Membership, email: str, name: str, by: User | None) -> Membership:
    """Moves a role to another person in one step, e.g. a new library head.

    The new person gets the role (and an invitation if they are new), the old
    person loses it in the same transaction, and contacts in the role's scope
    that pointed to the old person now point to the new one.
    """
    email = email.strip().lower()
    if email == membership.user.email.lower():
        raise ValidationError({"email": _("The role already belongs to this person.")})
    old_user = membership.user
    invite_user(
        county=membership.county,
        email=email,
        name=name,
        role=membership.role,
        municipality=membership.municipality,
        by=by,
    )
    new_user = User.objects.get(email__iexact=email)
    contacts = Contact.objects.filter(user=old_user, county=membership.county)
    if membership.municipality_id:
        contacts = contacts.filter(municipality=membership.municipality)
    for contact in contacts:
        contact.user = new_user
        contact.name = new_user.name or name
        contact.email = new_user.email
        contact.save(update_fields=["user", "name", "email"])
    _delete_membership(membership, by=by)
    return Membership.objects.get(
        user=new_user, role=membership.role, county=membership.county, municipality=membership.municipality
    )


@records_by
@transaction.atomic
def deactivate_user(*, user: User, county: County, by: User | None) -> None:
    """Removes every role the user has in `county`; with no roles left, the account is closed."""
    if user == by:
        raise AccessError(_("You cannot deactivate yourself."))
    for membership in Membership.objects.filter(user=user, county=county):
        _delete_membership(membership, by=by)
    if not Membership.objects.filter(user=user).exists() and not user.is_superuser:
        user.is_active = False
        user.save(update_fields=["is_active"])


@transaction.atomic
def update_profile(*, user: User, name: str, language: str) -> User:
    """A user's own name and language (empty: the written standard of their county)."""
    user.name, user.language = name, language
    user.save(update_fields=["name", "language"])
    return user


def queue_invitation_email(invitation: Invitation) -> None:
    """Puts the invitation e-mail in the outbox, in the caller's transaction: in the invited
    person's own language if they have chosen one, else in the county's written standard."""
    queue_templated_email(
        template="accounts/email/invitation",
        language=invitation.user.language or invitation.county.written_standard,
        context={
            "invitation": invitation,
            "county": invitation.county,
            "accept_url": settings.SITE_URL + invitation.get_absolute_url(),
            "valid_days": Invitation.VALID_FOR.days,
        },
        to=invitation.user.email,
        user=invitation.user,
        county=invitation.county,
        about=invitation,
        kind="account",
        idempotency_key=f"invitation:{invitation.pk}:{invitation.key}",
    )


@transaction.atomic
def save_identity_provider(
    *,
    county: County,
    provider: IdentityProvider | None = None,
    name: str,
    issuer: str,
    client_id: str,
    secret_env: str,
    require_sso: bool,
    domains: list[str],
    by: User | None,
) -> IdentityProvider:
    """Creates or changes one of `county`'s OpenID Connect providers with exactly these e-mail domains.

    A domain another provider serves is refused (ValidationError on `domains`); the unique index decides a
    race between two administrators claiming the same domain at once."""
    if provider is None:
        provider = IdentityProvider(county=county, created_by=by)
    elif provider.county_id != county.pk:
        raise ValidationError(_("The identity provider belongs to another county."))
    provider.name, provider.issuer, provider.client_id = name.strip(), issuer.strip(), client_id.strip()
    provider.secret_env, provider.require_sso = secret_env.strip(), require_sso
    provider.full_clean(exclude=["county", "created_by"])
    provider.save()
    provider.domains.exclude(domain__in=domains).delete()
    existing = set(provider.domains.values_list("domain", flat=True))
    try:
        with transaction.atomic():
            IdentityProviderDomain.objects.bulk_create(
                [
                    IdentityProviderDomain(provider=provider, domain=domain)
                    for domain in domains
                    if domain not in existing
                ]
            )
    except IntegrityError:
        raise ValidationError(
            {
                "domains": _(
                    "Already served by another identity provider in Fremdrift. A domain can belong to one provider only."
                )
            }
        ) from None
    return provider


@transaction.atomic
def delete_identity_provider(*, provider: IdentityProvider, by: User | None) -> None:
    """Removes the provider, its domains and the links of users' provider identities to it."""
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.filter(provider=provider.sso_provider_id).delete()
    provider.delete()
