"""Sign-in throttling locks a username from one address, found behind the proxies we trust."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from plantrack.core.proxies import client_ip

pytestmark = pytest.mark.django_db

A = "203.0.113.10"
B = "198.51.100.20"
PROXY = "10.0.0.5"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(password: str, **meta) -> int:
    """A fresh browser each time, as an attacker would use."""
    response = Client().post(reverse("login"), {"username": "viewer", "password": password}, **meta)
    return response.status_code


def _fail(times: int, **meta) -> None:
    """Wrong passwords: refused, the last one (at the limit) with the lock-out page."""
    answers = [_sign_in("wrong", **meta) for _ in range(times)]
    assert answers == [200] * (times - 1) + [429]


def test_failures_from_one_address_lock_that_address_not_the_user_everywhere(world, limit):
    _fail(3, REMOTE_ADDR=A)
    assert _sign_in("pw", REMOTE_ADDR=A) == 429
    # The same user from elsewhere still signs in: an attacker cannot lock a colleague out.
    assert _sign_in("pw", REMOTE_ADDR=B) == 302


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_throttled(world, limit, settings):
    settings.PLANTRACK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    _fail(3, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=A)
    assert _sign_in("pw", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=A) == 429
    # Everyone arrives from the proxy's address; other clients are not locked out with A.
    assert _sign_in("pw", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=B) == 302


def test_a_client_behind_a_trusted_proxy_cannot_escape_by_forging_the_header(
    world, limit, settings
):
    settings.PLANTRACK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The proxy appends the real address after whatever the client sent.
    answers = [
        _sign_in("wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, {A}")
        for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    ]
    assert answers == [200, 200, 429]
    assert _sign_in("pw", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.9, {A}") == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(world, limit, settings):
    settings.PLANTRACK_TRUSTED_PROXIES = []
    # Spoofing: a new X-Forwarded-For on every try does not reset the count for A.
    answers = [
        _sign_in("wrong", REMOTE_ADDR=A, HTTP_X_FORWARDED_FOR=forged)
        for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    ]
    assert answers == [200, 200, 429]
    assert _sign_in("pw", REMOTE_ADDR=A, HTTP_X_FORWARDED_FOR="192.0.2.4") == 429


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(world, limit, settings):
    settings.PLANTRACK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    answers = [
        _sign_in("wrong", REMOTE_ADDR=A, HTTP_X_FORWARDED_FOR=forged)
        for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    ]
    assert answers == [200, 200, 429]
    assert _sign_in("pw", REMOTE_ADDR=A, HTTP_X_FORWARDED_FOR="192.0.2.4") == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (A, None, A),
        (A, "192.0.2.1", A),  # not from a proxy: the header is the client's own claim
        (PROXY, None, PROXY),
        (PROXY, A, A),
        (PROXY, f"192.0.2.1, {A}", A),  # the right-most hop the trusted proxy wrote
        (PROXY, f"{A}, 10.0.0.7", A),  # two proxies in a row, both trusted
        (PROXY, f"{A}:51234", A),  # some proxies add the port
        (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        (PROXY, "unknown", PROXY),  # not an address: stop at the proxy that wrote it
        (PROXY, "", PROXY),
        ("::ffff:10.0.0.5", A, A),  # an IPv4 proxy seen through an IPv6 socket
    ],
)
def test_client_address(settings, remote, forwarded, expected):
    settings.PLANTRACK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected
