"""Single sign-on through a county's OpenID Connect provider: who may log in, and what the login proves.

allauth's `openid_connect` provider runs the authorization-code flow with PKCE, checks the state, and
checks the ID token (its issuer against the issuer the county set up, its audience, its expiry).
What comes back is a set of claims; `check_login` decides on them, on every login:

- the e-mail address must be verified by the provider (`email_verified` true) and in one of the domains
  the provider serves;
- it must be the address of an existing, active Fremdrift user (invited by a county: nobody is created);
- a provider set up by county X logs in only users whose memberships are all in county X, and never a
  superuser: a county's identity provider must not be able to assert its way into another county's
  accounts, nor into the installation's.

`claims_prove_mfa` says whether the provider vouches for a second factor (`amr` mfa/otp/hwk or `acr`
ID-porten's idporten-loa-high): only then does an SSO login stand in for Fremdrift's own TOTP.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from allauth.core.internal.datakit import parse_bool_safely
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import IdentityProvider, User

# The session key of the record of this session's single sign-on (see `session_record`).
SESSION_KEY = "fremdrift_sso"
# The session key of a re-authentication with the provider (for signing: agreements.signing), and what the
# flow's state carries to say that it is one.
REAUTH_SESSION_KEY = "fremdrift_sso_reauthentication"
REAUTH_PURPOSE = "fremdrift-reauthenticate"
# How long a re-authentication counts, and how much older than the request its auth_time may be (clocks).
REAUTH_VALID_SECONDS = 300
CLOCK_SKEW_SECONDS = 60
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk"})
MFA_ACR_VALUES = frozenset({"idporten-loa-high"})


class Refusal:
    """Why a sign-on was refused: a code (for logs and tests) and the sentence the person reads."""

    UNVERIFIED = "unverified_email"
    DOMAIN = "domain"
    UNKNOWN = "unknown_user"
    DEACTIVATED = "deactivated"
    NO_MEMBERSHIP = "no_membership"
    OTHER_COUNTY = "other_county"
    SUPERUSER = "superuser"
    OTHER_ACCOUNT = "other_account"
    NOT_ALLOWED = "not_allowed"
    NOT_FRESH = "not_fresh"

    MESSAGES = {
        UNVERIFIED: _(
            "The identity provider did not confirm that the e-mail address is verified, so it cannot log you in "
            "to Fremdrift. Ask your IT department, or log in with your password."
        ),
        DOMAIN: _("This identity provider does not log in addresses of this e-mail domain."),
        UNKNOWN: _(
            "There is no Fremdrift account with this e-mail address. Fremdrift has no public sign-up: your "
            "county library invites you by e-mail."
        ),
        DEACTIVATED: _("Your Fremdrift account is closed. Ask your county library if you need access again."),
        NO_MEMBERSHIP: _("Your Fremdrift account has no role in any county or municipality. Ask your county library."),
        OTHER_COUNTY: _(
            "This identity provider cannot log in your account: it has roles outside the county that set the "
            "provider up. Log in with your password."
        ),
        SUPERUSER: _("Installation administrators cannot log in with single sign-on. Log in with your password."),
        OTHER_ACCOUNT: _("This identity is already linked to another Fremdrift account."),
        NOT_ALLOWED: _("Single sign-on can only be used to log in."),
        NOT_FRESH: _("The identity provider did not ask for your login again. Try again."),
    }


class SSORefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(Refusal.MESSAGES[self.code])


@dataclass(frozen=True)
class Claims:
    """The claims of one sign-on: the ID token's, with the userinfo endpoint's for what the token lacks."""

    sub: str
    email: str
    email_verified: bool
    amr: tuple[str, ...]
    acr: str
    auth_time: int | None

    @classmethod
    def from_extra_data(cls, data: dict) -> Claims:
        """From allauth's `SocialAccount.extra_data` ({"id_token": {...}, "userinfo": {...}})."""
        id_token = data.get("id_token") or {}
        userinfo = data.get("userinfo") or {}
        if userinfo and id_token and userinfo.get("sub") != id_token.get("sub"):
            userinfo = {}  # OpenID Connect Core 5.3.2: a userinfo response about someone else is not used
        merged = {**userinfo, **id_token}
        amr = merged.get("amr") or []
        if isinstance(amr, str):
            amr = amr.split()
        auth_time = merged.get("auth_time")
        return cls(
            sub=str(merged.get("sub") or ""),
            email=str(merged.get("email") or "").strip().lower(),
            email_verified=parse_bool_safely(merged.get("email_verified")),
            amr=tuple(str(value) for value in amr),
            acr=str(merged.get("acr") or ""),
            auth_time=int(auth_time) if isinstance(auth_time, int | float) else None,
        )


def claims_prove_mfa(claims: Claims) -> bool:
    return bool(MFA_AMR_VALUES.intersection(claims.amr)) or claims.acr in MFA_ACR_VALUES


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def check_login(*, provider: IdentityProvider, claims: Claims) -> User:
    """The user `provider` may log in with `claims`; raises SSORefused with the reason otherwise."""
    if not claims.email or not claims.email_verified:
        raise SSORefused(Refusal.UNVERIFIED)
    if email_domain(claims.email) not in provider.domain_list:
        raise SSORefused(Refusal.DOMAIN)
    user = User.objects.filter(email__iexact=claims.email).first()
    if user is None:
        raise SSORefused(Refusal.UNKNOWN)
    if not user.is_active:
        raise SSORefused(Refusal.DEACTIVATED)
    if user.is_superuser:
        raise SSORefused(Refusal.SUPERUSER)
    counties = set(user.memberships.values_list("county_id", flat=True))
    if not counties:
        raise SSORefused(Refusal.NO_MEMBERSHIP)
    if counties != {provider.county_id}:
        raise SSORefused(Refusal.OTHER_COUNTY)
    return user


def may_use_password(user: User) -> bool:
    """False for a user whose e-mail domain requires single sign-on and whom that provider can log in
    (a superuser or someone with roles in another county keeps the password: SSO could not log them in)."""
    provider = IdentityProvider.objects.for_domain(email_domain(user.email)).filter(require_sso=True).first()
    return provider is None or not _admits(provider, user)


def _admits(provider: IdentityProvider, user: User) -> bool:
    """Whether `check_login`'s rules let this provider log the user in (as if it vouched for the address)."""
    try:
        check_login(
            provider=provider,
            claims=Claims(sub="", email=user.email, email_verified=True, amr=(), acr="", auth_time=None),
        )
    except SSORefused:
        return False
    return True


def provider_for_email(email: str) -> IdentityProvider | None:
    domain = email_domain(email)
    return IdentityProvider.objects.for_domain(domain).first() if domain else None


def client_secret(provider: IdentityProvider) -> str:
    """The client secret from the environment variable the provider names (empty when it is not set)."""
    return os.environ.get(provider.secret_env, "")


def session_record(*, provider_id: str, claims: Claims) -> dict:
    """What the session keeps of a sign-on: for the two-factor rule and for signing with the provider."""
    return {
        "provider": provider_id,
        "sub": claims.sub,
        "acr": claims.acr,
        "amr": list(claims.amr),
        "auth_time": claims.auth_time,
        "at": time.time(),
        "mfa": claims_prove_mfa(claims),
    }


def session_proves_mfa(request) -> bool:
    record = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return bool(record and record.get("mfa"))


def provider_of_user(user: User) -> IdentityProvider | None:
    """The provider that can log this user in (their e-mail domain's, if its rules admit them), else None."""
    provider = provider_for_email(user.email)
    return provider if provider is not None and _admits(provider, user) else None


def check_reauthentication(*, provider: IdentityProvider, claims: Claims, user: User, started_at: float) -> dict:
    """A re-authentication of the signed-in `user` at `provider`: the same rules as a login, the same person,
    and an `auth_time` after the request (the provider really asked again: prompt=login, max_age=0).
    Returns the record the session keeps; raises SSORefused."""
    if check_login(provider=provider, claims=claims).pk != user.pk:
        raise SSORefused(Refusal.OTHER_ACCOUNT)
    if claims.auth_time is None or claims.auth_time < started_at - CLOCK_SKEW_SECONDS:
        raise SSORefused(Refusal.NOT_FRESH)
    return {
        "user_id": user.pk,
        "provider": provider.sso_provider_id,
        "provider_name": provider.name,
        "issuer": provider.issuer,
        "sub": claims.sub,
        "acr": claims.acr,
        "amr": list(claims.amr),
        "auth_time": claims.auth_time,
        "at": time.time(),
    }


def allow_http_issuers() -> bool:
    return settings.SSO_ALLOW_HTTP_ISSUERS
