"""How many cards each board column holds: one counter document per user, so the board never
counts or scans a user's cards on a request.

The document (``jobsearch_board_counts``, ``_id`` = the user's id) holds one top-level integer
per stage: the user's cards in that stage that are not archived. Every write that adds, removes,
archives, unarchives or moves a card shifts it with one ``$inc`` (upserted) that also bumps
``v``; those writes run under the card's revision check (``store.revise``), so each transition
is counted exactly once even when requests race.

A user whose cards predate the counter has a document that is not ``built`` (absent, or only
the shifts since): the first board view counts their cards once and stores the result only if
``v`` did not move meanwhile (a write during the count retries it), so no shift is lost or
counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from lightninghire_plugins.jobsearch.applications.schemas import STAGES
from lightninghire_plugins.jobsearch.store import APPLICATIONS, BOARD_COUNTS


def column_of(doc: Mapping[str, Any]) -> str | None:
    """The board column a card sits in: its stage, or none once archived."""
    return None if doc.get("archived") else doc.get("status")


class BoardCounts:
    def __init__(self, db: Any) -> None:
        self.counters = db[BOARD_COUNTS]
        self.apps = db[APPLICATIONS]

    def shift(self, user_id: str, before: str | None, after: str | None) -> None:
        """A card left column ``before`` for column ``after`` (``None``: off the board)."""
        if before == after:
            return
        delta: dict[str, int] = {}
        if before in STAGES:
            delta[before] = -1
        if after in STAGES:
            delta[after] = 1
        if delta:
            self.counters.update_one({"_id": user_id},
                                     {"$inc": {**delta, "v": 1},
                                      "$setOnInsert": {"userId": user_id}}, upsert=True)

    def read(self, user_id: str) -> dict[str, int]:
        """``{stage: cards}`` for every stage (one read by ``_id``; built on first use)."""
        doc = self.counters.find_one({"_id": user_id})
        if doc is None or not doc.get("built"):
            doc = self._build(user_id, doc)
        # A count below zero would mean a lost write: show none rather than a negative.
        return {stage: max(0, int(doc.get(stage, 0))) for stage in STAGES}

    def _build(self, user_id: str, seen: Mapping[str, Any] | None) -> Mapping[str, Any]:
        counts: dict[str, int] = {}
        for _attempt in range(3):
            version = seen.get("v", 0) if seen else None
            counts = dict.fromkeys(STAGES, 0)
            for card in self.apps.find({"userId": user_id, "archived": False}, {"status": 1}):
                if card.get("status") in counts:
                    counts[card["status"]] += 1
            doc = {"_id": user_id, "userId": user_id, **counts, "built": True,
                   "v": version or 0}
            try:
                if version is None:
                    self.counters.insert_one(doc)
                    return doc
                # Only if no card moved while we counted (a shift bumps v).
                unchanged = {"_id": user_id,
                             "v": version if seen and "v" in seen else {"$exists": False}}
                if self.counters.replace_one(unchanged, doc).modified_count:
                    return doc
            except DuplicateKeyError:  # a first shift created the document meanwhile
                pass
            seen = self.counters.find_one({"_id": user_id})
            if seen is not None and seen.get("built"):
                return seen  # another request built it
        return {"_id": user_id, **counts}  # busy: answer this count, store nothing
