"""Marshmallow fields shared by every plugin's schemas, so the API speaks one dialect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import fields, validate

from lightninghire.http.jsonio import json_default

OBJECT_ID = validate.Regexp(r"^[0-9a-f]{24}$", error="Not a valid id.")


class Timestamp(fields.DateTime):
    """ISO-8601 UTC with milliseconds and ``Z`` (``2026-01-05T09:00:00.000Z``), as stored."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else json_default(value)


class ObjectIdString(fields.String):
    """An id as the API shows it: 24 lowercase hex characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", OBJECT_ID)
        super().__init__(**kwargs)
