"""The question bank as one user sees it: the shipped bank plus the user's own questions (from
mocks, live sessions or typed in), bookmarks and practice status, and the practice history that
mocks record (every scored answer)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from lightninghire.api import NotFound, ValidationFailed
from lightninghire_plugins.interview.analytics.stats import PracticeStats
from lightninghire_plugins.interview.questions import bank

USER_QUESTIONS = "interview_user_questions"
MARKS = "interview_question_marks"
PRACTICE = "interview_practice"
COLLECTIONS = {
    USER_QUESTIONS: [IndexModel([("userId", ASCENDING), ("textKey", ASCENDING)], unique=True)],
    MARKS: [IndexModel([("userId", ASCENDING), ("questionId", ASCENDING)], unique=True)],
    PRACTICE: [IndexModel([("userId", ASCENDING), ("questionId", ASCENDING)]),
               IndexModel([("userId", ASCENDING), ("at", DESCENDING)]),
               # The embedded server uses a compound index only when every key is given.
               IndexModel([("userId", ASCENDING)])],
}
PRACTICE_WINDOW = 1000  # attempts that speak for a user's progress
MAX_USER_QUESTIONS = 2000  # a bound, so listing one user's bank stays one cheap read
SORTS = ("default", "weakest", "least_practiced", "recent")
STATUSES = ("new", "practicing", "confident")


def _key(text: str) -> str:
    return " ".join(text.lower().split())


class QuestionService:
    def __init__(self, db: Any, clock: Any, defer: Callable[..., None] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.stats = PracticeStats(db, defer)

    # -- the user's own questions ---------------------------------------------------------------

    def ensure_user_question(self, user_id: str, text: str, category: str, source: str,
                             **context: Any) -> str:
        """The id of the user's question with this text, created if new (idempotent)."""
        questions = self.db[USER_QUESTIONS]
        key = _key(text)
        found = questions.find_one({"userId": user_id, "textKey": key}, {"_id": 1})
        if found:
            return str(found["_id"])
        if questions.count_documents({"userId": user_id},
                                     limit=MAX_USER_QUESTIONS) >= MAX_USER_QUESTIONS:
            raise ValidationFailed({"text": [f"At most {MAX_USER_QUESTIONS} own questions."]},
                                   "Your question bank is full: delete some questions first.")
        doc = {"userId": user_id, "text": text, "textKey": key, "category": category,
               "source": source, "tags": [], "createdAt": self.clock.now(), **context}
        try:
            return str(questions.insert_one(doc).inserted_id)
        except DuplicateKeyError:  # the same text added by a concurrent request
            found = questions.find_one({"userId": user_id, "textKey": key}, {"_id": 1})
            return str(found["_id"])

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        question_id = self.ensure_user_question(user_id, body["text"], body["category"],
                                                "custom", tags=body["tags"])
        return self.get(user_id, question_id)

    def delete(self, user_id: str, question_id: str) -> None:
        if not ObjectId.is_valid(question_id) or not self.db[USER_QUESTIONS].delete_one(
                {"_id": ObjectId(question_id), "userId": user_id}).deleted_count:
            raise NotFound("No such question of yours (bank questions cannot be deleted).")
        self.db[MARKS].delete_many({"userId": user_id, "questionId": question_id})
        self.db[PRACTICE].delete_many({"userId": user_id, "questionId": question_id})

    # -- practice and marks ---------------------------------------------------------------------

    def record_practice(self, user_id: str, question_id: str, text: str, category: str,
                        score: float, source: str, ref: str) -> None:
        now = self.clock.now()
        first_time = self.db[PRACTICE].find_one({"userId": user_id, "questionId": question_id},
                                                {"_id": 1}) is None
        self.db[PRACTICE].insert_one({"userId": user_id, "questionId": question_id,
                                      "questionText": text, "category": category,
                                      "score": score, "source": source, "ref": ref, "at": now})
        self.stats.answer_scored(user_id, category, score, now, first_time)

    def mark(self, user_id: str, question_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        self._question(user_id, question_id)  # 404 for an unknown or another user's question
        update = {k: v for k, v in changes.items() if k in ("starred", "status", "note")}
        update["updatedAt"] = self.clock.now()
        self.db[MARKS].update_one({"userId": user_id, "questionId": question_id},
                                  {"$set": update}, upsert=True)
        return self.get(user_id, question_id)

    # -- reading --------------------------------------------------------------------------------

    def _question(self, user_id: str, question_id: str) -> dict[str, Any]:
        found = bank.by_id().get(question_id)
        if found:
            return found.public()
        if ObjectId.is_valid(question_id):
            doc = self.db[USER_QUESTIONS].find_one({"_id": ObjectId(question_id),
                                                    "userId": user_id})
            if doc:
                return self._own(doc)
        raise NotFound("No such question.")

    @staticmethod
    def _own(doc: Mapping[str, Any]) -> dict[str, Any]:
        look_for, structure = bank.GUIDANCE[doc["category"]]
        return {"id": str(doc["_id"]), "text": doc["text"], "category": doc["category"],
                "tags": doc.get("tags", []), "focusAreas": [], "source": doc["source"],
                "guidance": look_for, "answerTips": structure,
                "company": doc.get("company"), "role": doc.get("role")}

    def _practice(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """The user's most recent attempts (at most ``PRACTICE_WINDOW``: the cost of a mock or a
        bank listing never grows with years of practice), per question, oldest first."""
        history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        recent = list(self.db[PRACTICE].find({"userId": user_id}).sort("at", DESCENDING)
                      .limit(PRACTICE_WINDOW))
        for doc in reversed(recent):
            history[doc["questionId"]].append(doc)
        return history

    @staticmethod
    def _with_progress(question: dict[str, Any], attempts: list[dict[str, Any]],
                       mark: Mapping[str, Any] | None, full: bool = False) -> dict[str, Any]:
        scores = [a["score"] for a in attempts]
        question.update({
            "starred": bool(mark and mark.get("starred")),
            "status": (mark or {}).get("status") or ("practicing" if attempts else "new"),
            "note": (mark or {}).get("note"),
            "attemptCount": len(attempts),
            "latestScore": scores[-1] if scores else None,
            "bestScore": max(scores) if scores else None,
            "trend": (None if len(scores) < 2 else "up" if scores[-1] > scores[0]
                      else "down" if scores[-1] < scores[0] else "flat"),
            "lastPracticedAt": attempts[-1]["at"] if attempts else None,
        })
        if full:
            question["attempts"] = [{"score": a["score"], "source": a["source"],
                                     "ref": a.get("ref"), "at": a["at"]} for a in attempts]
        return question

    def get(self, user_id: str, question_id: str) -> dict[str, Any]:
        question = self._question(user_id, question_id)
        attempts = list(self.db[PRACTICE].find({"userId": user_id, "questionId": question_id})
                        .sort("at", ASCENDING))
        mark = self.db[MARKS].find_one({"userId": user_id, "questionId": question_id})
        return self._with_progress(question, attempts, mark, full=True)

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        """Bank and own questions, filtered, searched and sorted; ``cursor`` is an offset."""
        group = None
        if query.get("group"):
            group = bank.group(query["group"])
            if group is None:
                raise NotFound("No such question group.")
        candidates: list[dict[str, Any]] = []
        source = query.get("source") or "all"
        if source in ("all", "bank"):
            pool = [q for q in bank.questions() if group is None or bank.in_group(q, group)]
            if query.get("q"):
                ranked = {q.id: score for score, q in bank.search(query["q"])}
                pool = sorted((q for q in pool if q.id in ranked),
                              key=lambda q: (-ranked[q.id], q.id))
            candidates += [q.public() for q in pool]
        if source in ("all", "mine") and group is None:
            own = [self._own(d) for d in self.db[USER_QUESTIONS].find({"userId": user_id})
                   .sort("_id", DESCENDING).limit(MAX_USER_QUESTIONS)]
            if query.get("q"):
                words = query["q"].lower().split()
                own = [q for q in own if any(w in q["text"].lower() for w in words)]
            candidates = own + candidates
        history = self._practice(user_id)
        marks = {m["questionId"]: m for m in self.db[MARKS].find({"userId": user_id})}
        items = [self._with_progress(q, history.get(q["id"], []), marks.get(q["id"]))
                 for q in candidates
                 if (not query.get("category") or q["category"] == query["category"])
                 and (not query.get("focusArea") or query["focusArea"] in q["focusAreas"])]
        if query.get("starred") is not None:
            items = [q for q in items if q["starred"] == query["starred"]]
        if query.get("status"):
            items = [q for q in items if q["status"] == query["status"]]
        sort = query.get("sort") or "default"
        if sort == "weakest":
            items.sort(key=lambda q: (q["latestScore"] is None, q["latestScore"] or 0))
        elif sort == "least_practiced":
            items.sort(key=lambda q: q["attemptCount"])
        elif sort == "recent":
            items.sort(key=lambda q: (q["lastPracticedAt"] is None,
                                      -(q["lastPracticedAt"].timestamp()
                                        if q["lastPracticedAt"] else 0)))
        try:
            offset = int(query.get("cursor") or 0)
        except ValueError:
            raise ValidationFailed({"cursor": ["Not a valid cursor."]}) from None
        limit = query["limit"]
        page = items[offset: offset + limit]
        more = offset + limit < len(items)
        return {"items": page, "nextCursor": str(offset + limit) if more else None,
                "total": len(items)}

    def progress(self, user_id: str, items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``items`` (``{id, text, category}``, as a user's question group keeps them) as
        questions with the user's progress: three indexed reads whatever the bank's size."""
        ids = [i["id"] for i in items]
        own_ids = [ObjectId(i) for i in ids if i not in bank.by_id() and ObjectId.is_valid(i)]
        own = {str(d["_id"]): d for d in self.db[USER_QUESTIONS].find(
            {"_id": {"$in": own_ids}, "userId": user_id})} if own_ids else {}
        history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        recent = list(self.db[PRACTICE].find({"userId": user_id, "questionId": {"$in": ids}})
                      .sort("at", DESCENDING).limit(PRACTICE_WINDOW))
        for doc in reversed(recent):
            history[doc["questionId"]].append(doc)
        marks = {m["questionId"]: m for m in self.db[MARKS].find(
            {"userId": user_id, "questionId": {"$in": ids}})}
        out = []
        for item in items:
            found = bank.by_id().get(item["id"])
            if found is not None:
                question = found.public()
            elif item["id"] in own:
                question = self._own(own[item["id"]])
            else:  # an own question deleted since: the group's copy of its text
                question = self._own({"_id": item["id"], "text": item["text"],
                                      "category": item["category"], "source": "group"})
            out.append(self._with_progress(question, history.get(item["id"], []),
                                           marks.get(item["id"])))
        return out

    def groups(self) -> list[dict[str, Any]]:
        return bank.groups()

    def group(self, user_id: str, slug: str) -> dict[str, Any]:
        found = bank.group(slug)
        if found is None:
            raise NotFound("No such question group.")
        summary = next(g for g in bank.groups() if g["slug"] == slug)
        listed = self.list(user_id, {"group": slug, "source": "bank", "limit": 100,
                                     "cursor": None})
        return {**summary, "questions": listed["items"]}

    def recent_texts(self, user_id: str, limit: int = 40) -> list[str]:
        return [d["questionText"] for d in self.db[PRACTICE].find(
            {"userId": user_id}, {"questionText": 1}).sort("at", DESCENDING).limit(limit)]

