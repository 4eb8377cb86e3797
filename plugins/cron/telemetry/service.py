"""Telemetry ingest and the aggregated admin view. Stored: the event name, its props, the
client's timestamp, who sent it (user id when signed in, else the client's anonymous id) and
when it arrived; never the IP address or user agent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel

from lightninghire_plugins.cron.engagement.store import day_of

COLLECTION = "telemetry_events"
INDEXES = (
    IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),
    IndexModel([("receivedAt", ASCENDING)]),
    IndexModel([("userId", ASCENDING)]),
)


class TelemetryService:
    def __init__(self, db: Any, clock: Any, retention_days: int) -> None:
        self.db = db
        self.clock = clock
        self.retention = timedelta(days=retention_days)

    @property
    def collection(self) -> Any:
        return self.db[COLLECTION]

    def ingest(self, body: Mapping[str, Any], user: Mapping[str, Any] | None,
               do_not_track: bool) -> dict[str, Any]:
        events = body["events"]
        if do_not_track:
            return {"accepted": 0, "dropped": len(events), "reason": "do-not-track"}
        if user is not None and (user.get("settings") or {}).get("analyticsOptOut"):
            return {"accepted": 0, "dropped": len(events), "reason": "opted-out"}
        now = self.clock.now()
        user_id = str(user["_id"]) if user is not None else None
        docs = [{"name": event["name"], "props": event["props"], "clientTs": event["ts"],
                 "userId": user_id, "anonymousId": body["anonymousId"],
                 "receivedAt": now, "day": day_of(now), "expiresAt": now + self.retention}
                for event in events]
        self.collection.insert_many(docs, ordered=False)
        return {"accepted": len(docs), "dropped": 0, "reason": None}

    def stats(self, days: int, name: str | None = None) -> dict[str, Any]:
        """Counts per event name and per UTC day, over the last ``days`` UTC days (today
        included)."""
        now = self.clock.now()
        since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
        # Matched on the stored day string: nx-27017's aggregation does not compare dates.
        match: dict[str, Any] = {"day": {"$gte": day_of(since)}}
        if name:
            match["name"] = name
        # Two single-key groups: nx-27017 does not evaluate a compound group key.
        by_name = self._count_by("$name", match)
        by_day = self._count_by("$day", match)
        events = [{"name": n, "count": c}
                  for n, c in sorted(by_name.items(), key=lambda item: (-item[1], item[0]))]
        return {"since": since, "to": now, "total": sum(by_name.values()), "events": events,
                "byDay": [{"date": d, "count": by_day[d]} for d in sorted(by_day)]}

    def _count_by(self, key: str, match: dict[str, Any]) -> dict[str, int]:
        rows = self.collection.aggregate([{"$match": match},
                                          {"$group": {"_id": key, "count": {"$sum": 1}}}])
        return {row["_id"]: row["count"] for row in rows}
