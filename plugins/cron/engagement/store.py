"""The engagement collections: who was sent which step, and what each user did on which day.

Every document is owned by ``userId`` (the user's id string), so account export and deletion
reach it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

SENDS = "cron_sends"        # one document per (user, step): the idempotency ledger
ACTIVITY = "cron_activity"  # one document per (user, UTC day) with activity that counts for streaks
MEMBERS = "cron_members"    # one document per user: last activity, first time of each kind of
                            # activity, counts per kind, the practice streak
MILESTONES = "cron_milestones"  # one document per (user, milestone): reached when, nudged or not
PROGRESS = "cron_progress"  # resumable cursors of tasks that walk every user (the job digest)

COLLECTIONS: dict[str, tuple[IndexModel, ...]] = {
    SENDS: (
        IndexModel([("userId", ASCENDING), ("step", ASCENDING)], unique=True),
        IndexModel([("step", ASCENDING)]),
        IndexModel([("userId", ASCENDING), ("task", ASCENDING), ("createdAt", DESCENDING)]),
        # Dated steps (streak of a day, digest of a day) carry expiresAt; series steps never do.
        IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),
    ),
    ACTIVITY: (
        IndexModel([("userId", ASCENDING), ("day", ASCENDING)], unique=True),
        IndexModel([("day", ASCENDING)]),
    ),
    MEMBERS: (IndexModel([("userId", ASCENDING)], unique=True),),
    MILESTONES: (
        IndexModel([("userId", ASCENDING), ("key", ASCENDING)], unique=True),
        IndexModel([("userId", ASCENDING)]),
        IndexModel([("nudge", ASCENDING)]),  # the milestone-nudges task's queue
    ),
    PROGRESS: (IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),),
}
OWNED = (SENDS, ACTIVITY, MEMBERS, MILESTONES)

# Outcomes recorded on a send: claimed (written before the mail goes out), then the mail
# service's status (sent, queued, suppressed, dead), or skipped / failed with a reason.
CLAIMED = "claimed"
DELIVERED = frozenset({"sent", "queued"})


def day_of(when: datetime) -> str:
    """The UTC calendar day (PRODUCT §10.1: days reset at midnight UTC)."""
    return when.strftime("%Y-%m-%d")


class SendLedger:
    """Claims a (user, step) before anything is sent: the unique index makes it once ever."""

    def __init__(self, db: Any) -> None:
        self.db = db

    @property
    def collection(self) -> Any:
        return self.db[SENDS]

    def claim(self, user_id: str, step: str, task: str, now: datetime,
              expires_at: datetime | None = None) -> bool:
        doc: dict[str, Any] = {"userId": user_id, "step": step, "task": task, "status": CLAIMED,
                               "createdAt": now, "updatedAt": now}
        if expires_at is not None:
            doc["expiresAt"] = expires_at
        try:
            self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def finish(self, user_id: str, step: str, now: datetime, status: str, **details: Any) -> None:
        self.collection.update_one({"userId": user_id, "step": step},
                                   {"$set": {"status": status, "updatedAt": now, **details}})

    def handled(self, step: str, user_ids: Iterable[str]) -> set[str]:
        """Which of ``user_ids`` already have ``step`` (claimed, sent or skipped)."""
        ids = list(user_ids)
        if not ids:
            return set()
        found = self.collection.find({"step": step, "userId": {"$in": ids}}, {"userId": 1})
        return {doc["userId"] for doc in found}

    def handled_pairs(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (user id, step) pairs already exist, in one query."""
        wanted = set(pairs)
        if not wanted:
            return set()
        found = self.collection.find({"userId": {"$in": sorted({u for u, _ in wanted})},
                                      "step": {"$in": sorted({s for _, s in wanted})}},
                                     {"userId": 1, "step": 1})
        return {(doc["userId"], doc["step"]) for doc in found} & wanted

    def last_delivered(self, user_id: str, task: str) -> datetime | None:
        doc = self.collection.find_one(
            {"userId": user_id, "task": task, "status": {"$in": sorted(DELIVERED)}},
            sort=[("createdAt", DESCENDING)])
        return doc["createdAt"] if doc else None


class ActivityStore:
    """What users did, from domain events: per-day activity (streaks) and milestones."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def record(self, user_id: str, kind: str, at: datetime, *, streak: bool) -> dict[str, Any]:
        """Note one activity; answers the member document after it (counts, streak)."""
        members = self.db[MEMBERS]
        # Two writes: nx-27017 stores a dotted path given to an upsert that inserts as a flat
        # key, so the nested milestone and count are set only once the document exists.
        members.update_one({"userId": user_id}, {"$max": {"lastActiveAt": at}}, upsert=True)
        member = members.find_one_and_update(
            {"userId": user_id}, {"$min": {f"milestones.{kind}": at},
                                  "$inc": {f"counts.{kind}": 1}},
            return_document=ReturnDocument.AFTER) or {}
        if streak:
            self.db[ACTIVITY].update_one({"userId": user_id, "day": day_of(at)},
                                         {"$inc": {"count": 1}, "$addToSet": {"kinds": kind},
                                          "$max": {"lastAt": at}},
                                         upsert=True)
            member = self._extend_streak(user_id, at) or member
        return member

    def _extend_streak(self, user_id: str, at: datetime) -> dict[str, Any] | None:
        """Keep the streak on the member as activity comes (current, longest, last day), so
        reading it costs one lookup: yesterday active -> one more day; a gap -> it restarts
        at 1; today already counted (or an older event) -> unchanged."""
        members = self.db[MEMBERS]
        today, yesterday = day_of(at), day_of(at - timedelta(days=1))
        after = ReturnDocument.AFTER
        member = members.find_one_and_update(
            {"userId": user_id, "streakLastDay": yesterday},
            {"$inc": {"streakCurrent": 1}, "$set": {"streakLastDay": today}},
            return_document=after)
        if member is None:
            member = members.find_one_and_update(
                {"userId": user_id, "$or": [{"streakLastDay": None},
                                            {"streakLastDay": {"$lt": yesterday}}]},
                {"$set": {"streakCurrent": 1, "streakLastDay": today}}, return_document=after)
        if member is not None and member.get("streakCurrent", 0) > member.get("streakLongest", 0):
            members.update_one({"userId": user_id},
                               {"$max": {"streakLongest": member["streakCurrent"]}})
            member["streakLongest"] = member["streakCurrent"]
        return member

    def member(self, user_id: str) -> dict[str, Any]:
        return self.db[MEMBERS].find_one({"userId": user_id}) or {}

    def members(self, user_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(user_ids)
        if not ids:
            return {}
        return {doc["userId"]: doc for doc in self.db[MEMBERS].find({"userId": {"$in": ids}})}

    def active_on(self, day: str, user_ids: Iterable[str] | None = None) -> list[str]:
        query: dict[str, Any] = {"day": day}
        if user_ids is not None:
            query["userId"] = {"$in": list(user_ids)}
        return sorted({doc["userId"] for doc in self.db[ACTIVITY].find(query, {"userId": 1})})

    def days(self, user_id: str, limit: int = 400) -> list[str]:
        """The user's active days, newest first."""
        cursor = self.db[ACTIVITY].find({"userId": user_id}, {"day": 1})
        return [doc["day"] for doc in cursor.sort("day", DESCENDING).limit(limit)]

    def streak(self, user_id: str, ending: datetime) -> int:
        """Consecutive active days ending on ``ending``'s UTC day (0 when that day is idle)."""
        days = set(self.days(user_id))
        count, cursor = 0, ending
        while day_of(cursor) in days:
            count += 1
            cursor -= timedelta(days=1)
        return count


def streaks(member: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The practice streak as of ``now``: still current while its last day is today or
    yesterday (today is not over)."""
    last = member.get("streakLastDay")
    alive = last in (day_of(now), day_of(now - timedelta(days=1)))
    return {"current": int(member.get("streakCurrent", 0)) if alive else 0,
            "longest": int(member.get("streakLongest", 0)), "lastActiveDay": last}


class MilestoneStore:
    """Milestones reached, once each per user (the unique index), queued for their nudge."""

    def __init__(self, db: Any) -> None:
        self.db = db

    @property
    def collection(self) -> Any:
        return self.db[MILESTONES]

    def reach(self, user_id: str, key: str, at: datetime) -> bool:
        try:
            self.collection.insert_one({"userId": user_id, "key": key, "reachedAt": at,
                                        "nudge": "pending"})
        except DuplicateKeyError:
            return False
        return True

    def of(self, user_id: str) -> dict[str, datetime]:
        """The user's milestones: key -> when reached (a handful of documents at most)."""
        return {d["key"]: d["reachedAt"] for d in self.collection.find({"userId": user_id})}

    def pending(self, limit: int) -> list[dict[str, Any]]:
        return list(self.collection.find({"nudge": "pending"}).limit(limit))

    def nudged(self, doc: dict[str, Any], outcome: str, now: datetime) -> None:
        self.collection.update_one({"_id": doc["_id"]},
                                   {"$set": {"nudge": outcome, "nudgedAt": now}})


class Progress:
    """A resumable cursor per key (``job-digest:2025-06-01``): the last user id handled."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def get(self, key: str) -> Any:
        doc = self.db[PROGRESS].find_one({"_id": key})
        return doc.get("after") if doc else None

    def set(self, key: str, after: Any, now: datetime, expires_at: datetime) -> None:
        self.db[PROGRESS].update_one(
            {"_id": key}, {"$set": {"after": after, "updatedAt": now, "expiresAt": expires_at}},
            upsert=True)
