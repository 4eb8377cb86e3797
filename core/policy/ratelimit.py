"""Counting requests in fixed windows, shared by every worker and host through MongoDB.

A capped ``$inc`` per hit decides in the database: concurrent requests never overshoot,
whichever process serves them. Documents carry ``expiresAt`` for a TTL index; expiry
is also checked by window id, so correctness never depends on the TTL sweeper running.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from lightninghire.clock import Clock

COLLECTION = "rate_limits"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    resets_at: datetime
    retry_after: float

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def opaque(value: str) -> str:
    """Keys are hashed so counters never store an email address or IP in the clear."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class RateLimitStore:
    INDEXES = (IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),)

    def __init__(self, collection: Collection[dict[str, Any]], clock: Clock) -> None:
        self.collection = collection
        self.clock = clock

    def _window(self, window_seconds: int) -> tuple[int, datetime]:
        now = self.clock.now()
        index = int(now.timestamp()) // window_seconds
        resets_at = datetime.fromtimestamp((index + 1) * window_seconds, tz=now.tzinfo)
        return index, resets_at

    def hit(self, bucket: str, key: str, limit: int, window_seconds: int) -> Decision:
        """Count one request if the window has room; ``allowed`` says whether it had.

        A capped ``$inc`` (``count < limit`` in the filter) decides atomically in the database:
        at the cap the upsert collides with the existing counter (duplicate key) and nothing is
        counted, so racing requests never overshoot, whichever worker or host serves them.
        """
        index, resets_at = self._window(window_seconds)
        doc_id = self._id(bucket, key, window_seconds, index)
        room = {"_id": doc_id, "count": {"$lt": limit}}
        try:
            self.collection.update_one(room, {
                "$inc": {"count": 1},
                "$setOnInsert": {"expiresAt": resets_at + timedelta(seconds=60)},
            }, upsert=True)
            allowed = True
        except DuplicateKeyError:
            # Either the window is full, or another request created the counter first.
            allowed = self.collection.update_one(room, {"$inc": {"count": 1}}).modified_count == 1
        doc = self.collection.find_one({"_id": doc_id}, {"count": 1})
        count = int(doc["count"]) if doc else limit
        return Decision(allowed, count, limit, resets_at, self._retry_after(resets_at))

    def _id(self, bucket: str, key: str, window_seconds: int, index: int) -> str:
        return f"{bucket}|{opaque(key)}|{window_seconds}|{index}"

    def _retry_after(self, resets_at: datetime) -> float:
        return max(0.0, (resets_at - self.clock.now()).total_seconds())

    def peek(self, bucket: str, key: str, limit: int, window_seconds: int) -> Decision:
        """The window's count without adding to it (``allowed`` means one more would pass)."""
        index, resets_at = self._window(window_seconds)
        doc = self.collection.find_one({"_id": self._id(bucket, key, window_seconds, index)})
        count = int(doc["count"]) if doc else 0
        return Decision(count < limit, count, limit, resets_at, self._retry_after(resets_at))
