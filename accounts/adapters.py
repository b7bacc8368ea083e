import ipaddress
import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def recipient_county(email: str):
    """The county of the user with this address (their first membership's), or None."""
    from accounts.models import Membership

    membership = (
        Membership.objects.filter(user__email__iexact=email).select_related("county").order_by("created_at").first()
    )
    return membership.county if membership else None


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through a county administrator's invitation."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (password reset, password changed ...) come from the recipient's county, in
        Fremdrift's own words (templates/account/email/), with a text and an HTML part, in the recipient's
        language (their own choice, else their county's written standard; for an address without an
        account, the language of the page that asked)."""
        from accounts.models import User
        from notifications.services import recipient_language

        county = recipient_county(email)
        user = User.objects.filter(email__iexact=email).first()
        if user is not None or county is not None:
            language = recipient_language(user=user, county=county)
        else:
            language = translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, {"county": county, **context})

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        county = context.get("county")
        if county is not None:
            message.from_email = county.from_email
        return message

    def get_client_ip(self, request) -> str:
        """allauth's reading of the client's address (ALLAUTH_TRUSTED_PROXY_COUNT; see shell.client), which
        allauth's rate limits use too. Where X-Forwarded-For did not come through all the trusted proxies
        (fewer addresses than proxies, or not an address where our proxy writes one), allauth gives up
        with an error page; the peer's own address is then the one nobody could have written."""
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            peer = request.META.get("REMOTE_ADDR", "")
            try:
                peer = str(ipaddress.ip_address(peer))
            except ValueError:
                raise PermissionDenied("Unable to determine client IP address") from None
            logger.warning(
                "X-Forwarded-For %r did not come through the trusted proxies; using the peer %s",
                request.headers.get("x-forwarded-for", "")[:200],
                peer,
            )
            return peer

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with its two-factor stage replaced by one that knows single sign-on."""
        return [
            "accounts.adapters.TwoFactorStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    def post_login(self, request, user, **kwargs):
        """After a single sign-on, the session keeps what the provider said (accounts.sso.session_record):
        RequireTOTPMiddleware and signing with the provider read it. A password login clears it."""
        from . import sso

        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            claims = sso.Claims.from_extra_data(sociallogin.account.extra_data)
            request.session[sso.SESSION_KEY] = sso.session_record(
                provider_id=sociallogin.account.provider, claims=claims
            )
        else:
            request.session.pop(sso.SESSION_KEY, None)
        return super().post_login(request, user, **kwargs)


class TwoFactorStage(AuthenticateStage):
    """allauth's TOTP prompt at login, skipped when the login is a single sign-on whose provider vouches
    for a second factor (`amr` mfa/otp/hwk, or `acr` idporten-loa-high; accounts.sso)."""

    def _should_handle(self, request) -> bool:
        from . import sso

        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and not isinstance(sociallogin, dict):
            if sso.claims_prove_mfa(sso.Claims.from_extra_data(sociallogin.account.extra_data)):
                return False
        return super()._should_handle(request)


def _refusal_page(request, *, message, provider=None, status=403):
    return render(request, "accounts/sso_refused.html", {"message": message, "provider": provider}, status=status)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's single sign-on, fed by Fremdrift's own `IdentityProvider` rows and ruled by accounts.sso.

    Why rows of our own instead of allauth's `SocialApp` table: a county administrator sets a provider up in
    the county's settings with its domains and its county, which `SocialApp` has no place for, and the client
    secret must not be stored in the database at all (it is read from the environment variable the row
    names). So `list_apps` builds an unsaved `SocialApp` per row on each call: allauth's lookups by provider
    id (`get_app`, `get_provider`) and its login and callback views work unchanged, and there is one source
    of truth, with no copy to keep in step. allauth's settings-based apps (SOCIALACCOUNT_PROVIDERS "APPS")
    and its `SocialApp` table are not used.
    """

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def list_apps(self, request, provider=None, client_id=None):
        from allauth.socialaccount.models import SocialApp

        from . import sso
        from .models import IdentityProvider

        rows = IdentityProvider.objects.all()
        if provider and provider != "openid_connect":
            prefix = IdentityProvider.PROVIDER_ID_PREFIX
            pk = provider.removeprefix(prefix)
            if not provider.startswith(prefix) or not pk.isdigit() or len(pk) > 18:
                return []
            rows = rows.filter(pk=int(pk))
        if client_id:
            rows = rows.filter(client_id=client_id)
        apps = []
        for row in rows:
            app = SocialApp(
                provider="openid_connect",
                provider_id=row.sso_provider_id,
                name=row.name,
                client_id=row.client_id,
                secret=sso.client_secret(row),
                settings={
                    # The discovery document at the issuer; an issuer with a trailing slash (ID-porten's
                    # https://idporten.no/) gets no second one.
                    "server_url": row.issuer.rstrip("/") + "/.well-known/openid-configuration",
                    # The ID token's `iss` must be the issuer the county set up, whatever the discovery
                    # document claims: allauth checks the token against this value.
                    "openid_configuration_overrides": {"issuer": row.issuer},
                    "oauth_pkce_enabled": True,
                },
            )
            apps.append(app)
        return apps

    def get_app(self, request, provider, client_id=None):
        """By a provider id of ours (fremdrift-<pk>), or by `openid_connect` with a client ID (how allauth finds
        the provider of a login it stashed, e.g. while it asks for the TOTP code): `openid_connect` alone would
        pick "the" app, which is no app at all once there are two (the URLs take only our ids)."""
        from allauth.socialaccount.models import SocialApp

        from .models import IdentityProvider

        ours = str(provider).startswith(IdentityProvider.PROVIDER_ID_PREFIX)
        if not ours and not (provider == "openid_connect" and client_id):
            raise SocialApp.DoesNotExist()
        return super().get_app(request, provider, client_id=client_id)

    def pre_social_login(self, request, sociallogin) -> None:
        """Decides every sign-on with accounts.sso.check_login; links the provider's `sub` to the user the
        first time (a later sign-on with that `sub` must still name the same user)."""
        from . import sso
        from .models import IdentityProvider

        provider_id = sociallogin.account.provider
        provider = (
            IdentityProvider.objects.filter(pk=int(provider_id.removeprefix(IdentityProvider.PROVIDER_ID_PREFIX)))
            .prefetch_related("domains")
            .first()
        )
        if provider is None:
            raise ImmediateHttpResponse(_refusal_page(request, message=_("This identity provider is not set up.")))
        if (sociallogin.state.get("data") or {}).get("purpose") == sso.REAUTH_PURPOSE:
            self._reauthenticated(request, sociallogin, provider)
        if sociallogin.state.get("process") != AuthProcess.LOGIN:
            raise ImmediateHttpResponse(
                _refusal_page(request, message=sso.Refusal.MESSAGES[sso.Refusal.NOT_ALLOWED], provider=provider)
            )
        claims = sso.Claims.from_extra_data(sociallogin.account.extra_data)
        try:
            user = sso.check_login(provider=provider, claims=claims)
            if sociallogin.is_existing and sociallogin.user.pk != user.pk:
                raise sso.SSORefused(sso.Refusal.OTHER_ACCOUNT)
        except sso.SSORefused as exc:
            logger.info("Single sign-on refused (%s) by %s for %r", exc.code, provider_id, claims.email)
            raise ImmediateHttpResponse(_refusal_page(request, message=exc.message, provider=provider)) from None
        sociallogin.user = user
        if sociallogin.account.pk is None:
            sociallogin.account.user = user
            sociallogin.account.save()

    def _reauthenticated(self, request, sociallogin, provider) -> None:
        """The end of a re-authentication (accounts.views.sso_reauthenticate): nobody is logged in or out; the
        session records who the provider confirmed, and the browser goes back to where it came from."""
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        from . import sso

        state = sociallogin.state
        claims = sso.Claims.from_extra_data(sociallogin.account.extra_data)
        try:
            if not request.user.is_authenticated:
                raise sso.SSORefused(sso.Refusal.NOT_ALLOWED)
            if sociallogin.is_existing and sociallogin.user.pk != request.user.pk:
                raise sso.SSORefused(sso.Refusal.OTHER_ACCOUNT)
            record = sso.check_reauthentication(
                provider=provider, claims=claims, user=request.user, started_at=float(state["data"]["started_at"])
            )
        except sso.SSORefused as exc:
            logger.info("Re-authentication refused (%s) by %s for %r", exc.code, provider.sso_provider_id, claims.email)
            raise ImmediateHttpResponse(_refusal_page(request, message=exc.message, provider=provider)) from None
        if sociallogin.account.pk is None:
            sociallogin.account.user = request.user
            sociallogin.account.save()
        request.session[sso.REAUTH_SESSION_KEY] = record
        next_url = state.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/"
        raise ImmediateHttpResponse(redirect(next_url))

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        """Fremdrift's own page for a sign-on that failed before its claims could be read: a state that is
        unknown to this browser's session (replayed, expired, or started elsewhere), an answer whose ID token
        does not check out (another issuer, another audience), or a provider that could not be reached."""
        extra_context = extra_context or {}
        if error == AuthError.CANCELLED:
            message = _("You cancelled the login with the identity provider.")
        elif "state" not in extra_context or extra_context.get("state") is None:
            message = _(
                "This login link has expired or was started in another browser. Go back to the login page and "
                "start again."
            )
        else:
            message = _(
                "The identity provider's answer could not be verified, so you were not logged in. Try again, or "
                "ask your county library to check the provider's settings."
            )
        logger.warning(
            "Single sign-on failed at %s: %s %r",
            getattr(getattr(provider, "app", None), "provider_id", provider),
            error,
            exception,
        )
        raise ImmediateHttpResponse(_refusal_page(request, message=message, status=400))
