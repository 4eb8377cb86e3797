"""Log lines never carry credentials found in URLs.

Capability URLs hold their credential in the path or the query: a calendar feed
(``/api/calendar/<token>``), unsubscribe links (``?token=...``), and whatever a client
puts in a query by mistake (``?api_key=...``). ``redact`` masks them in any text:

- a query parameter whose name says credential (token, key, secret, password, signature, ...);
- a path segment in the place of a route parameter whose name says credential: the app registers
  its route templates (``protect_routes``) when it is built, so ``{token}`` routes are covered;
- anything shaped like a credential: an API key (``lh_live_...``), a bearer token, and a long
  random-looking path segment (32+ URL-safe characters mixing letters and digits).

``RedactingLogger`` is gunicorn's logger with every access and error line passed through it; the
app's own error handlers log redacted paths.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

MASK = "[redacted]"
# Query parameter names that carry credentials (matched anywhere in the name).
_SECRET_PARAM = re.compile(r"token|secret|key|passw|pwd|signature|^sig$|auth|credential|"
                           r"session|^code$|otp", re.IGNORECASE)
# Route parameter names that are credentials (narrower: /api/companies/{key} is a company key).
_SECRET_ROUTE_PARAM = re.compile(r"token|secret|passw|signature|credential", re.IGNORECASE)
_QUERY_PAIR = re.compile(r"(?P<sep>[?&;])(?P<name>[^=&;?#\s\"'<>]{1,100})=(?P<value>[^&;#\s\"'<>]*)")
_API_KEY = re.compile(r"\blh_(?:live|test)_[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+", re.IGNORECASE)
_LONG_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-.~%]{32,}(?=[/?#;\s\"']|$)")
_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")

_protected: dict[str, re.Pattern[str]] = {}
_lock = threading.Lock()


def protect_routes(templates: Iterable[str]) -> None:
    """Mask, in every log line, the path segments of route parameters named like credentials
    (``/api/calendar/{token}``). Called by ``create_app`` with every route."""
    for template in templates:
        if template in _protected:
            continue
        names = _TEMPLATE_FIELD.findall(template)
        if not any(_SECRET_ROUTE_PARAM.search(name) for name in names):
            continue
        pattern = ""
        position = 0
        for match in _TEMPLATE_FIELD.finditer(template):
            pattern += re.escape(template[position:match.start()])
            group = "secret" if _SECRET_ROUTE_PARAM.search(match.group(1)) else "plain"
            pattern += f"(?P<{group}{match.start()}>[^/?#;\\s\"']+)"
            position = match.end()
        pattern += re.escape(template[position:])
        with _lock:
            _protected[template] = re.compile(pattern + r"(?=[/?#;\s\"']|$)")


def _mask_route(match: re.Match[str]) -> str:
    text = match.group(0)
    base = match.start()
    # Replace the secret groups from the right, so earlier offsets stay valid.
    for name in sorted((n for n in match.groupdict() if n.startswith("secret")),
                       key=lambda n: match.start(n), reverse=True):
        start, end = match.start(name) - base, match.end(name) - base
        text = text[:start] + MASK + text[end:]
    return text


def _mask_pair(match: re.Match[str]) -> str:
    if _SECRET_PARAM.search(match.group("name")):
        return f"{match.group('sep')}{match.group('name')}={MASK}"
    return match.group(0)


def _mask_segment(match: re.Match[str]) -> str:
    segment = match.group(0)
    if any(c.isdigit() for c in segment) and any(c.isalpha() for c in segment):
        return MASK
    return segment


def redact(text: str) -> str:
    """``text`` with every credential in a URL (and every API key or bearer token) masked."""
    if not text:
        return text
    for pattern in list(_protected.values()):
        text = pattern.sub(_mask_route, text)
    text = _QUERY_PAIR.sub(_mask_pair, text)
    text = _API_KEY.sub(MASK, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _LONG_SEGMENT.sub(_mask_segment, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through ``redact`` (the arguments are merged in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's business, not ours
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingLogger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's logger (``logger_class``): access and error lines go through ``redact``, so a
    calendar-feed token or an unsubscribe token never reaches the log in full."""

    _filter = RedactingFilter()

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            logger.addFilter(self._filter)
