"""Live interview sessions: transcript segments, conversations (question/answer exchanges),
coaching, and a debrief when the session ends."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from lightninghire.api import AiUnavailable, Conflict, OwnedDocuments, ValidationFailed, given, paginate
from lightninghire_plugins.interview.analytics.stats import PracticeStats
from lightninghire_plugins.interview.common import ApplicationRefs
from lightninghire_plugins.interview.sessions import ai, analysis

log = logging.getLogger(__name__)

SESSIONS = "interview_sessions"
SEGMENTS = "interview_transcript_segments"
COLLECTIONS = {
    SESSIONS: [IndexModel([("userId", ASCENDING), ("startedAt", DESCENDING)])],
    SEGMENTS: [IndexModel([("sessionId", ASCENDING), ("seq", ASCENDING)], unique=True),
               IndexModel([("userId", ASCENDING)])],
}
MAX_SEGMENTS = 5000  # about three hours of speech: a bound on one session's transcript
LIVE, ENDED = "live", "ended"


@dataclass(eq=False)
class SessionService:
    db: Any
    clock: Any
    events: Any
    ai: Any
    best_story: Callable[[str, str], dict[str, Any] | None]
    mock_average: Callable[[str], float | None]
    applications: ApplicationRefs
    defer: Callable[..., None] | None = None  # services.background.defer, for the counters

    def __post_init__(self) -> None:
        self.owned = OwnedDocuments(self.db[SESSIONS], what="session")
        self.stats = PracticeStats(self.db, self.defer)

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self.applications.check(user_id, [body["applicationId"]])
        title = body["title"] or " - ".join(filter(None, (body["company"], body["role"]))) \
            or "Interview session"
        doc = {"userId": user_id, "title": title, "company": body["company"],
               "role": body["role"], "interviewType": body["interviewType"],
               "applicationId": body["applicationId"], "interviewers": body["interviewers"],
               "contextDocs": [dict(d) for d in body["contextDocs"]], "status": LIVE,
               "segmentCount": 0, "selfRating": None, "notes": "", "debrief": None,
               "metrics": None, "startedAt": self.clock.now(), "endedAt": None}
        doc["_id"] = self.db[SESSIONS].insert_one(doc).inserted_id
        self.stats.session_started(user_id)
        self.events.emit("interview.session_started",
                         {"sessionId": str(doc["_id"]),
                          "applicationId": body["applicationId"]}, user_id=user_id)
        return self.public(doc)

    def get(self, user_id: str, session_id: str) -> dict[str, Any]:
        return self.public(self.owned.find(user_id, session_id))

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter_ = {"userId": user_id, **given(query, "status")}
        return paginate(self.db[SESSIONS], filter_, limit=query["limit"],
                        cursor=query["cursor"], transform=self.public)

    def update(self, user_id: str, session_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.owned.find(user_id, session_id)
        if changes:
            self.db[SESSIONS].update_one({"_id": doc["_id"], "userId": user_id},
                                         {"$set": dict(changes)})
        return self.public({**doc, **changes})

    def delete(self, user_id: str, session_id: str) -> None:
        doc = self.owned.find(user_id, session_id)
        self.db[SEGMENTS].delete_many({"sessionId": str(doc["_id"]), "userId": user_id})
        self.db[SESSIONS].delete_one({"_id": doc["_id"], "userId": user_id})

    # -- transcript -----------------------------------------------------------------------------

    def append(self, user_id: str, session_id: str, segments: list[Mapping[str, Any]],
               ) -> dict[str, Any]:
        doc = self.owned.find(user_id, session_id)
        if doc["status"] != LIVE:
            raise Conflict("This session has ended; its transcript is closed.")
        for segment in segments:
            if segment["startMs"] is not None and segment["endMs"] is not None and \
                    segment["endMs"] < segment["startMs"]:
                raise ValidationFailed({"segments": ["endMs is before startMs."]})
        # Reserve sequence numbers atomically so concurrent appends never interleave badly.
        reserved = self.db[SESSIONS].find_one_and_update(
            {"_id": doc["_id"], "userId": user_id, "status": LIVE,
             "segmentCount": {"$lte": MAX_SEGMENTS - len(segments)}},
            {"$inc": {"segmentCount": len(segments)}}, projection={"segmentCount": 1})
        if reserved is None:
            raise Conflict(f"A session holds at most {MAX_SEGMENTS} transcript segments, or it "
                           f"has just ended.")
        first = reserved["segmentCount"] + 1
        now = self.clock.now()
        rows = [{"userId": user_id, "sessionId": str(doc["_id"]), "seq": first + i,
                 "speaker": s["speaker"], "text": s["text"], "startMs": s["startMs"],
                 "endMs": s["endMs"], "createdAt": now} for i, s in enumerate(segments)]
        try:
            self.db[SEGMENTS].insert_many(rows)
        except DuplicateKeyError:  # pragma: no cover - the reservation makes this unreachable
            raise Conflict("Transcript changed concurrently; send the segments again.") from None
        return {"items": [self._segment(r) for r in rows],
                "segmentCount": first + len(segments) - 1}

    def _segments(self, session_id: Any) -> list[dict[str, Any]]:
        return list(self.db[SEGMENTS].find({"sessionId": str(session_id)})
                    .sort("seq", ASCENDING).limit(MAX_SEGMENTS))

    @staticmethod
    def _segment(row: Mapping[str, Any]) -> dict[str, Any]:
        return {k: row.get(k) for k in ("seq", "speaker", "text", "startMs", "endMs")}

    def transcript(self, user_id: str, session_id: str, q: str | None = None,
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        doc = self.owned.find(user_id, session_id)
        rows = [self._segment(r) for r in self._segments(doc["_id"])]
        if q:
            rows = [r for r in rows if q.lower() in r["text"].lower()]
        return doc, rows

    @staticmethod
    def render(doc: Mapping[str, Any], rows: list[dict[str, Any]], markdown: bool) -> str:
        def stamp(ms: int | None) -> str:
            return "" if ms is None else f"[{ms // 60000:02d}:{ms // 1000 % 60:02d}] "

        started = doc["startedAt"].strftime("%Y-%m-%d %H:%M UTC")
        if markdown:
            lines = [f"# {doc['title']}", "", f"*{started}*", ""]
            lines += [f"**{r['speaker'].capitalize()}** {stamp(r['startMs'])}{r['text']}  "
                      for r in rows]
        else:
            lines = [doc["title"], started, ""]
            lines += [f"{stamp(r['startMs'])}{r['speaker'].capitalize()}: {r['text']}"
                      for r in rows]
        return "\n".join(lines) + "\n"

    def conversations(self, user_id: str, session_id: str) -> dict[str, Any]:
        doc = self.owned.find(user_id, session_id)
        return {"items": analysis.exchanges(self._segments(doc["_id"]))}

    # -- coaching and the end -------------------------------------------------------------------

    def coach(self, user: Mapping[str, Any], session_id: str, question: str | None,
              ) -> dict[str, Any]:
        user_id = str(user["_id"])
        doc = self.owned.find(user_id, session_id)
        found = analysis.exchanges(self._segments(doc["_id"]))
        if question is None:
            if not found:
                raise Conflict("No interviewer question in the transcript yet: send the "
                               "question in the body.")
            question = found[-1]["question"]
        so_far = found[-1]["answer"] if found and found[-1]["question"] == question else ""
        story = self.best_story(user_id, question)
        inputs = {"question": question, "category": analysis.category_of(question),
                  "company": doc["company"], "role": doc["role"], "answerSoFar": so_far,
                  "story": {k: story[k] for k in ("title", "situation", "task", "action",
                                                  "result")} if story else None}
        return self.ai.run(ai.COACH, inputs, user=user).data

    def end(self, user: Mapping[str, Any], session_id: str, self_rating: int | None,
            ) -> dict[str, Any]:
        """End the session with its debrief; ending twice returns the first debrief."""
        user_id = str(user["_id"])
        doc = self.owned.find(user_id, session_id)
        if doc["status"] == ENDED:
            return self.public(doc)
        now = self.clock.now()
        # Persist the end first: a failing debrief must not leave the session open.
        self.db[SESSIONS].update_one({"_id": doc["_id"], "userId": user_id},
                                     {"$set": {"status": ENDED, "endedAt": now,
                                               "selfRating": self_rating}})
        segments = self._segments(doc["_id"])
        metrics = analysis.metrics(segments)
        inputs = {"company": doc["company"], "role": doc["role"],
                  "exchanges": [{"question": e["question"], "answer": e["answer"],
                                 "category": e["category"]}
                                for e in analysis.exchanges(segments)[:60]],
                  "metrics": metrics, "mockAverage": self.mock_average(user_id),
                  "today": now.date().isoformat()}
        try:
            debrief = self.ai.run(ai.DEBRIEF, inputs, user=user).data
        except AiUnavailable:
            log.warning("session debrief fell back to the offline answer")
            debrief = ai.debrief_offline(ai.DebriefIn().load(inputs))
        for step in debrief.get("nextSteps", []):
            step["due"] = step["due"].isoformat()  # a date: BSON stores datetimes only
        self.db[SESSIONS].update_one({"_id": doc["_id"], "userId": user_id},
                                     {"$set": {"debrief": debrief, "metrics": metrics}})
        return self.get(user_id, session_id)

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), **{k: doc.get(k) for k in (
            "title", "company", "role", "interviewType", "applicationId", "interviewers",
            "contextDocs", "status", "segmentCount", "selfRating", "notes", "debrief",
            "metrics", "startedAt", "endedAt")}}

    def recent(self, user_id: str, limit: int = 3) -> list[dict[str, Any]]:
        return [{"title": d["title"], "status": d["status"], "at": d["startedAt"].isoformat()}
                for d in self.db[SESSIONS].find({"userId": user_id}).sort("_id", DESCENDING)
                .limit(limit)]
