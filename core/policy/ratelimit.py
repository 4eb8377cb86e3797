"""Counting requests in fixed windows, shared by every worker and host through MongoDB.

A capped ``$inc`` per hit decides in the database: concurrent requests never overshoot,
whichever process serves them. Documents carry ``expiresAt`` for a TTL index; expiry
is also checked by window id, so correctness never depends on the TTL sweeper running.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
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
    # The counter document this decision counted in (``RateLimitStore.hit``), for ``give_back``.
    slot: str | None = None

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

        One round trip: a capped ``$inc`` upsert (``count < limit`` in the filter) that returns
        the new count decides atomically in the database, so racing requests never overshoot,
        whichever worker or host serves them. A refusal (the upsert collides with the full
        counter) costs a second.
        """
        index, resets_at = self._window(window_seconds)
        doc_id = self._id(bucket, key, window_seconds, index)
        room = {"_id": doc_id, "count": {"$lt": limit}}
        # ``$max`` rather than ``$setOnInsert`` for the expiry: it applies whether the upsert
        # inserts or updates, on MongoDB and on the embedded server alike.
        update = {"$inc": {"count": 1}, "$max": {"expiresAt": resets_at + timedelta(seconds=60)}}
        try:
            counted = self.collection.find_one_and_update(
                room, update, projection={"count": 1}, upsert=True,
                return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            counted = None
        if counted is None:
            # The window is full (the upsert collided with the existing counter), or another
            # request created the counter at the same moment: count in it if it has room.
            counted = self.collection.find_one_and_update(
                room, {"$inc": {"count": 1}}, projection={"count": 1},
                return_document=ReturnDocument.AFTER)
        if counted is not None:
            count = int(counted["count"])
            return Decision(True, count, limit, resets_at, self._retry_after(resets_at), doc_id)
        # Full: the counter exists and holds at least ``limit`` (refusals are not counted).
        return Decision(False, limit, limit, resets_at, self._retry_after(resets_at))

    def give_back(self, decision: Decision) -> None:
        """Return the unit an allowed ``hit`` counted (a claim that turned out not to be spent,
        like a sign-in attempt that succeeded). Never below zero; a no-op for refused hits."""
        if decision.slot is not None:
            self.collection.update_one({"_id": decision.slot, "count": {"$gt": 0}},
                                       {"$inc": {"count": -1}})

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


class MemoryRateLimitStore:
    """The same fixed windows in this process only: for a single-process deployment."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._counts: dict[tuple[str, str, int], tuple[int, int]] = {}
        self._lock = threading.Lock()

    def _window(self, window_seconds: int) -> tuple[int, datetime]:
        now = self.clock.now()
        index = int(now.timestamp()) // window_seconds
        return index, datetime.fromtimestamp((index + 1) * window_seconds, tz=now.tzinfo)

    def hit(self, bucket: str, key: str, limit: int, window_seconds: int) -> Decision:
        index, resets_at = self._window(window_seconds)
        slot = (bucket, key, window_seconds)
        with self._lock:
            if len(self._counts) > 100_000:  # drop finished windows now and then
                self._counts = {k: v for k, v in self._counts.items()
                                if v[0] >= int(self.clock.now().timestamp()) // k[2]}
            seen_index, count = self._counts.get(slot, (index, 0))
            if seen_index != index:
                count = 0
            allowed = count < limit
            if allowed:
                count += 1
            self._counts[slot] = (index, count)
        retry = max(0.0, (resets_at - self.clock.now()).total_seconds())
        return Decision(allowed, count, limit, resets_at, retry)

    def peek(self, bucket: str, key: str, limit: int, window_seconds: int) -> Decision:
        index, resets_at = self._window(window_seconds)
        with self._lock:
            seen_index, count = self._counts.get((bucket, key, window_seconds), (index, 0))
        count = count if seen_index == index else 0
        retry = max(0.0, (resets_at - self.clock.now()).total_seconds())
        return Decision(count < limit, count, limit, resets_at, retry)
