"""Every error leaves in the envelope: AppErrors, Falcon's own HTTP errors, and the unexpected."""

from __future__ import annotations

import logging
from typing import Any

import falcon
from pymongo.errors import ConnectionFailure

from lightninghire.errors import BY_STATUS, AppError, DatabaseUnavailable, Internal
from lightninghire.logs import redact

log = logging.getLogger("lightninghire.http")
# Every line names the path through logs.redact: a capability URL's token never reaches the log.

_FALCON_MESSAGES = {
    404: "No such route.",
    405: "Method not allowed on this route.",
}


def _send(resp: falcon.Response, status: int, error: dict[str, Any],
          headers: dict[str, str] | None = None) -> None:
    resp.status = status
    resp.media = {"ok": False, "error": error}
    resp.content_type = falcon.MEDIA_JSON
    for name, value in (headers or {}).items():
        resp.set_header(name, value)


def handle_app_error(req: falcon.Request, resp: falcon.Response, exc: AppError,
                     params: dict[str, Any]) -> None:
    error = exc.to_error_body()
    if exc.status >= 500:
        error["requestId"] = getattr(req.context, "request_id", None)
        log.error("%s %s -> %s %s (request %s)", req.method, redact(req.path), exc.status, exc.code,
                  error["requestId"])
    _send(resp, exc.status, error, exc.headers)


def handle_http_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError,
                      params: dict[str, Any]) -> None:
    status = exc.status_code
    cls = BY_STATUS.get(status)
    code = cls.code if cls else ("INTERNAL" if status >= 500 else "BAD_REQUEST")
    message = exc.description or _FALCON_MESSAGES.get(status) or exc.title or "Request failed."
    if status == 404:
        message = f"No route for {req.method} {req.path}."
    elif status == 405:
        message = f"{req.method} is not allowed on {req.path}."
    error: dict[str, Any] = {"message": message, "code": code}
    if status >= 500:
        error["requestId"] = getattr(req.context, "request_id", None)
    _send(resp, status, error, dict(exc.headers or {}))


def handle_unexpected(req: falcon.Request, resp: falcon.Response, exc: Exception,
                      params: dict[str, Any]) -> None:
    request_id = getattr(req.context, "request_id", None)
    # The traceback goes to the log only, under the id the client is given.
    log.exception("unhandled error on %s %s (request %s)", req.method, redact(req.path), request_id)
    body = Internal().to_error_body()
    body["requestId"] = request_id
    _send(resp, 500, body)


def handle_database_down(req: falcon.Request, resp: falcon.Response, exc: ConnectionFailure,
                         params: dict[str, Any]) -> None:
    """The database did not answer (ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout
    and the other ConnectionFailures): 503 DB_UNAVAILABLE with Retry-After, not a 500."""
    error = DatabaseUnavailable()
    body = error.to_error_body()
    body["requestId"] = getattr(req.context, "request_id", None)
    log.warning("%s %s -> 503 DB_UNAVAILABLE: %s (request %s)", req.method, redact(req.path),
                type(exc).__name__, body["requestId"])
    _send(resp, error.status, body, error.headers)


def install(app: falcon.App) -> None:
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(ConnectionFailure, handle_database_down)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(AppError, handle_app_error)
