"""Scheduled interviews: CRUD, reminders 24 h and 1 h before (events, once each), ``.ics``
export and a private calendar feed behind a secret token."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from bson import ObjectId
from marshmallow import ValidationError
from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import NotFound, OwnedDocuments, ValidationFailed
from lightninghire_plugins.interview.common import (
    INTERVIEW_TYPES,
    ApplicationRefs,
    in_window,
)
from lightninghire_plugins.interview.interviews import ics

EVENTS = "interview_events"
FEED_TOKENS = "interview_calendar_tokens"
COLLECTIONS = {
    EVENTS: [IndexModel([("userId", ASCENDING), ("startsAt", ASCENDING)]),
             IndexModel([("startsAt", ASCENDING)])],
    FEED_TOKENS: [IndexModel([("tokenHash", ASCENDING)], unique=True),
                  IndexModel([("userId", ASCENDING)], unique=True)],
}
# (label, how long before the start, the field recording it was handled)
REMINDERS = (("24h", timedelta(hours=24), "reminded24hAt"), ("1h", timedelta(hours=1),
                                                            "reminded1hAt"))
FEED_PAST = timedelta(days=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime, zone: str) -> datetime:
    """The UTC instant to store (milliseconds, as BSON keeps them); 400 outside the window."""
    try:
        instant = in_window(value, zone)
    except ValidationError as exc:
        raise ValidationFailed({"startsAt": exc.messages}) from None
    return instant.replace(microsecond=value.microsecond // 1000 * 1000)


def _end(doc: Mapping[str, Any]) -> datetime:
    """When an interview ends; a row stored before the window existed (year 9999) ends at the
    last representable moment instead of overflowing."""
    try:
        return doc["startsAt"] + timedelta(minutes=doc.get("durationMinutes") or 60)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC)


@dataclass(eq=False)
class InterviewService:
    db: Any
    clock: Any
    events: Any
    public_url: str
    applications: ApplicationRefs

    def __post_init__(self) -> None:
        self.owned = OwnedDocuments(self.db[EVENTS], what="interview")
        self.host = urlparse(self.public_url).hostname or "lightninghire"
        self.public_url = self.public_url.rstrip("/")

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self.applications.check(user_id, [body["applicationId"]])
        now = self.clock.now()
        title = body["title"] or " ".join(filter(None, (
            body["company"], INTERVIEW_TYPES.get(body["type"] or "", ""), "interview"))) \
            .strip().capitalize()
        doc = {"userId": user_id, **{k: body[k] for k in (
            "timeZone", "durationMinutes", "company", "role", "type", "applicationId",
            "location", "link", "notes")},
            "title": title, "startsAt": _aware(body["startsAt"], body["timeZone"]),
            "interviewers": [dict(p) for p in body["interviewers"]],
            "reminded24hAt": None, "reminded1hAt": None, "createdAt": now, "updatedAt": now}
        doc["_id"] = self.db[EVENTS].insert_one(doc).inserted_id
        return self.public(doc)

    def get(self, user_id: str, event_id: str) -> dict[str, Any]:
        return self.public(self.owned.find(user_id, event_id))

    def update(self, user_id: str, event_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.owned.find(user_id, event_id)
        update = dict(changes)
        zone = update.get("timeZone", doc["timeZone"])
        if "interviewers" in update:
            update["interviewers"] = [dict(p) for p in update["interviewers"]]
        if "startsAt" in update:
            update["startsAt"] = _aware(update["startsAt"], zone)
            if update["startsAt"] != doc["startsAt"]:  # a new time deserves new reminders
                update.update({"reminded24hAt": None, "reminded1hAt": None})
        update["updatedAt"] = self.clock.now()
        self.db[EVENTS].update_one({"_id": doc["_id"], "userId": user_id}, {"$set": update})
        return self.public({**doc, **update})

    def delete(self, user_id: str, event_id: str) -> None:
        doc = self.owned.find(user_id, event_id)
        self.db[EVENTS].delete_one({"_id": doc["_id"], "userId": user_id})

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        """Chronological (upcoming: soonest first; past: latest first). The cursor is the last
        item's (start, id): each page is one indexed range read, however far the user pages."""
        now = self.clock.now()
        bounds: dict[str, Any] = {}
        order = ASCENDING
        if query["when"] == "upcoming":
            bounds["$gte"] = now - timedelta(hours=1)  # still on today
        elif query["when"] == "past":
            bounds["$lt"] = now
            order = DESCENDING
        filter_: dict[str, Any] = {"userId": user_id}
        if bounds:
            filter_["startsAt"] = bounds
        after = _cursor_position(query.get("cursor"))
        if after is not None:
            starts, last_id = after
            beyond = "$gt" if order == ASCENDING else "$lt"
            filter_["$or"] = [{"startsAt": {beyond: starts}},
                              {"startsAt": starts, "_id": {beyond: last_id}}]
        docs = list(self.db[EVENTS].find(filter_).sort([("startsAt", order), ("_id", order)])
                    .limit(query["limit"] + 1))
        more = len(docs) > query["limit"]
        page = docs[:query["limit"]]
        last = page[-1] if page else None
        return {"items": [self.public(d) for d in page],
                "nextCursor": _cursor_of(last) if more and last is not None else None}

    def upcoming(self, user_id: str, limit: int = 5, as_text: bool = True
                 ) -> list[dict[str, Any]]:
        """The next ``limit`` interviews; ``as_text=False`` keeps ``startsAt`` a datetime (the
        API's encoder writes it in the one time format)."""
        docs = self.db[EVENTS].find({"userId": user_id, "startsAt": {"$gte": self.clock.now()}})
        return [{"id": str(d["_id"]), "title": d["title"], "company": d["company"],
                 "role": d.get("role") or "", "type": d.get("type"),
                 "startsAt": d["startsAt"].isoformat() if as_text else d["startsAt"],
                 "timeZone": d.get("timeZone", "UTC"),
                 "durationMinutes": d.get("durationMinutes"), "location": d.get("location")}
                for d in docs.sort("startsAt", ASCENDING).limit(limit)]

    # -- calendar -------------------------------------------------------------------------------

    def ics(self, user_id: str, event_id: str) -> str:
        return ics.calendar([self.owned.find(user_id, event_id)], self.clock.now(), self.host)

    def rotate_feed(self, user_id: str) -> dict[str, str]:
        """A new secret feed URL; the previous one stops working."""
        token = secrets.token_urlsafe(24)
        self.db[FEED_TOKENS].update_one(
            {"userId": user_id}, {"$set": {"tokenHash": _hash(token),
                                           "createdAt": self.clock.now()}}, upsert=True)
        return {"token": token, "url": f"{self.public_url}/api/interviews/calendar/{token}"}

    def revoke_feed(self, user_id: str) -> None:
        self.db[FEED_TOKENS].delete_many({"userId": user_id})

    def feed(self, token: str) -> str:
        found = self.db[FEED_TOKENS].find_one({"tokenHash": _hash(token)})
        if found is None:
            raise NotFound("No such calendar feed.")
        docs = self.db[EVENTS].find({"userId": found["userId"],
                                     "startsAt": {"$gte": self.clock.now() - FEED_PAST}})
        return ics.calendar(docs.sort("startsAt", ASCENDING).limit(500), self.clock.now(),
                            self.host)

    # -- reminders ------------------------------------------------------------------------------

    def send_reminders(self, limit: int = 500) -> dict[str, int]:
        """Emit ``interview.reminder_due`` once per interview and offset; a reminder whose
        moment was missed (the interview was booked later, or the task was down) is skipped
        when a nearer one is due instead."""
        now = self.clock.now()
        counts = {"processed": 0, "sent": 0, "skipped": 0}
        for label, before, field in REMINDERS:
            due = self.db[EVENTS].find({"startsAt": {"$gt": now, "$lte": now + before},
                                        field: None}).limit(limit)
            for doc in list(due):
                counts["processed"] += 1
                # Claim it: only one run, on any worker, emits this reminder.
                claimed = self.db[EVENTS].update_one({"_id": doc["_id"], field: None},
                                                     {"$set": {field: now}})
                if not claimed.modified_count:
                    continue
                if label == "24h" and doc["startsAt"] <= now + REMINDERS[1][1]:
                    counts["skipped"] += 1  # the 1 h reminder is the useful one now
                    continue
                self.events.emit("interview.reminder_due", {
                    "interviewId": str(doc["_id"]), "offset": label, "title": doc["title"],
                    "company": doc["company"], "startsAt": doc["startsAt"].isoformat(),
                    "timeZone": doc["timeZone"], "localStart": self._local(doc),
                    "link": doc.get("link"), "location": doc.get("location") or ""},
                    user_id=doc["userId"])
                counts["sent"] += 1
        return counts

    @staticmethod
    def _local(doc: Mapping[str, Any]) -> str:
        try:
            local = doc["startsAt"].astimezone(ZoneInfo(doc["timeZone"]))
        except (OverflowError, ValueError, KeyError):
            # A row stored before the window existed (year 1, west of UTC): shown in UTC.
            local = doc["startsAt"].astimezone(UTC)
        return local.strftime("%Y-%m-%d %H:%M %Z")

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), **{k: doc.get(k) for k in (
            "title", "company", "role", "type", "applicationId", "startsAt", "timeZone",
            "durationMinutes", "interviewers", "location", "link", "notes", "createdAt")},
            "endsAt": _end(doc),
            "localStart": self._local(doc),
            "remindersSent": [label for label, _, field in REMINDERS if doc.get(field)]}


def _cursor_of(doc: Mapping[str, Any]) -> str:
    starts = doc["startsAt"]
    millis = int(starts.timestamp() * 1000) if isinstance(starts, datetime) else 0
    return f"{millis}.{doc['_id']}"


def _cursor_position(cursor: str | None) -> tuple[datetime, ObjectId] | None:
    if not cursor:
        return None
    millis, _, last_id = cursor.partition(".")
    return datetime.fromtimestamp(int(millis) / 1000, tz=UTC), ObjectId(last_id)
