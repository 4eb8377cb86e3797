"""The in-app inbox: unread first, newest first; created by events and by outreach tasks.

Notifications expire: each is stored with ``expiresAt`` (its creation + the configured lifetime,
``[plugins.outreach] notification_days``, 90 by default). A TTL index purges them eventually (by
the database server's clock, once a minute at best); every read filters on ``expiresAt`` by the
app's clock, so an expired notification is gone at once, whatever the purge does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pymongo import DESCENDING

from lightninghire.api import NotFound, OwnedDocuments, as_object_id
from lightninghire_plugins.outreach.common import Users

NOTIFICATIONS = "outreach_notifications"
# The unread badge counts no further than this ("999+"): its cost never grows with the inbox.
UNREAD_MAX = 999
TITLE_MAX, BODY_MAX, URL_MAX = 160, 1000, 500
DEFAULT_LIFETIME = timedelta(days=90)
# One clear deletes at most this many (answering ``more: true`` when some remain): its cost never
# grows with the inbox.
CLEAR_BATCH = 1000


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if value is not None else ""


class NotificationService:
    def __init__(self, collection: Any, clock: Any, users: Users,
                 lifetime: timedelta = DEFAULT_LIFETIME) -> None:
        self.collection = collection
        self.owned = OwnedDocuments(self.collection, what="notification")
        self.clock = clock
        self.users = users
        self.lifetime = lifetime

    def _live(self, now: datetime | None = None) -> dict[str, Any]:
        """The filter of notifications not expired at ``now`` (the app's clock)."""
        return {"expiresAt": {"$gt": now or self.clock.now()}}

    def _find_live(self, user_id: str, notification_id: str) -> dict[str, Any]:
        """One of the user's live notifications; an expired one is as missing as another's."""
        doc = self.collection.find_one({**self.owned.mine(user_id, notification_id),
                                        **self._live()})
        if doc is None:
            raise NotFound("No such notification.")
        return doc

    def backfill_expiry(self) -> int:
        """Give notifications stored before expiry existed a lifetime from now (startup)."""
        result = self.collection.update_many({"expiresAt": {"$exists": False}},
                                             {"$set": {"expiresAt": self.clock.now()
                                                       + self.lifetime}})
        return result.modified_count

    def notify(self, user_id: str, kind: str, title: str, body: str = "", *,
               url: str | None = None, preference: str | None = None,
               source: str | None = None) -> dict[str, Any] | None:
        """Add a notification unless the user turned ``preference`` off (or does not exist)."""
        user = self.users.get(user_id)
        if user is None or user.get("disabled") or not Users.wants(user, preference):
            return None
        doc = {"userId": user_id, "type": kind, "title": _text(title, TITLE_MAX),
               "body": _text(body, BODY_MAX), "url": _text(url, URL_MAX) or None,
               "read": False, "readAt": None, "source": source}
        now = self.clock.now()
        doc.update(createdAt=now, expiresAt=now + self.lifetime)
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return doc

    def list(self, user_id: str, limit: int, cursor: str | None, unread_only: bool,
             ) -> dict[str, Any]:
        """Unread first, then read, each newest first. The cursor says which part it is in
        (``u``/``r``) and after which id, so a page may span the boundary."""
        phase, after = (cursor[0], as_object_id(cursor[1:])) if cursor else ("u", None)
        items: list[dict[str, Any]] = []
        if phase == "u":
            docs = self._page(user_id, False, after, limit + 1)
            if len(docs) > limit:
                return self._answer(docs[:limit], f"u{docs[limit - 1]['_id']}")
            items, after = docs, None
            if unread_only:
                return self._answer(items, None)
        elif unread_only:
            return self._answer([], None)
        room = limit - len(items)
        docs = self._page(user_id, True, after, room + 1)
        if len(docs) > room:
            last = docs[room - 1]["_id"] if room else None
            return self._answer(items + docs[:room], f"r{last}" if last else "r")
        return self._answer(items + docs, None)

    def _page(self, user_id: str, read: bool, after: Any, limit: int) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"userId": user_id, "read": read, **self._live()}
        if after is not None:
            query["_id"] = {"$lt": after}
        return list(self.collection.find(query).sort("_id", DESCENDING).limit(limit))

    def _answer(self, docs: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
        return {"items": [self.public(d) for d in docs], "nextCursor": cursor}

    def unread_count(self, user_id: str) -> int:
        return self.collection.count_documents({"userId": user_id, "read": False,
                                                **self._live()}, limit=UNREAD_MAX)

    def mark(self, user_id: str, notification_id: str, read: bool) -> dict[str, Any]:
        doc = self._find_live(user_id, notification_id)
        changes = {"read": read, "readAt": self.clock.now() if read else None}
        self.collection.update_one({"_id": doc["_id"], "userId": user_id}, {"$set": changes})
        return self.public({**doc, **changes})

    def mark_all_read(self, user_id: str) -> int:
        result = self.collection.update_many({"userId": user_id, "read": False, **self._live()},
                                             {"$set": {"read": True, "readAt": self.clock.now()}})
        return result.modified_count

    def delete(self, user_id: str, notification_id: str) -> None:
        doc = self._find_live(user_id, notification_id)
        self.collection.delete_one({"_id": doc["_id"], "userId": user_id})

    def clear(self, user_id: str, read_only: bool = False) -> dict[str, Any]:
        """Delete the user's notifications (only the read ones with ``read_only``), at most
        ``CLEAR_BATCH`` per call: ``more`` says whether another call has some left."""
        query: dict[str, Any] = {"userId": user_id, **self._live()}
        if read_only:
            query["read"] = True
        ids = [d["_id"] for d in self.collection.find(query, {"_id": 1}).limit(CLEAR_BATCH + 1)]
        batch = ids[:CLEAR_BATCH]
        deleted = (self.collection.delete_many({"_id": {"$in": batch}, "userId": user_id})
                   .deleted_count if batch else 0)
        return {"deleted": deleted, "more": len(ids) > CLEAR_BATCH}

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "type": doc["type"], "title": doc["title"],
                "body": doc.get("body", ""), "url": doc.get("url"), "read": bool(doc["read"]),
                "readAt": doc.get("readAt"), "createdAt": doc["createdAt"],
                "expiresAt": doc.get("expiresAt")}
