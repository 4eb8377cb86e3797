"""The persisted outbox, ``mail_outbox``: every message is stored before any delivery attempt.

A document moves ``queued -> sending -> sent``; a failed attempt puts it back to ``queued`` with
``nextAttemptAt`` pushed out by the backoff; after the last allowed attempt (or a permanent
refusal) it is ``dead`` and kept for an operator. ``suppressed`` records list mail that was not
sent because the recipient left the list.

Claiming is one atomic ``find_one_and_update`` that sets ``status=sending``, a fresh ``claim``
token and ``nextAttemptAt = now + claim time``, so any number of processes can deliver at once
and each message is attempted by one of them. A claimer that crashes simply lets its claim run
out: the message is due again and the next run retries it. Every later write names the claim, so
a claimer whose claim ran out cannot overwrite the newer attempt's outcome. Delivery is therefore
at least once (a crash between the SMTP server's "250 OK" and the status write resends); the
``Message-ID`` stays the same across attempts so receivers can tell.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.collection import Collection

from lightninghire.mail.message import Message

QUEUED, SENDING, SENT, DEAD, SUPPRESSED = "queued", "sending", "sent", "dead", "suppressed"
# Delay after the 1st, 2nd, ... failed attempt; the last one repeats.
DEFAULT_BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
    timedelta(hours=2), timedelta(hours=6), timedelta(hours=12),
)
DEFAULT_MAX_ATTEMPTS = 8  # with the backoff above: about 33 hours of trying
DEFAULT_CLAIM = timedelta(minutes=5)  # well above any SMTP timeout


def backoff_delay(failed_attempts: int, schedule: Sequence[timedelta] = DEFAULT_BACKOFF) -> timedelta:
    """How long to wait after the ``failed_attempts``-th failure."""
    return schedule[min(max(failed_attempts, 1), len(schedule)) - 1]


def to_document(message: Message, *, sender: str, list_name: str | None) -> dict[str, Any]:
    return {
        "to": message.to,
        "sender": sender,
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "replyTo": message.reply_to,
        # Pairs, not a sub-document: header names are not safe field names everywhere.
        "headers": [[name, value] for name, value in message.headers.items()],
        "list": list_name,
    }


def from_document(doc: dict[str, Any]) -> Message:
    return Message(to=doc["to"], subject=doc["subject"], text=doc["text"], html=doc.get("html"),
                   reply_to=doc.get("replyTo"), headers=dict(doc.get("headers") or []))


class Outbox:
    """Queries over ``mail_outbox``; the Mailer decides what happens to each message."""

    INDEXES = (
        IndexModel([("status", ASCENDING), ("nextAttemptAt", ASCENDING)]),  # what is due
        IndexModel([("status", ASCENDING), ("updatedAt", ASCENDING)]),  # what may be purged
    )

    def __init__(self, collection: Callable[[], Collection[dict[str, Any]]], *,
                 claim_time: timedelta) -> None:
        # Looked up on each use: the database client is per process (gunicorn forks after
        # create_app), so a Collection must never be kept from before the fork.
        self._collection = collection
        self.claim_time = claim_time

    @property
    def collection(self) -> Collection[dict[str, Any]]:
        return self._collection()

    def add(self, fields: dict[str, Any], now: datetime, *, claimed: bool) -> dict[str, Any]:
        """Store a new message. ``claimed`` stores it already claimed by the caller (attempt 1
        about to start), so no other process picks it up meanwhile; otherwise it is due now."""
        doc = {
            **fields,
            "_id": ObjectId(),
            "status": SENDING if claimed else QUEUED,
            "attempts": 1 if claimed else 0,
            "claim": uuid.uuid4().hex if claimed else None,
            "nextAttemptAt": now + self.claim_time if claimed else now,
            "createdAt": now,
            "updatedAt": now,
            "lastError": None,
            "sentAt": None,
        }
        self.collection.insert_one(doc)
        return doc

    def add_suppressed(self, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
        doc = {**fields, "_id": ObjectId(), "status": SUPPRESSED, "attempts": 0, "claim": None,
               "nextAttemptAt": None, "createdAt": now, "updatedAt": now, "lastError": None,
               "sentAt": None}
        self.collection.insert_one(doc)
        return doc

    def claim(self, now: datetime, max_attempts: int) -> dict[str, Any] | None:
        """Atomically take the most overdue message (or one whose claim ran out)."""
        return self.collection.find_one_and_update(
            {"status": {"$in": [QUEUED, SENDING]}, "nextAttemptAt": {"$lte": now},
             "attempts": {"$lt": max_attempts}},
            {"$set": {"status": SENDING, "claim": uuid.uuid4().hex,
                      "nextAttemptAt": now + self.claim_time, "updatedAt": now},
             "$inc": {"attempts": 1}},
            sort=[("nextAttemptAt", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    def bury_exhausted(self, now: datetime, max_attempts: int) -> int:
        """Dead-letter due messages with no attempt left: a claimer crashed on the last one, or
        ``max_attempts`` was lowered while they waited."""
        result = self.collection.update_many(
            {"status": {"$in": [QUEUED, SENDING]}, "nextAttemptAt": {"$lte": now},
             "attempts": {"$gte": max_attempts}},
            {"$set": {"status": DEAD, "claim": None, "nextAttemptAt": None, "updatedAt": now}})
        return result.modified_count

    def finish(self, doc: dict[str, Any], status: str, now: datetime, *,
               error: str | None = None, retry_at: datetime | None = None) -> bool:
        """Record the outcome of the attempt ``doc`` claimed; ``False`` if the claim was lost."""
        changes: dict[str, Any] = {"status": status, "claim": None, "updatedAt": now,
                                   "nextAttemptAt": retry_at}
        if status == SENT:
            changes["sentAt"] = now
        if error is not None:
            changes["lastError"] = error[:2000]
        result = self.collection.update_one({"_id": doc["_id"], "claim": doc["claim"]},
                                            {"$set": changes})
        return result.modified_count == 1

    def purge(self, older_than: datetime) -> int:
        """Delete sent and suppressed records last touched before ``older_than`` (never dead ones:
        those wait for a person)."""
        return self.collection.delete_many(
            {"status": {"$in": [SENT, SUPPRESSED]}, "updatedAt": {"$lt": older_than}}).deleted_count

    def requeue(self, message_id: str | ObjectId, now: datetime) -> bool:
        """Give a dead message a fresh set of attempts (an operator fixed the cause)."""
        result = self.collection.update_one(
            {"_id": ObjectId(message_id), "status": DEAD},
            {"$set": {"status": QUEUED, "attempts": 0, "nextAttemptAt": now, "updatedAt": now}})
        return result.modified_count == 1
