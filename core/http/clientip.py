"""Client addresses in one canonical spelling, and the bucket a per-IP limit counts them in.

A client must not escape a per-IP limit by spelling its address differently (``::ffff:192.0.2.1``
is ``192.0.2.1``; ``[2001:DB8::0001]:443`` is ``2001:db8::1``), nor by walking through the
2^64 addresses of the one IPv6 subnet it is given: IPv6 addresses are counted per network
(``http.ipv6_prefix``, /64 by default), IPv4 addresses one by one.
"""

from __future__ import annotations

import ipaddress
import re

DEFAULT_IPV6_PREFIX = 64
_MAX_UNPARSED = 64
_PORTED_V4 = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str | None) -> Address | None:
    """The address in ``text`` (brackets, a port, quotes and an IPv6 zone allowed), IPv4-mapped
    IPv6 as IPv4; ``None`` when it is not an address."""
    if not text:
        return None
    value = text.strip().strip('"')
    if value.startswith("["):  # [v6] or [v6]:port
        end = value.find("]")
        if end < 0:
            return None
        value = value[1:end]
    else:
        ported = _PORTED_V4.match(value)
        if ported:
            value = ported.group(1)
    value = value.split("%", 1)[0]  # a zone (fe80::1%eth0) names a local interface, not a host
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def canonical_ip(text: str | None) -> str:
    """The canonical spelling of an address; text that is no address is kept (shortened)."""
    ip = parse_ip(text)
    if ip is not None:
        return str(ip)
    return (text or "unknown").strip()[:_MAX_UNPARSED] or "unknown"


def ip_bucket(text: str | None, ipv6_prefix: int = DEFAULT_IPV6_PREFIX) -> str:
    """What a per-IP limit counts: an IPv4 address, or the IPv6 network of ``ipv6_prefix`` bits
    holding the address (``2001:db8:1:2::/64``)."""
    ip = parse_ip(text)
    if ip is None:
        return canonical_ip(text)
    if isinstance(ip, ipaddress.IPv6Address) and ipv6_prefix < 128:
        return str(ipaddress.IPv6Network((ip, ipv6_prefix), strict=False))
    return str(ip)
