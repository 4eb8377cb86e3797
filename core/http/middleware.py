"""Falcon middleware that runs for every request, routed or not: request id, client IP, size cap."""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterable

import falcon

from lightninghire.errors import HeadersTooLarge, PayloadTooLarge, UriTooLong
from lightninghire.http.clientip import DEFAULT_IPV6_PREFIX, canonical_ip, ip_bucket, parse_ip

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
REQUEST_ID_HEADER = "X-Request-Id"


class RequestIdMiddleware:
    """Echo a sane client ``X-Request-Id`` or mint one; errors and logs carry the same id."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        given = req.get_header(REQUEST_ID_HEADER)
        req.context.request_id = given if given and _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        resp.set_header(REQUEST_ID_HEADER, req.context.request_id)


class ClientIpMiddleware:
    """``req.context.client_ip``: the first address, walking X-Forwarded-For from the right, that
    is not a trusted proxy. Only a trusted peer's header is believed, so clients cannot spoof it.

    Addresses are canonical (``::ffff:192.0.2.1`` is ``192.0.2.1``, brackets, ports and case do
    not matter), and ``req.context.client_key`` is what per-IP limits count: the IPv4 address,
    or the IPv6 network of ``ipv6_prefix`` bits holding the address."""

    def __init__(self, trusted_proxies: Iterable[str],
                 ipv6_prefix: int = DEFAULT_IPV6_PREFIX) -> None:
        self.trusted = [ipaddress.ip_network(cidr, strict=False) for cidr in trusted_proxies]
        self.ipv6_prefix = ipv6_prefix

    def _is_trusted(self, address: str) -> bool:
        ip = parse_ip(address)
        return ip is not None and any(ip in net for net in self.trusted)

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        client = req.remote_addr or "unknown"
        if self._is_trusted(client):
            forwarded = req.get_header("X-Forwarded-For")
            if forwarded:
                for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
                    client = hop
                    if not self._is_trusted(hop):
                        break
        req.context.client_ip = canonical_ip(client)
        req.context.client_key = ip_bucket(client, self.ipv6_prefix)


# What the app answers in the envelope: gunicorn's own defaults. gunicorn itself is configured
# with larger limits (server.gunicorn_options), so a request between the two gets this JSON
# answer; only one past gunicorn's limits gets gunicorn's bare page (docs/security.md).
MAX_URI_BYTES = 4094
MAX_HEADER_FIELDS = 100
MAX_HEADER_FIELD_BYTES = 8190


class RequestLimitsMiddleware:
    """414 ``URI_TOO_LONG`` and 431 ``HEADERS_TOO_LARGE`` in the envelope."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        env = req.env
        query = env.get("QUERY_STRING") or ""
        target = len(env.get("PATH_INFO") or "") + (len(query) + 1 if query else 0)
        if target > MAX_URI_BYTES:
            raise UriTooLong(f"The request URI is longer than {MAX_URI_BYTES} bytes.",
                             limit=MAX_URI_BYTES)
        fields = [(key, value) for key, value in env.items()
                  if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")]
        if len(fields) > MAX_HEADER_FIELDS:
            raise HeadersTooLarge(f"The request has more than {MAX_HEADER_FIELDS} header fields.",
                                  limit=MAX_HEADER_FIELDS)
        for key, value in fields:
            # name ": " value, as on the wire (the WSGI name is the header's, give or take HTTP_).
            if len(key) - 3 + len(str(value)) > MAX_HEADER_FIELD_BYTES:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                raise HeadersTooLarge(f"The {name} header is longer than "
                                      f"{MAX_HEADER_FIELD_BYTES} bytes.",
                                      limit=MAX_HEADER_FIELD_BYTES)


class BodyLimitMiddleware:
    """Refuse a declared oversized body before anything reads it (413).

    A body without Content-Length (chunked) is bounded again where it is read.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.content_length is not None and req.content_length > self.max_bytes:
            raise PayloadTooLarge(f"The request body is larger than {self.max_bytes} bytes.",
                                  limit=self.max_bytes)


class SecurityHeadersMiddleware:
    """Conservative defaults for a JSON API (the docs page loosens nothing it does not need)."""

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object,
                         req_succeeded: bool) -> None:
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Referrer-Policy", "no-referrer")
        if not resp.get_header("Cache-Control"):
            resp.set_header("Cache-Control", "no-store")


class CorsMiddleware(falcon.CORSMiddleware):
    """Falcon's ``CORSMiddleware`` for the listed origins only (``http.cors_origins``): a web app
    served from another origin may call the API with its cookies; every other origin gets no CORS
    header at all, so browsers keep it out. Never ``*``: answers carry credentials.

    Falcon's middleware decides who is allowed and sets ``Allow-Origin`` (echoed),
    ``Allow-Credentials``, ``Expose-Headers`` and the preflight's ``Allow-Methods``. Three things
    it does not express are added after it: ``Vary: Origin`` (the answer depends on the Origin),
    a fixed list of request headers (Falcon echoes whatever a preflight asks for) with our
    ``Max-Age``, and no ``Allow-Credentials`` left on a preflight it refused.
    """

    ALLOWED_HEADERS = "Authorization, Content-Type, X-CSRF-Token, X-Request-Id"
    EXPOSED_HEADERS = ("X-Request-Id", "Retry-After", "X-RateLimit-Limit",
                       "X-RateLimit-Remaining", "X-RateLimit-Reset")
    MAX_AGE = "600"

    def __init__(self, origins: Iterable[str]) -> None:
        # Browsers send the serialised origin: lower-case scheme and host, no trailing slash.
        allowed = sorted({origin.rstrip("/").lower() for origin in origins})
        super().__init__(allow_origins=allowed, allow_credentials=allowed,
                         expose_headers=self.EXPOSED_HEADERS)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object,
                         req_succeeded: bool) -> None:
        super().process_response(req, resp, resource, req_succeeded)
        if resp.get_header("Access-Control-Allow-Origin") is None:
            resp.delete_header("Access-Control-Allow-Credentials")
            return
        resp.append_header("Vary", "Origin")
        if resp.get_header("Access-Control-Allow-Methods") is not None:  # a granted preflight
            resp.set_header("Access-Control-Allow-Headers", self.ALLOWED_HEADERS)
            resp.set_header("Access-Control-Max-Age", self.MAX_AGE)
