"""Fixes applied inside the embedded nx-27017 server process, before it serves.

nx-27017 0.8.1's SQL update path binds values as SQLite parameters, so a datetime given to
``$set`` (or ``$setOnInsert``, ``$max``, ``$min``) is stored as a plain string and stops comparing as
a date, and a boolean is stored as 0/1 and read back as an integer. Inserts store ``{"$date": ...}``
and JSON booleans; this makes updates do the same, so application code stays standard MongoDB.

It also paces TTL expiry. neosqlite purges a TTL-indexed collection's expired documents before
*every* read and write of it (two range deletes that scan the collection), so one lookup by
``_id`` in a collection of 100,000 sessions or counters took ~46 ms instead of ~0.8 ms. MongoDB's
own TTL monitor runs once a minute; here each collection is purged at most once every
``TTL_PURGE_EVERY`` seconds, which is the same contract (expired documents may linger up to a
minute, so code checks expiry itself, as ours does).

Only ``lightninghire.embedded`` imports this, in the child process; a real MongoDB needs nothing.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

TTL_PURGE_EVERY = 60.0  # seconds, as MongoDB's TTL monitor


def apply() -> None:
    _store_dates_and_booleans_as_json()
    _pace_ttl_purges()


def _pace_ttl_purges() -> None:
    from neosqlite.collection import Collection

    original = Collection._auto_purge_ttl
    last: dict[tuple[int, str], float] = {}
    lock = threading.Lock()

    def paced(self: Any) -> None:
        key = (id(self.database), getattr(self, "name", ""))
        now = time.monotonic()
        with lock:
            if now - last.get(key, float("-inf")) < TTL_PURGE_EVERY:
                return
            last[key] = now
        original(self)

    Collection._auto_purge_ttl = paced


def _store_dates_and_booleans_as_json() -> None:
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
