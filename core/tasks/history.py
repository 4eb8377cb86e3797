"""Run history in ``task_runs``: one document per run, kept ``history_days`` by a TTL index.

::

    {_id: ObjectId, taskName, plugin, trigger, status: running|ok|error|skipped,
     startedAt, endedAt, durationMs, scheduledFor, summary: {...}, error: "short message",
     holder: "host:pid", leaseLost?: true}

A run is inserted as ``running`` when its lease is taken and replaced by its final document when
it ends. A run whose holder died stays ``running`` until the next holder of that task's lease
marks it ``error`` ("abandoned").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import OperationFailure

RUNS = "task_runs"
ABANDONED = "abandoned: its lease expired before it finished (the holder stopped or crashed)"
# Server codes for "an index with these keys exists with other options" (e.g. a new TTL).
_INDEX_OPTIONS_CONFLICT = {85, 86}
# Runs started in the same millisecond (a frozen test clock) still come back in a stable order.
_NEWEST_FIRST = [("startedAt", DESCENDING), ("_id", DESCENDING)]

log = logging.getLogger(__name__)


class RunHistory:
    def __init__(self, db: Any, history_days: float = 30, name: str = RUNS) -> None:
        self._db = db
        self._name = name
        self.ttl_seconds = int(history_days * 86400)

    @property
    def collection(self) -> Collection[dict[str, Any]]:
        return self._db[self._name]  # at each use: see LeaseStore.collection

    def ensure_indexes(self) -> None:
        self.collection.create_indexes([IndexModel([("taskName", ASCENDING),
                                                    ("startedAt", DESCENDING)])])
        ttl = IndexModel([("startedAt", ASCENDING)], expireAfterSeconds=self.ttl_seconds)
        try:
            self.collection.create_indexes([ttl])
        except OperationFailure as exc:
            if exc.code not in _INDEX_OPTIONS_CONFLICT:
                raise
            self._change_ttl()

    def _change_ttl(self) -> None:
        # The retention changed since the index was made: MongoDB updates it in place with collMod.
        for index in self.collection.list_indexes():
            if dict(index["key"]) == {"startedAt": 1} and "expireAfterSeconds" in index:
                self.collection.database.command(
                    "collMod", self.collection.name,
                    index={"name": index["name"], "expireAfterSeconds": self.ttl_seconds})
                return
        log.warning("task_runs: could not change the retention of the startedAt TTL index")

    def insert(self, doc: dict[str, Any]) -> None:
        self.collection.insert_one(doc)

    def finish(self, doc: dict[str, Any]) -> None:
        self.collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    def mark_abandoned(self, task: str, current: ObjectId) -> int:
        """The caller now holds ``task``'s lease, so any other ``running`` run of it is dead."""
        result = self.collection.update_many(
            {"taskName": task, "status": "running", "_id": {"$ne": current}},
            {"$set": {"status": "error", "error": ABANDONED}})
        return result.modified_count

    def latest(self, tasks: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The most recent run of each task (one small query per task; there are few tasks)."""
        found: dict[str, dict[str, Any]] = {}
        for name in tasks:
            doc = self.collection.find_one({"taskName": name}, sort=_NEWEST_FIRST)
            if doc is not None:
                found[name] = doc
        return found

    def recent(self, task: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        query = {"taskName": task} if task else {}
        return list(self.collection.find(query, sort=_NEWEST_FIRST, limit=limit))
