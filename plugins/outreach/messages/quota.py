"""How many outreach emails a user may send per UTC day from the platform's sender.

Every tier has a limit (``[plugins.outreach] daily_sends = {free = 10, pro = 50, ...}``): the
platform's address and reputation are shared, so even Pro cannot mail arbitrary addresses
without end. Each send takes one unit from a per-user, per-day counter document
(``_id = "<userId>:<YYYY-MM-DD>"``) with one atomic conditional update, ``count < limit``, so
concurrent requests on any number of workers never exceed it. Counter documents expire two days
after their day (TTL index).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from lightninghire.api import RateLimited, StartupError

SENDS = "outreach_daily_sends"
INDEXES = [IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),
           IndexModel([("userId", ASCENDING)])]
DEFAULT_DAILY_SENDS = {"free": 10, "pro": 50, "recruiter_free": 10, "recruiter_pro": 50}


def daily_limits(configured: Any) -> dict[str, int]:
    """The defaults overlaid with ``daily_sends`` from the plugin settings; a bad value stops
    startup naming the setting."""
    if configured is None:
        return dict(DEFAULT_DAILY_SENDS)
    if not isinstance(configured, Mapping):
        raise StartupError("plugins.outreach.daily_sends must be a table of tier = number")
    limits = dict(DEFAULT_DAILY_SENDS)
    for tier, value in configured.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise StartupError(f"plugins.outreach.daily_sends.{tier} must be a whole number "
                               f">= 0, not {value!r}")
        limits[str(tier)] = value
    return limits


def next_midnight(now: datetime) -> datetime:
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1)


class DailySends:
    def __init__(self, collection: Any, clock: Any, limits: Mapping[str, int],
                 tier_of: Callable[[Mapping[str, Any]], str]) -> None:
        self.collection = collection
        self.clock = clock
        self.limits = dict(limits)
        self.tier_of = tier_of  # the user's column of the limits table (billing included)

    def limit_for(self, user: Mapping[str, Any]) -> int:
        return self.limits.get(self.tier_of(user), self.limits["free"])

    def _key(self, user: Mapping[str, Any], now: datetime) -> str:
        return f"{user['_id']}:{now.astimezone(UTC).date().isoformat()}"

    def try_take(self, user: Mapping[str, Any]) -> bool:
        """Take one send from today's allowance; False when it is spent."""
        limit = self.limit_for(user)
        if limit <= 0:
            return False
        now = self.clock.now()
        key = self._key(user, now)
        wanted = {"_id": key, "count": {"$lt": limit}}
        step = {"$inc": {"count": 1}}
        try:
            # One conditional update: counts the send, or matches nothing when the day's
            # allowance is spent (the upsert then collides with the existing document).
            done = self.collection.update_one(wanted, {**step, "$setOnInsert": {
                "userId": str(user["_id"]), "day": key.rsplit(":", 1)[1],
                "expiresAt": next_midnight(now) + timedelta(days=1)}}, upsert=True)
        except DuplicateKeyError:
            # Spent, or a concurrent first send of the day created the document: once more,
            # without the upsert, to tell which.
            done = self.collection.update_one(wanted, step)
        return bool(done.upserted_id is not None or done.modified_count)

    def take(self, user: Mapping[str, Any]) -> None:
        """``try_take``, or 429 with ``Retry-After`` until the next UTC midnight."""
        if not self.try_take(user):
            now = self.clock.now()
            limit = self.limit_for(user)
            raise RateLimited((next_midnight(now) - now).total_seconds(),
                              f"You have sent today's {limit} outreach emails from "
                              f"LightningHire (the daily limit of your plan); send more after "
                              f"midnight UTC, or from your own mailbox.")

    def give_back(self, user: Mapping[str, Any]) -> None:
        """Return a unit taken for a send that did not happen."""
        self.collection.update_one({"_id": self._key(user, self.clock.now()),
                                    "count": {"$gt": 0}}, {"$inc": {"count": -1}})
