"""The client of a request: its IP address behind TRUSTED_PROXY_COUNT proxies, and per-client limits."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from shell.client import RateLimit, client_ip

PROXY = "10.0.0.2"  # the TLS proxy in front of the app: every request comes from it


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def request(forwarded_for=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.7")) == PROXY
    assert client_ip(request("203.0.113.7, 198.51.100.1")) == PROXY
    assert client_ip(request(remote="198.51.100.30")) == "198.51.100.30"


def test_behind_one_proxy_the_right_most_address_is_the_client(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("198.51.100.23")) == "198.51.100.23"
    # Whatever the client wrote itself stands to the left of what the proxy appended.
    assert client_ip(request("203.0.113.7, 198.51.100.23")) == "198.51.100.23"
    assert client_ip(request("2001:db8::1")) == "2001:db8::1"
    assert client_ip(request()) == PROXY  # not through the proxy (its own health check): the peer


@pytest.mark.parametrize("forwarded_for", ["not-an-address", "198.51.100.23, ", " "])
def test_a_forwarded_for_the_proxy_did_not_write_falls_back_to_the_peer(settings, forwarded_for):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded_for)) == PROXY


def test_fewer_forwarded_addresses_than_trusted_proxies_is_the_peer_not_an_error(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("198.51.100.23")) == PROXY
    assert client_ip(request("203.0.113.7, 198.51.100.23, 10.0.0.1")) == "198.51.100.23"


def test_a_rate_limit_counts_each_client_on_its_own(settings, one_rate_window):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limit = RateLimit("test-action", limit=3, seconds=60)
    first, second = request("198.51.100.1"), request("198.51.100.2")
    assert [limit.hit(first) for _ in range(4)] == [False, False, False, True]
    assert limit.exceeded(first)
    assert not limit.exceeded(second) and not limit.hit(second)


def test_a_rate_limit_ignores_a_spoofed_address_without_trusted_proxies(settings, one_rate_window):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    limit = RateLimit("test-action", limit=3, seconds=60)
    hits = [limit.hit(request(f"203.0.113.{n}")) for n in range(4)]
    assert hits == [False, False, False, True]


def test_a_rate_limit_counts_an_ipv6_network_as_one_client(settings, one_rate_window):
    """One household or host gets a whole /64; rotating within it is the same client."""
    limit = RateLimit("test-action", limit=2, seconds=60)
    assert not limit.hit(request(remote="2001:db8:1:2::10"))
    assert not limit.hit(request(remote="2001:db8:1:2::11"))
    assert limit.hit(request(remote="2001:db8:1:2:ffff::1"))
    assert not limit.hit(request(remote="2001:db8:1:3::10"))
