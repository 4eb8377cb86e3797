"""The request pipeline every route runs, in the order of DESIGN §1:

rate limit -> auth -> role policy -> entitlement -> body and query validation -> responder
-> envelope. Resources stay thin: they get ``req.context.principal``, ``req.context.body`` and
``req.context.query`` already checked, and return data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Protocol

import falcon
from marshmallow import Schema, ValidationError

from lightninghire.errors import (
    BadRequest,
    PayloadTooLarge,
    StartupError,
    UnsupportedMediaType,
    ValidationFailed,
)
from lightninghire.http.auth import Authenticator, Principal, authenticate
from lightninghire.http.endpoint import Reply
from lightninghire.registry import Operation

_BODYLESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


class Check(Protocol):
    """A pipeline stage (rate limit, permission, entitlement): raises an AppError to stop the
    request. The entitlement stage returns what it consumed, so a failed request gives it back."""

    def __call__(self, op: Operation, req: falcon.Request, resp: falcon.Response) -> Any: ...


def _first_problem(messages: Any, prefix: str = "") -> str:
    if isinstance(messages, dict):
        for key, value in messages.items():
            where = key if key == "_schema" else f"{prefix}{key}"
            return _first_problem(value, "" if key == "_schema" else f"{where}: ")
    if isinstance(messages, list) and messages:
        return _first_problem(messages[0], prefix)
    return f"{prefix}{messages}"


def load(schema: Schema, data: Any, what: str) -> Any:
    """Validate with marshmallow; a failure is a 400 naming every bad field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        fields = exc.normalized_messages()
        if not isinstance(fields, dict):
            fields = {"_schema": fields}
        raise ValidationFailed(fields, f"Invalid {what}: {_first_problem(fields)}") from None


def read_bytes(req: falcon.Request, max_bytes: int) -> bytes:
    """The raw body, bounded even without Content-Length (413 past ``max_bytes``)."""
    if req.method in _BODYLESS and not req.content_length:
        return b""
    # Chunked upload: Falcon's bounded_stream sees no Content-Length and reads nothing, but the
    # server (gunicorn) marks such input as terminated, so it can be read to its end.
    chunked = req.content_length is None and req.env.get("wsgi.input_terminated")
    try:
        raw = (req.stream if chunked else req.bounded_stream).read(max_bytes + 1)
    except Exception as exc:  # the server's parser rejects a malformed upload (bad chunking)
        raise BadRequest(f"The request body could not be read: {type(exc).__name__}.") from None
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than {max_bytes} bytes.",
                              limit=max_bytes)
    return raw


def read_json(req: falcon.Request, max_bytes: int) -> Any:
    """The body as JSON, or ``None`` when there is none."""
    raw = read_bytes(req, max_bytes)
    if not raw.strip():
        return None
    media_type = (req.content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        given = media_type or "an untyped body"
        raise UnsupportedMediaType(f"Send the body as application/json, not {given}.")
    return parse_json(raw)


MAX_JSON_DEPTH = 64
# A JSON escape of a UTF-16 surrogate (\uD800-\uDFFF): the only way one reaches a parsed body.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json(raw: bytes | str) -> Any:
    """Parse a request body: 400 ``INVALID_JSON`` for what is not JSON or nests deeper than
    ``MAX_JSON_DEPTH`` levels, 400 ``VALIDATION`` naming the field for a string (or key) holding
    an unpaired surrogate, which is not text (it cannot be stored or written back as UTF-8)."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}", code="INVALID_JSON") from None
    # Bytes can only carry a surrogate as an escape: most bodies skip the search for one.
    _check_tree(data, surrogates=isinstance(raw, str) or _SURROGATE_ESCAPE.search(raw) is not None)
    return data


def _too_deep() -> BadRequest:
    return BadRequest(f"The request body nests more than {MAX_JSON_DEPTH} levels deep.",
                      code="INVALID_JSON")


def _check_tree(data: Any, *, surrogates: bool) -> None:
    """Depth and, when the body escapes surrogates, unpaired ones: iteratively, no recursion."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if len(path) >= MAX_JSON_DEPTH:
                raise _too_deep()
            for key, item in value.items():
                if surrogates and _SURROGATE.search(key):
                    _not_text(path, "a field name")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            if len(path) >= MAX_JSON_DEPTH:
                raise _too_deep()
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
        elif surrogates and isinstance(value, str) and _SURROGATE.search(value):
            _not_text(path, "the value")


def _not_text(path: tuple[Any, ...], what: str) -> None:
    message = f"{what[0].upper()}{what[1:]} holds an unpaired UTF-16 surrogate, which is not text."
    fields: Any = [message]
    for step in reversed(path):
        fields = {step: fields}
    if not isinstance(fields, dict):
        fields = {"_schema": fields}
    where = ".".join(str(step) for step in path) or "the body"
    raise ValidationFailed(fields, f"Invalid request body: {where}: {message}")


class Pipeline:
    def __init__(self, *, authenticators: dict[str, Authenticator], max_body_bytes: int,
                 rate_limit: Check | None = None, permission: Check | None = None,
                 entitlement: Check | None = None) -> None:
        self.authenticators = authenticators
        self.max_body_bytes = max_body_bytes
        self.rate_limit = rate_limit
        self.permission = permission
        self.entitlement = entitlement

    def check_declarations(self, ops: list[Operation]) -> None:
        """Fail closed: an option nobody can enforce stops startup instead of being ignored."""
        stages = {"rate_limit": self.rate_limit, "permission": self.permission,
                  "feature": self.entitlement}
        for op in ops:
            for option, stage in stages.items():
                if getattr(op.options, option) is not None and stage is None:
                    raise StartupError(f"{op.method} {op.path} (plugin {op.plugin!r}) declares "
                                       f"{option}, but no {option} stage is installed")

    def resource(self, ops: list[Operation]) -> object:
        """A Falcon resource whose responders run ``ops`` through the pipeline."""
        dispatcher = _Dispatcher()
        for op in ops:
            setattr(dispatcher, f"on_{op.method.lower()}", self._responder(op))
        if not any(op.method == "OPTIONS" for op in ops):
            allowed = ", ".join(sorted({op.method for op in ops} | {"OPTIONS"}))

            def on_options(req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
                # Falcon's default answers 200 with an empty "JSON" body; say it properly.
                resp.status = falcon.HTTP_204
                resp.set_header("Allow", allowed)
                resp.content_type = None

            dispatcher.on_options = on_options  # type: ignore[attr-defined]
        return dispatcher

    def _responder(self, op: Operation) -> Callable[..., None]:
        def respond(req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
            self.run(op, req, resp, params)

        respond.__name__ = f"on_{op.method.lower()}"
        return respond

    def run(self, op: Operation, req: falcon.Request, resp: falcon.Response,
            params: dict[str, Any]) -> None:
        options = op.options
        ctx = req.context
        ctx.operation = op
        limited = self.rate_limit is not None and options.rate_limit is not None
        if limited and options.rate_limit.per == "ip":
            self.rate_limit(op, req, resp)
        ctx.principal = authenticate(options.auth, self.authenticators, req)
        if limited and options.rate_limit.per == "user":
            self.rate_limit(op, req, resp)
        if self.permission is not None and options.permission is not None:
            self.permission(op, req, resp)
        ctx.body = self._body(op, req)
        ctx.query = load(options.query, dict(req.params), "query") if options.query else dict(req.params)
        # Counted last, so a request refused for bad input spends no quota.
        consumed = None
        if self.entitlement is not None and options.feature is not None:
            consumed = self.entitlement(op, req, resp)
        ctx.consumption = consumed
        try:
            result = op.responder(req, resp, **params)
        except Exception:
            # A unit pays for an outcome: a request that produced none — a crash, an AI provider
            # down (5xx), or a refusal the service raised after the check (an unknown contact id,
            # a duplicate: 4xx) — gives its unit back.
            if consumed is not None:
                consumed.refund()
            raise
        if not options.raw:
            self._render(op, resp, result)

    def _body(self, op: Operation, req: falcon.Request) -> Any:
        if op.options.raw_body:
            req.context.raw_body = read_bytes(req, self.max_body_bytes)
            return None
        data = read_json(req, self.max_body_bytes)
        schema = op.options.body
        if schema is None:
            if data not in (None, {}):
                raise BadRequest(f"{op.method} {op.path} takes no request body.")
            return None
        if data is None:
            data = {}
        if not isinstance(data, dict) and not schema.many:
            raise ValidationFailed({"_schema": ["The body must be a JSON object."]},
                                   "Invalid request body: the body must be a JSON object.")
        return load(schema, data, "request body")

    def _render(self, op: Operation, resp: falcon.Response, result: Any) -> None:
        reply = result if isinstance(result, Reply) else Reply(data=result)
        envelope: dict[str, Any] = {"ok": True}
        if reply.has_data:
            data = reply.data
            if op.options.response is not None and data is not None:
                data = op.options.response.dump(data)
            envelope["data"] = data
        if reply.top_level:
            envelope.update(reply.top_level)
        resp.media = envelope
        resp.status = reply.status or op.options.status
        for name, value in reply.headers.items():
            resp.set_header(name, value)


class _Dispatcher:
    """Holds generated ``on_<method>`` responders; Falcon answers 405 for the rest."""


def principal_of(req: falcon.Request) -> Principal:
    return req.context.principal
