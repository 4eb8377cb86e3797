"""Pipeline figures kept on write, so reading them never grows with the user's history.

- ``jobsearch_pipeline_stats``: one document per user (``_id`` = the user id): how many of the
  user's applications reached each stage (``reached_<stage>``) and the tailored-resume match
  scores (``match_sum``, ``match_count``, ``match_<band>``).
- ``jobsearch_pipeline_weeks``: one document per user and ISO week (``_id`` = ``user|week``):
  how many applications reached *Applied* that week.

An application records the stages it reached (``funnel``) and when it reached Applied
(``appliedAt``), so a stage is counted once per application however often the card moves, and
deleting it takes exactly its own counts back. Applications stored before these fields existed
count from their next stage move. Field names are flat: nx-27017 stores the dotted paths of an
upsert that inserts as flat keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from lightninghire.api import recent_weeks, week_key

STATS = "jobsearch_pipeline_stats"
WEEKS = "jobsearch_pipeline_weeks"
# PRODUCT §3.1/§6.9: the funnel Applied -> Screening -> Interviewing -> Offer (+ Accepted);
# Rejected and Withdrawn are counted apart, never as a funnel step.
LADDER = ("applied", "screening", "interviewing", "offer", "accepted")
OUTCOMES = ("rejected", "withdrawn")
# PRODUCT §6.9: the tailored-resume match bands.
BANDS = (("85+", 85), ("70-84", 70), ("<70", 0))


def stages_reached(status: str) -> list[str]:
    """The funnel stages a card in ``status`` has passed: a card created as Interviewing was
    applied for and screened; Saved reaches none; Rejected and Withdrawn only themselves."""
    if status in LADDER:
        return list(LADDER[: LADDER.index(status) + 1])
    return [status] if status in OUTCOMES else []


def band_of(score: float) -> str:
    return next(name for name, low in BANDS if score >= low)


def _field(band: str) -> str:
    return {"85+": "match_high", "70-84": "match_mid", "<70": "match_low"}[band]


class PipelineStats:
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

    # -- on write -------------------------------------------------------------------------------

    def count(self, user_id: str, stages: Iterable[str], applied_at: datetime | None,
              delta: int) -> None:
        """Add ``delta`` (1, or -1 on delete) to each stage and to the Applied week."""
        stages = [s for s in stages if s in LADDER or s in OUTCOMES]
        if stages:
            self._upsert(self.stats, {"_id": user_id},
                                  {"$inc": {f"reached_{s}": delta for s in stages},
                                   "$set": {"userId": user_id}})
        if applied_at is not None and "applied" in stages:
            week = week_key(applied_at)
            self._upsert(self.weeks, {"_id": f"{user_id}|{week}"},
                                  {"$inc": {"applied": delta},
                                   "$set": {"userId": user_id, "week": week}})

    def match(self, user_id: str, score: float) -> None:
        self._upsert(self.stats, {"_id": user_id},
                              {"$inc": {"match_sum": score, "match_count": 1,
                                        _field(band_of(score)): 1},
                               "$set": {"userId": user_id}})

    # -- reading: two lookups by _id ------------------------------------------------------------

    def section(self, user_id: str, now: datetime, weeks: int, detail: bool) -> dict[str, Any]:
        doc: Mapping[str, Any] = self.stats.find_one({"_id": user_id}) or {}
        reached = {s: max(0, int(doc.get(f"reached_{s}", 0))) for s in (*LADDER, *OUTCOMES)}
        funnel, previous = [], None
        for stage in LADDER:
            count = reached[stage]
            rate = None if previous is None or not previous else round(count / previous, 3)
            funnel.append({"stage": stage, "count": count, "conversion": rate})
            previous = count
        applied = reached["applied"]
        out: dict[str, Any] = {
            "funnel": funnel,
            "rejected": reached["rejected"], "withdrawn": reached["withdrawn"],
            "offerRate": round(reached["offer"] / applied, 3) if applied else None,
        }
        if not detail:
            return out
        keys = recent_weeks(now, weeks)
        found = {d["_id"]: d for d in self.weeks.find(
            {"_id": {"$in": [f"{user_id}|{key}" for key, _ in keys]}})}
        out["applicationsPerWeek"] = [
            {"week": key, "start": start.isoformat(),
             "count": max(0, int(found.get(f"{user_id}|{key}", {}).get("applied", 0)))}
            for key, start in keys]
        count = int(doc.get("match_count", 0))
        average = round(doc.get("match_sum", 0) / count, 1) if count else None
        out["match"] = {
            "average": average, "band": band_of(average) if average is not None else None,
            "count": count,
            "bands": {name: int(doc.get(_field(name), 0)) for name, _ in BANDS},
        }
        return out
