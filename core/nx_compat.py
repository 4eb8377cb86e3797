"""Fixes applied inside the embedded nx-27017 server process, before it serves.

nx-27017 0.8.1 stores a datetime given to ``$set`` (or ``$setOnInsert``, ``$max``, ``$min``) as a
plain string on its SQL update path, so the field stops comparing as a date. Inserts store
``{"$date": ...}``; this makes updates do the same, so application code stays standard MongoDB.
Only ``lightninghire.embedded`` imports this, in the child process; a real MongoDB needs nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def apply() -> None:
    from neosqlite.binary import Binary
    from neosqlite.collection.query_helper import _sql_updates

    class _DateValue(Binary):
        """Rides the SQL path's ``json(?)`` branch (taken for Binary) to store a real date."""

        def __new__(cls, value: datetime) -> _DateValue:
            obj = super().__new__(cls, b"")
            obj.value = value
            return obj

        def encode_for_storage(self) -> dict[str, Any]:
            return {"$date": self.value.isoformat()}

    original = _sql_updates._convert_bytes_to_binary

    def convert(value: Any) -> Any:
        if isinstance(value, datetime):
            return _DateValue(value)
        return original(value)

    _sql_updates._convert_bytes_to_binary = convert
