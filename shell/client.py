"""The client of a request: its IP address, and how often it may do something.

Behind the TLS proxy every request comes from the proxy's address. `client_ip` is
the one reading of the client's address in Fremdrift: with `TRUSTED_PROXY_COUNT`
(setting `ALLAUTH_TRUSTED_PROXY_COUNT`) at 0, X-Forwarded-For is ignored, so a
client cannot choose its address; at N, the N-th address from the right of
X-Forwarded-For (the one our outermost proxy appended) is the client. It is
allauth's own reading (through `accounts.adapters.AccountAdapter`), so allauth's
login limits and every address Fremdrift records or limits by agree.
"""

import ipaddress
import time

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

# IPv6 clients get a whole /64 each; counting single addresses would let one rotate within it.
IPV6_PREFIX = 64


def client_ip(request) -> str | None:
    """The client's IP address (see the module's docstring); None if the request carries none."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def _client_key(request) -> str:
    ip = client_ip(request)
    if ip is None:
        return "unknown"  # all such requests share one (strict) count
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


class RateLimit:
    """At most `limit` uses of `action` per client in each window of `seconds` (counted in the shared cache)."""

    def __init__(self, action: str, *, limit: int, seconds: int):
        self.action, self.limit, self.seconds = action, limit, seconds

    def _key(self, request) -> str:
        return f"ratelimit:{self.action}:{_client_key(request)}:{int(time.time()) // self.seconds}"

    def exceeded(self, request) -> bool:
        """Whether this client has used up the window (without counting a use)."""
        return (cache.get(self._key(request)) or 0) >= self.limit

    def hit(self, request) -> bool:
        """Counts one use; True when it is one too many (the caller refuses it)."""
        key = self._key(request)
        cache.add(key, 0, self.seconds)
        try:
            return cache.incr(key) > self.limit
        except ValueError:  # the window ended between add and incr: a new window, a first use
            cache.add(key, 1, self.seconds)
            return False
