"""The address a request came from, for sign-in throttling (settings.AXES_CLIENT_IP_CALLABLE).

Behind a reverse proxy REMOTE_ADDR is the proxy, so throttling by it would lock a username out
for everybody. Each proxy appends the address it was connected from to X-Forwarded-For, and
anyone can send the header with addresses of their choosing, so the header is read from the
right and only as far as the hops are proxies in PLANTRACK_TRUSTED_PROXIES: the first address
that is not one of them is the client. With no trusted proxies the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    """The address in one hop: "192.0.2.1", "2001:db8::1", or with a port as some proxies
    write it ("192.0.2.1:51234", "[2001:db8::1]:51234"); None for anything else."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.PLANTRACK_TRUSTED_PROXIES))
    address = _address(remote or "")
    if address is None or not networks or not _trusted(address, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",") if forwarded else []):
        hop_address = _address(hop)
        if hop_address is None:
            # A trusted proxy wrote something that is not an address: stop at that proxy.
            break
        address = hop_address
        if not _trusted(address, networks):
            break
    return str(address)
