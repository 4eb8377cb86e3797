"""Fetching a URL a user gave, without letting the user reach what the server can reach.

``services.fetcher.fetch(url)`` returns a ``FetchedPage`` or raises ``UrlRefused`` (400: the
URL itself is not allowed) or ``FetchFailed`` (422: the page could not be fetched within the
limits). The rules (docs/plugins.md, "Fetching a user's URL"; settings in ``[fetch]``,
docs/deploy.md):

- ``http`` and ``https`` only, no credentials in the URL;
- the host is resolved once and every address it resolves to must be public: loopback,
  private, link-local, multicast, reserved, unspecified, shared (CGNAT) and other non-global
  ranges are refused, IPv4 and IPv6 alike, including IPv4 carried inside IPv6 (mapped, 6to4,
  Teredo, NAT64) — unless the address is inside ``fetch.allow_networks``;
- the connection goes to that checked address (the name is not resolved a second time, so a
  DNS answer cannot change between the check and the connection); the ``Host`` header and TLS
  server name stay the URL's host, and certificates are verified against it;
- a redirect is followed only up to ``fetch.max_redirects`` times, each target checked like
  the first URL;
- the answer must be 2xx, ``text/html``, ``application/xhtml+xml`` or ``text/plain``,
  uncompressed, at most ``fetch.max_bytes``, and everything (connect, headers, body, every
  redirect) must finish within ``fetch.timeout_seconds`` in all.

Name resolution itself uses the system resolver, whose own timeout applies.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lightninghire.errors import AppError, BadRequest

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = (301, 302, 303, 307, 308)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "LightningHire-Fetcher/1 (+a user asked for this page)"
CHUNK = 64 * 1024


class UrlRefused(BadRequest):
    """400 ``URL_REFUSED``: the URL is not one this server fetches (``reason``: ``scheme``,
    ``credentials``, ``host``, ``port``, ``address``, ``unresolvable``)."""

    code = "URL_REFUSED"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


class FetchFailed(AppError):
    """422 ``FETCH_FAILED``: the page could not be read within the limits (``reason``:
    ``timeout``, ``too_large``, ``content_type``, ``encoding``, ``status``, ``redirects``,
    ``connection``)."""

    status, code = 422, "FETCH_FAILED"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchLimits:
    """What a fetch may do; ``from_settings`` reads the ``[fetch]`` section."""

    allow_networks: tuple[IpNetwork, ...] = ()
    timeout_seconds: float = 10.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 3
    content_types: tuple[str, ...] = TEXT_TYPES

    @classmethod
    def from_settings(cls, section: Any) -> FetchLimits:
        return cls(allow_networks=tuple(ipaddress.ip_network(n, strict=False)
                                        for n in section["allow_networks"]),
                   timeout_seconds=float(section["timeout_seconds"]),
                   max_bytes=int(section["max_bytes"]),
                   max_redirects=int(section["max_redirects"]))


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page: ``url`` is where it was finally read (after ``redirects``), ``text``
    the body decoded with its charset (UTF-8 when none is given)."""

    url: str
    status: int
    content_type: str
    text: str
    size: int
    redirects: tuple[str, ...] = field(default=())


def refusal(address: IpAddress, allow: Iterable[IpNetwork] = ()) -> str | None:
    """Why ``address`` may not be fetched (``"loopback"``, ``"private"``, …), or ``None`` when
    it is public or inside one of the ``allow`` networks."""
    allow = tuple(allow)
    if any(address.version == net.version and address in net for net in allow):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        inner: IpAddress | None = address.ipv4_mapped or address.sixtofour
        if inner is None and address.teredo:
            inner = address.teredo[1]
        if inner is None and address in NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            why = refusal(inner, allow)
            # The carried IPv4 decides when it is allowed; a mapped form is as good as it.
            if why is not None or address.ipv4_mapped is not None:
                return why
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:
        return "not public"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UrlRefused(f"The host {host!r} could not be resolved.",
                         reason="unresolvable") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in found))


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to an address already checked; the Host header names the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS: SNI and certificate checks use the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class UrlFetcher:
    """Fetches user-given URLs under ``FetchLimits`` (thread-safe; one per app as
    ``services.fetcher``). ``resolver(host, port) -> [address, …]`` is the system's by default."""

    def __init__(self, limits: FetchLimits | None = None, *,
                 resolver: Resolver = system_resolver) -> None:
        self.limits = limits or FetchLimits()
        self.resolver = resolver
        self.tls = ssl.create_default_context()

    def fetch(self, url: str) -> FetchedPage:
        """GET ``url`` under the rules above; ``UrlRefused`` or ``FetchFailed`` otherwise."""
        deadline = time.monotonic() + self.limits.timeout_seconds
        redirects: list[str] = []
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            target = self._target(current)
            address = self._address(target)
            page, location = self._get(target, address, deadline)
            if page is not None:
                return FetchedPage(url=current, status=page.status,
                                   content_type=page.content_type, text=page.text,
                                   size=page.size, redirects=tuple(redirects))
            current = urljoin(current, location)
            redirects.append(current)
        raise FetchFailed(f"The page redirected more than {self.limits.max_redirects} times.",
                          reason="redirects")

    # -- checks before any connection ------------------------------------------------------------

    def _target(self, url: str) -> _Target:
        if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 for c in url):
            raise UrlRefused("Not a URL this server can fetch.", reason="scheme")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise UrlRefused("Only http and https URLs can be fetched.", reason="scheme")
        if parts.username is not None or parts.password is not None:
            raise UrlRefused("A URL with a user name or password is not fetched.",
                             reason="credentials")
        host = parts.hostname
        if not host:
            raise UrlRefused("The URL names no host.", reason="host")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise UrlRefused("The URL's port is not a valid port.", reason="port") from None
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return _Target(scheme, host, port, path)

    def _address(self, target: _Target) -> str:
        """The address to connect to: every address the host resolves to must be allowed (a
        name that also resolves to a private address is refused as a whole)."""
        try:
            addresses = [ipaddress.ip_address(target.host)]
        except ValueError:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0])
                         for a in self.resolver(target.host, target.port)]
        if not addresses:
            raise UrlRefused(f"The host {target.host!r} could not be resolved.",
                             reason="unresolvable")
        for address in addresses:
            why = refusal(address, self.limits.allow_networks)
            if why is not None:
                raise UrlRefused(f"The URL's host {target.host!r} is a {why} address "
                                 f"({address}): this server does not fetch it.",
                                 reason="address")
        return str(addresses[0])

    # -- the request -----------------------------------------------------------------------------

    def _get(self, target: _Target, address: str,
             deadline: float) -> tuple[FetchedPage | None, str]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout()
        if target.scheme == "https":
            conn: http.client.HTTPConnection = _PinnedHTTPS(target.host, target.port, address,
                                                            remaining, self.tls)
        else:
            conn = _PinnedHTTP(target.host, target.port, address, remaining)
        expired = threading.Event()
        watchdog: threading.Timer | None = None
        try:
            conn.connect()
            # One clock for the whole exchange: a server dripping bytes slower than the socket
            # timeout still cannot hold the request past the deadline.
            watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _abort,
                                       (conn.sock, expired))
            watchdog.daemon = True
            watchdog.start()
            conn.request("GET", target.path, headers={
                "User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9"})
            response = conn.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchFailed("The page redirected without saying where.",
                                      reason="redirects")
                return None, location
            page = self._page(response, deadline)
            if expired.is_set():  # the watchdog ended the body early: not the whole page
                raise self._timeout()
            return page, ""
        except TimeoutError:
            raise self._timeout() from None
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or time.monotonic() >= deadline:
                raise self._timeout() from None
            raise FetchFailed(f"The page could not be fetched ({type(exc).__name__}).",
                              reason="connection") from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            conn.close()

    def _page(self, response: http.client.HTTPResponse, deadline: float) -> FetchedPage:
        if not 200 <= response.status < 300:
            raise FetchFailed(f"The page answered HTTP {response.status}.", reason="status")
        raw_type = response.getheader("Content-Type") or ""
        content_type = raw_type.split(";", 1)[0].strip().lower()
        if content_type not in self.limits.content_types:
            raise FetchFailed(f"The page is {content_type or 'untyped'}, not "
                              f"{', '.join(self.limits.content_types)}.", reason="content_type")
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise FetchFailed(f"The page came {encoding}-encoded; only plain bodies are read.",
                              reason="encoding")
        limit = self.limits.max_bytes
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > limit:
            raise self._too_large()
        body = bytearray()
        while True:
            if time.monotonic() >= deadline:
                raise self._timeout()
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > limit:
                raise self._too_large()
        charset = response.headers.get_content_charset() or "utf-8"
        try:
            text = bytes(body).decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            text = bytes(body).decode("utf-8", errors="replace")
        return FetchedPage(url="", status=response.status, content_type=content_type, text=text,
                           size=len(body))

    def _timeout(self) -> FetchFailed:
        return FetchFailed(f"The page did not arrive within {self.limits.timeout_seconds:g} "
                           f"seconds.", reason="timeout")

    def _too_large(self) -> FetchFailed:
        return FetchFailed(f"The page is larger than {self.limits.max_bytes} bytes.",
                           reason="too_large")


def _abort(sock: socket.socket | None, expired: threading.Event) -> None:
    """The deadline passed: end the exchange (the blocked read returns at once)."""
    expired.set()
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)
