import ipaddress
import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import translation

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
