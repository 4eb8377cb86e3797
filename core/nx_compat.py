"""Fixes applied inside the embedded nx-27017 server process, before it serves.

nx-27017 0.8.1's SQL update path binds values as SQLite parameters, so a datetime given to
``$set`` (or ``$setOnInsert``, ``$max``, ``$min``) is stored as a plain string and stops comparing as
a date, and a boolean is stored as 0/1 and read back as an integer. Inserts store ``{"$date": ...}``
and JSON booleans; this makes updates do the same, so application code stays standard MongoDB.
Only ``lightninghire.embedded`` imports this, in the child process; a real MongoDB needs nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def apply() -> None:
    from neosqlite.binary import Binary
    from neosqlite.collection.query_helper import _sql_updates

    class _JsonValue(Binary):
        """Rides the SQL path's ``json(?)`` branch (taken for Binary) to store the JSON form."""

        def __new__(cls, value: datetime | bool) -> _JsonValue:
            obj = super().__new__(cls, b"")
            obj.value = value
            return obj

        def encode_for_storage(self) -> Any:
            if isinstance(self.value, datetime):
                return {"$date": self.value.isoformat()}
            return self.value

    original = _sql_updates._convert_bytes_to_binary

    def convert(value: Any) -> Any:
        if isinstance(value, (datetime, bool)):
            return _JsonValue(value)
        return original(value)

    _sql_updates._convert_bytes_to_binary = convert
