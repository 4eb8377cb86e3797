"""The in-app inbox: unread first, newest first; created by events and by outreach tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import DESCENDING

from lightninghire.api import OwnedDocuments, as_object_id
from lightninghire_plugins.outreach.common import Users

NOTIFICATIONS = "outreach_notifications"
# The unread badge counts no further than this ("999+"): its cost never grows with the inbox.
UNREAD_MAX = 999
TITLE_MAX, BODY_MAX, URL_MAX = 160, 1000, 500


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if value is not None else ""


class NotificationService:
    def __init__(self, collection: Any, clock: Any, users: Users) -> None:
        self.collection = collection
        self.owned = OwnedDocuments(self.collection, what="notification")
        self.clock = clock
        self.users = users

    def notify(self, user_id: str, kind: str, title: str, body: str = "", *,
               url: str | None = None, preference: str | None = None,
               source: str | None = None) -> dict[str, Any] | None:
        """Add a notification unless the user turned ``preference`` off (or does not exist)."""
        user = self.users.get(user_id)
        if user is None or user.get("disabled") or not Users.wants(user, preference):
            return None
        doc = {"userId": user_id, "type": kind, "title": _text(title, TITLE_MAX),
               "body": _text(body, BODY_MAX), "url": _text(url, URL_MAX) or None,
               "read": False, "readAt": None, "source": source, "createdAt": self.clock.now()}
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
        query: dict[str, Any] = {"userId": user_id, "read": read}
        if after is not None:
            query["_id"] = {"$lt": after}
        return list(self.collection.find(query).sort("_id", DESCENDING).limit(limit))

    def _answer(self, docs: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
        return {"items": [self.public(d) for d in docs], "nextCursor": cursor}

    def unread_count(self, user_id: str) -> int:
        return self.collection.count_documents({"userId": user_id, "read": False}, limit=UNREAD_MAX)

    def mark(self, user_id: str, notification_id: str, read: bool) -> dict[str, Any]:
        doc = self.owned.find(user_id, notification_id)
        changes = {"read": read, "readAt": self.clock.now() if read else None}
        self.collection.update_one({"_id": doc["_id"], "userId": user_id}, {"$set": changes})
        return self.public({**doc, **changes})

    def mark_all_read(self, user_id: str) -> int:
        result = self.collection.update_many({"userId": user_id, "read": False},
                                             {"$set": {"read": True, "readAt": self.clock.now()}})
        return result.modified_count

    def delete(self, user_id: str, notification_id: str) -> None:
        doc = self.owned.find(user_id, notification_id)
        self.collection.delete_one({"_id": doc["_id"], "userId": user_id})

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "type": doc["type"], "title": doc["title"],
                "body": doc.get("body", ""), "url": doc.get("url"), "read": bool(doc["read"]),
                "readAt": doc.get("readAt"), "createdAt": doc["createdAt"]}
