"""JSON in and out: ObjectIds as strings, datetimes as ISO-8601 UTC with ``Z``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import falcon.media
from bson import ObjectId


def json_default(value: Any) -> Any:
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:  # naive datetimes in this codebase are UTC by convention
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


dumps = partial(json.dumps, default=json_default, ensure_ascii=False, separators=(",", ":"))


def json_handler() -> falcon.media.JSONHandler:
    return falcon.media.JSONHandler(dumps=dumps, loads=json.loads)
