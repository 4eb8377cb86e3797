"""Declarative route options: what the original's ``apiHandler`` wrapper takes, per responder.

    class GreetingsResource:
        @endpoint(auth="public", body=GreetingIn, response=GreetingOut, status=201)
        def on_post(self, req, resp):
            return self.service.create(req.context.body)

A responder returns its data (or a ``Reply``); the core validates input, applies auth, policy and
limits first, and wraps the result in the envelope. No responder builds an error body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from marshmallow import Schema

AUTH_MODES = ("public", "optional", "session", "api_key", "cron")
DEFAULT_AUTH = ("session", "api_key")
ENDPOINT_ATTR = "__lightninghire_endpoint__"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])(?:\s+per\s+(ip|user))?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimit:
    """``count`` requests per ``window_seconds`` per client IP (``"10/15m"``), or per signed-in
    user (``"100/1h per user"``)."""

    count: int
    window_seconds: int
    text: str
    per: str = "ip"

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        match = _RATE.match(text)
        if not match or int(match.group(1)) < 1:
            raise ValueError(f"rate_limit {text!r} is not like '10/15m' or '100/1h per user' "
                             f"(units s, m, h, d)")
        count, multiple, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
        return cls(count, multiple * _UNIT_SECONDS[unit], text.strip(), match.group(4) or "ip")


@dataclass(frozen=True)
class Permission:
    """A Casbin (object, action) pair, written ``"stories:write"``."""

    obj: str
    action: str

    @classmethod
    def parse(cls, text: str) -> Permission:
        obj, sep, action = text.partition(":")
        if not sep or not obj or not action:
            raise ValueError(f"permission {text!r} is not like 'object:action'")
        return cls(obj, action)

    def __str__(self) -> str:
        return f"{self.obj}:{self.action}"


@dataclass(frozen=True)
class EndpointOptions:
    auth: tuple[str, ...] = DEFAULT_AUTH
    permission: Permission | None = None
    feature: str | None = None
    rate_limit: RateLimit | None = None
    body: Schema | None = None
    query: Schema | None = None
    response: Schema | None = None
    status: int = 200
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    # The responder writes ``resp`` itself (HTML, files): no envelope, no response schema.
    raw: bool = False
    # What a raw responder answers on success (``text/csv``), for the OpenAPI document.
    media_type: str | None = None
    # The body is not JSON-parsed: ``req.context.raw_body`` holds its bytes (bounded like any
    # body) for signature checks or form posts; the answer is still the envelope.
    raw_body: bool = False
    # Leave out of the OpenAPI document (the docs page itself, static assets).
    hidden: bool = False


def _schema(value: Schema | type[Schema] | None) -> Schema | None:
    if value is None or isinstance(value, Schema):
        return value
    if isinstance(value, type) and issubclass(value, Schema):
        return value()
    raise TypeError(f"expected a marshmallow Schema class or instance, got {value!r}")


def normalize_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check and convert user-facing option values into ``EndpointOptions`` field values."""
    known = {f.name for f in fields(EndpointOptions)}
    unknown = set(raw) - known
    if unknown:
        raise TypeError(f"unknown endpoint option(s) {sorted(unknown)}; known: {sorted(known)}")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "auth":
            modes = (value,) if isinstance(value, str) else tuple(value)
            bad = [m for m in modes if m not in AUTH_MODES]
            if bad or not modes:
                raise ValueError(f"auth {value!r}: each mode must be one of {AUTH_MODES}")
            if {"public", "optional"} & set(modes) and len(modes) > 1:
                raise ValueError("auth 'public' and 'optional' cannot be combined with other modes")
            value = modes
        elif key == "permission" and value is not None and not isinstance(value, Permission):
            value = Permission.parse(value)
        elif key == "rate_limit" and value is not None and not isinstance(value, RateLimit):
            value = RateLimit.parse(value)
        elif key in {"body", "query", "response"}:
            value = _schema(value)
        elif key == "tags":
            value = (value,) if isinstance(value, str) else tuple(value)
        out[key] = value
    return out


def endpoint(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a responder's options.

    auth: ``"public"``; ``"optional"`` (public, but a session or API key, when sent, must be valid
    and identifies the caller); or any of ``"session"``, ``"api_key"``, ``"cron"`` (default:
    session or API key). permission: ``"object:action"`` checked by the policy engine. feature: entitlement
    key checked and counted. rate_limit: ``"10/15m"`` per client IP. body / query / response:
    marshmallow schemas (unknown fields are rejected). status: success status (e.g. 201).
    """
    checked = normalize_options(options)
    if checked.get("raw_body") and checked.get("body") is not None:
        raise TypeError("raw_body and body exclude each other: validate the raw bytes yourself")

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, ENDPOINT_ATTR, checked)
        return func

    return mark


@dataclass
class Reply:
    """A responder's answer when the plain ``return data`` is not enough.

    ``top_level`` keys sit beside ``ok`` in the envelope (for routes whose clients expect
    ``{"ok": true, "downloadUrl": ...}``); ``data`` is left out when it is not given.
    """

    data: Any = None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    top_level: Mapping[str, Any] | None = None
    has_data: bool = True

    @classmethod
    def top(cls, status: int | None = None, **values: Any) -> Reply:
        return cls(status=status, top_level=values, has_data=False)


def merge_options(*layers: Mapping[str, Any]) -> EndpointOptions:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return replace(EndpointOptions(), **merged)


def options_of(func: Callable[..., Any]) -> Mapping[str, Any]:
    return getattr(func, ENDPOINT_ATTR, {})


def methods_in(responder_names: Iterable[str], suffix: str | None) -> dict[str, str]:
    """HTTP method -> responder attribute name, Falcon's convention (``on_get``, ``on_get_item``)."""
    tail = f"_{suffix}" if suffix else ""
    found = {}
    for name in responder_names:
        if not name.startswith("on_") or not name.endswith(tail):
            continue
        method = name[3 : len(name) - len(tail)] if tail else name[3:]
        if method and "_" not in method:
            found[method.upper()] = name
    return found
