import ipaddress
import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through a county administrator's invitation."""

    def is_open_for_signup(self, request):
        return False

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
