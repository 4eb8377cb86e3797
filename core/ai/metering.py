"""``ai_calls``: one document per task run, with the outcome of each provider attempt.

What is kept: who (``userId`` as a string, like every owner field), which task, provider and
model, tokens, latency, status (``ok`` / ``repaired`` / ``failed``), the failure ``reason`` and
each attempt (``answer`` or ``repair``: outcome, HTTP status, latency). Never a key, never a
provider's error body; the prompt and reply texts only when ``ai.log_prompts`` is on (they hold
user data). Documents expire after ``RETENTION``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import PyMongoError

if TYPE_CHECKING:
    from lightninghire.clock import Clock
    from lightninghire.db import Database

log = logging.getLogger(__name__)

AI_CALLS = "ai_calls"
RETENTION = timedelta(days=180)
INDEXES = (
    IndexModel([("at", ASCENDING)], expireAfterSeconds=int(RETENTION.total_seconds())),
    IndexModel([("userId", ASCENDING), ("at", DESCENDING)]),  # a user's usage
    IndexModel([("task", ASCENDING), ("at", DESCENDING)]),  # a task's cost and failure rate
)
OK, REPAIRED, FAILED = "ok", "repaired", "failed"


@dataclass
class CallRecord:
    """What one ``AiClient.run`` did, filled in as it goes and saved once at the end."""

    task: str
    provider: str
    model: str
    user_id: str | None
    at: datetime
    status: str = OK
    reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
    attempts: list[dict[str, Any]] = field(default_factory=list)
    prompt: dict[str, str] | None = None
    replies: list[str] = field(default_factory=list)

    def attempt(self, step: str, outcome: str, *, latency_ms: int, http_status: int | None = None,
                input_tokens: int = 0, output_tokens: int = 0, wait_ms: int = 0) -> None:
        """One request; ``wait_ms`` is the time waited before it (a retry's backoff)."""
        self.attempts.append({"step": step, "outcome": outcome, "httpStatus": http_status,
                              "latencyMs": latency_ms, "waitMs": wait_ms})
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens

    def last_was_invalid(self) -> None:
        """The last attempt answered, but its answer failed validation."""
        self.attempts[-1]["outcome"] = "invalid"

    def fail(self, reason: str) -> None:
        self.status, self.reason = FAILED, reason

    def document(self, *, with_prompts: bool) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "userId": self.user_id,
            "task": self.task,
            "provider": self.provider,
            "model": self.model,
            "status": self.status,
            "reason": self.reason,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "latencyMs": self.latency_ms,
            "attempts": self.attempts,
            "at": self.at,
        }
        if with_prompts and self.prompt is not None:
            doc["prompt"] = dict(self.prompt)
            doc["replies"] = list(self.replies)
        return doc


class CallMeter:
    """Writes ``CallRecord``s to ``ai_calls`` (without a database, e.g. in a script, it writes
    nothing)."""

    def __init__(self, db: Database | None, clock: Clock, *, log_prompts: bool = False) -> None:
        self.db = db
        self.clock = clock
        self.log_prompts = log_prompts
        # Set by the app to its background worker: the record is then written after the answer
        # (metering is bookkeeping; the id is chosen here, so callers still get it at once).
        self.defer: Callable[..., None] | None = None

    def start(self, task: str, provider: str, model: str,
              user: Mapping[str, Any] | None) -> CallRecord:
        user_id = str(user["_id"]) if user is not None and "_id" in user else None
        return CallRecord(task, provider, model, user_id, self.clock.now())

    def save(self, record: CallRecord) -> str | None:
        """The new document's id, or ``None`` when it could not be written (logged: the answer
        the user already paid for in time is still returned)."""
        if self.db is None:
            return None
        doc = {"_id": ObjectId(), **record.document(with_prompts=self.log_prompts)}
        if self.defer is not None:
            self.defer(self._insert, doc, record.task)
            return str(doc["_id"])
        return str(doc["_id"]) if self._insert(doc, record.task) else None

    def _insert(self, doc: dict[str, Any], task: str) -> bool:
        assert self.db is not None
        try:
            self.db[AI_CALLS].insert_one(doc)
        except PyMongoError as exc:
            log.error("ai_calls: could not record a %s call (%s)", task, type(exc).__name__)
            return False
        return True

    def ensure_indexes(self) -> None:
        if self.db is not None:
            self.db[AI_CALLS].create_indexes(list(INDEXES))
