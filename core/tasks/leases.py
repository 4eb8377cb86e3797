"""Task leases and schedule state in MongoDB: one document per task in ``task_leases``.

::

    {_id: "<task name>",
     lease:    null | {runId, holder, trigger, acquiredAt, expiresAt},
     schedule: {lastScheduledFor, claimedAt, runId}}      # absent until the scheduler sees the task

A lease is taken with one atomic ``find_one_and_update`` whose filter only matches a free lease
(none, or expired), upserting the document the first time. When the document exists but does not
match, the upsert's insert collides on ``_id``: MongoDB raises ``DuplicateKeyError`` (nx-27017
answers ``None``); both mean "refused". A scheduled run adds "this fire time is not claimed yet"
to the same filter and claims it in the same update, so two schedulers that both saw a task due
run it once, however their calls interleave.

The lease and the schedule state are each written as a whole sub-document (``$set: {"lease":
{...}}``), never field by field: a lease is replaced, not edited. (This also keeps their dates
typed on a bare nx-27017 0.8.1, whose ``$set`` of a top-level datetime stores a string;
``lightninghire.nx_compat`` fixes that inside the embedded server.)
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

LEASES = "task_leases"


@dataclass(frozen=True)
class Refusal:
    """Why a lease was not granted: ``busy`` (held and not expired) or ``claimed`` (that fire
    time was already run by someone)."""

    reason: str
    holder: str | None = None
    expires_at: datetime | None = None


class LeaseStore:
    def __init__(self, db: Any, name: str = LEASES) -> None:
        self._db = db
        self._name = name

    @property
    def collection(self) -> Collection[dict[str, Any]]:
        # Looked up at each use, as services.db intends: a client made before a fork (or for
        # another URI) is never reused.
        return self._db[self._name]

    @staticmethod
    def _free(now: datetime) -> dict[str, Any]:
        return {"$or": [{"lease": None}, {"lease.expiresAt": {"$lte": now}}]}

    def acquire(self, name: str, lease: dict[str, Any], *, now: datetime,
                scheduled_for: datetime | None = None) -> Refusal | None:
        """Take the lease (and claim ``scheduled_for``) atomically; ``None`` when granted."""
        query: dict[str, Any] = {"_id": name, **self._free(now)}
        update: dict[str, Any] = {"lease": lease}
        if scheduled_for is not None:
            unclaimed = {"$or": [{"schedule": None},
                                 {"schedule.lastScheduledFor": {"$lt": scheduled_for}}]}
            query = {"_id": name, "$and": [self._free(now), unclaimed]}
            update["schedule"] = {"lastScheduledFor": scheduled_for, "claimedAt": now,
                                  "runId": lease["runId"]}
        try:
            doc = self.collection.find_one_and_update(query, {"$set": update}, upsert=True,
                                                      return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            doc = None
        if doc is not None and (doc.get("lease") or {}).get("runId") == lease["runId"]:
            return None
        return self._why_refused(name, now, scheduled_for)

    def _why_refused(self, name: str, now: datetime, scheduled_for: datetime | None) -> Refusal:
        doc = self.collection.find_one({"_id": name}) or {}
        held = doc.get("lease") or {}
        last = (doc.get("schedule") or {}).get("lastScheduledFor")
        if scheduled_for is not None and last is not None and last >= scheduled_for:
            return Refusal("claimed", held.get("holder"), held.get("expiresAt"))
        # Also reached when the holder released between our attempt and this read: still "busy",
        # the caller may simply try again.
        return Refusal("busy", held.get("holder"), held.get("expiresAt"))

    def renew(self, name: str, lease: dict[str, Any]) -> bool:
        """Write a new expiry into a lease we still hold (the whole sub-document)."""
        result = self.collection.update_one({"_id": name, "lease.runId": lease["runId"]},
                                            {"$set": {"lease": lease}})
        return result.matched_count == 1

    def release(self, name: str, run_id: str) -> bool:
        """Free the lease only if ``run_id`` still holds it; ``False`` means it was lost."""
        result = self.collection.update_one({"_id": name, "lease.runId": run_id},
                                            {"$set": {"lease": None}})
        return result.matched_count == 1

    def prime(self, name: str, fire: datetime, now: datetime) -> None:
        """Start a task's schedule at ``fire`` if it has none: a task first seen is not run for
        fire times from before it was seen (as cron, Vercel and Kubernetes behave)."""
        # A duplicate key means another process primed it, or it already has a schedule.
        with contextlib.suppress(DuplicateKeyError):
            self.collection.update_one(
                {"_id": name, "schedule": None},
                {"$set": {"schedule": {"lastScheduledFor": fire, "claimedAt": now, "runId": None}}},
                upsert=True)

    def states(self, names: list[str]) -> dict[str, dict[str, Any]]:
        return {doc["_id"]: doc for doc in self.collection.find({"_id": {"$in": names}})}

    @staticmethod
    def lease_doc(run_id: str, holder: str, trigger: str, now: datetime,
                  seconds: float) -> dict[str, Any]:
        return {"runId": run_id, "holder": holder, "trigger": trigger, "acquiredAt": now,
                "expiresAt": now + timedelta(seconds=seconds)}
