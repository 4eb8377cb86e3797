"""Practice figures kept on write, so reading them never grows with the user's history.

- ``interview_practice_stats``: one document per user (``_id`` = the user id): mocks started and
  completed, the completed mocks' overall scores, scored answers, distinct questions practised,
  the scored answers' sum and count per question category, stories and live sessions.
- ``interview_practice_weeks``: one document per user and ISO week (``_id`` = ``user|week``):
  the scored answers' sum and count per category in that week (the trend).

Practice is history: deleting a mock keeps its figures (as it keeps the question bank's
practice history); the story count follows the stories there are. Field names are flat
(``sum_behavioral``): nx-27017 stores the dotted paths of an upsert that inserts as flat keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel

from lightninghire.api import recent_weeks, week_key
from lightninghire_plugins.interview.common import CATEGORIES

STATS = "interview_practice_stats"
WEEKS = "interview_practice_weeks"
COLLECTIONS = {STATS: [IndexModel([("userId", ASCENDING)])],
               WEEKS: [IndexModel([("userId", ASCENDING)])]}
COUNTS = {"mocksStarted": "mocks_started", "mocksCompleted": "mocks_completed",
          "answersScored": "answers", "questionsPracticed": "questions",
          "stories": "stories", "liveSessions": "sessions"}
WEAKEST = 3


def _average(total: float, count: int) -> float | None:
    return round(total / count, 1) if count else None


class PracticeStats:
    def __init__(self, db: Any, defer: Callable[..., None] | None = None) -> None:
        self.stats = db[STATS]
        self.weeks = db[WEEKS]
        # services.background.defer: the counters are bookkeeping the answer does not need, so
        # they are written after it (none: at once, as a script or a task would).
        self.defer = defer

    def _upsert(self, collection: Any, filter: Mapping[str, Any],
                update: Mapping[str, Any]) -> None:
        if self.defer is None:
            collection.update_one(filter, update, upsert=True)
        else:
            self.defer(collection.update_one, filter, update, upsert=True)

    def _add(self, user_id: str, changes: Mapping[str, float]) -> None:
        self._upsert(self.stats, {"_id": user_id},
                              {"$inc": dict(changes), "$set": {"userId": user_id}})

    # -- on write -------------------------------------------------------------------------------

    def mock_started(self, user_id: str) -> None:
        self._add(user_id, {"mocks_started": 1})

    def mock_completed(self, user_id: str, overall: float | None) -> None:
        changes: dict[str, float] = {"mocks_completed": 1}
        if overall is not None:
            changes.update({"mock_sum": overall, "mock_count": 1})
        self._add(user_id, changes)

    def answer_scored(self, user_id: str, category: str, score: float, at: datetime,
                      first_time: bool) -> None:
        """A scored answer: its category's sum and count, overall and in its week."""
        changes = {"answers": 1, f"sum_{category}": score, f"count_{category}": 1}
        if first_time:
            changes["questions"] = 1
        self._add(user_id, changes)
        week = week_key(at)
        self._upsert(self.weeks, {"_id": f"{user_id}|{week}"},
                              {"$inc": {f"sum_{category}": score, f"count_{category}": 1},
                               "$set": {"userId": user_id, "week": week}})

    def story(self, user_id: str, delta: int) -> None:
        self._add(user_id, {"stories": delta})

    def session_started(self, user_id: str) -> None:
        self._add(user_id, {"sessions": 1})

    # -- reading: two lookups by _id ------------------------------------------------------------

    def section(self, user_id: str, now: datetime, weeks: int, detail: bool) -> dict[str, Any]:
        doc: Mapping[str, Any] = self.stats.find_one({"_id": user_id}) or {}
        out: dict[str, Any] = {
            "counts": {name: max(0, int(doc.get(field, 0))) for name, field in COUNTS.items()},
            "averageMockScore": _average(doc.get("mock_sum", 0), int(doc.get("mock_count", 0))),
        }
        if not detail:
            return out
        categories = [{"category": c, "answers": int(doc.get(f"count_{c}", 0)),
                       "average": _average(doc.get(f"sum_{c}", 0), int(doc.get(f"count_{c}", 0)))}
                      for c in CATEGORIES]
        out["categories"] = categories
        practised = [c for c in categories if c["answers"]]
        out["weakestCategories"] = sorted(practised, key=lambda c: (c["average"],
                                                                    c["category"]))[:WEAKEST]
        keys = recent_weeks(now, weeks)
        found = {d["_id"]: d for d in self.weeks.find(
            {"_id": {"$in": [f"{user_id}|{key}" for key, _ in keys]}})}
        trend = []
        for key, start in keys:
            week = found.get(f"{user_id}|{key}", {})
            by_category = {c: _average(week.get(f"sum_{c}", 0), int(week.get(f"count_{c}", 0)))
                           for c in CATEGORIES if week.get(f"count_{c}")}
            total = sum(int(week.get(f"count_{c}", 0)) for c in CATEGORIES)
            overall = _average(sum(week.get(f"sum_{c}", 0) for c in CATEGORIES), total)
            trend.append({"week": key, "start": start.isoformat(), "answers": total,
                          "average": overall, "byCategory": by_category})
        out["scoreTrend"] = trend
        return out
