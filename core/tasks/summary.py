"""Calling a task's callable and turning what it returns (or raises) into small stored values."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

MAX_KEYS = 50
MAX_TEXT = 200
MAX_ERROR = 300
_INT64 = 2**63


def call_task(run: Callable[..., Any], context: Any) -> Any:
    """Call ``run(context)``, ``run(context=...)`` or ``run()``, whichever it accepts."""
    try:
        parameters = inspect.signature(run).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature: try the usual form
        return run(context)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                  inspect.Parameter.VAR_POSITIONAL)
    if any(p.kind in positional for p in parameters):
        return run(context)
    if any(p.name == "context" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return run(context=context)
    return run()


def _text(value: object, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key(key: object) -> str:
    # MongoDB field names: no leading "$", and dots would read as paths.
    return _text(key, 64).lstrip("$").replace(".", "_") or "_"


def _value(value: object) -> object:
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else str(value)
    return _text(value)


def normalize_summary(value: object) -> dict[str, Any]:
    """A task returns counts (``{"processed": 3, "sent": 2}``); keep a small, storable dict.

    ``None`` is ``{}``; a bare number is ``{"processed": n}``; anything else is kept as text.
    """
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"result": value}
    if isinstance(value, int | float):
        return {"processed": _value(value)}
    if isinstance(value, Mapping):
        return {_key(k): _value(v) for k, v in list(value.items())[:MAX_KEYS]}
    return {"result": _text(value)}


def short_error(exc: BaseException) -> str:
    """One line for the run document; the traceback goes to the log only."""
    message = _text(exc, MAX_ERROR)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
