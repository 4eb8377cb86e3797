"""Mock interviews: generated questions, per-answer scoring, completion with a debrief."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from lightninghire.api import AiUnavailable, Conflict, NotFound, OwnedDocuments, given, paginate
from lightninghire_plugins.interview import scoring
from lightninghire_plugins.interview.analytics.stats import PracticeStats
from lightninghire_plugins.interview.common import ApplicationRefs
from lightninghire_plugins.interview.mock import ai
from lightninghire_plugins.interview.questions.service import QuestionService

log = logging.getLogger(__name__)

MOCKS = "interview_mocks"
ANSWERS = "interview_mock_answers"
COLLECTIONS = {
    MOCKS: [IndexModel([("userId", ASCENDING)]),  # the list and the CSV export, by owner
            IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)]),
            IndexModel([("userId", ASCENDING), ("status", ASCENDING)])],
    ANSWERS: [IndexModel([("mockId", ASCENDING), ("questionId", ASCENDING),
                          ("attempt", ASCENDING)], unique=True),
              IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)])],
}
MAX_ATTEMPTS = 3  # per question: scoring is not metered, so it is bounded here
IN_PROGRESS, COMPLETED = "in_progress", "completed"


@dataclass(eq=False)
class MockService:
    db: Any
    clock: Any
    events: Any
    ai: Any
    questions: QuestionService
    applications: ApplicationRefs
    defer: Callable[..., None] | None = None  # services.background.defer, for the counters

    def __post_init__(self) -> None:
        self.owned = OwnedDocuments(self.db[MOCKS], what="mock interview")
        self.stats = PracticeStats(self.db, self.defer)

    # -- create ---------------------------------------------------------------------------------

    def create(self, user: Mapping[str, Any], body: Mapping[str, Any],
               questions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A new mock: its questions generated for the company, role and type, or the given
        ``questions`` (``{id, text, category, focusArea, guidance}``, a question group's)."""
        user_id = str(user["_id"])
        self.applications.check(user_id, [body["applicationId"]])  # before any AI call
        if questions is None:
            questions = self._generate(user, body)
        doc = {"userId": user_id, "company": body["company"], "role": body["role"],
               "interviewType": body["interviewType"], "seniority": body["seniority"],
               "focusAreas": body["focusAreas"], "applicationId": body["applicationId"],
               "groupId": body.get("groupId"),
               "status": IN_PROGRESS, "questions": questions, "overallScore": None,
               "debrief": None, "createdAt": self.clock.now(), "completedAt": None}
        doc["_id"] = self.db[MOCKS].insert_one(doc).inserted_id
        self.stats.mock_started(user_id)
        return self.public(doc, [])

    def _generate(self, user: Mapping[str, Any], body: Mapping[str, Any]
                  ) -> list[dict[str, Any]]:
        user_id = str(user["_id"])
        inputs = {"company": body["company"], "role": body["role"],
                  "interviewType": body["interviewType"], "seniority": body["seniority"],
                  "focusAreas": body["focusAreas"], "count": body["questionCount"],
                  "jobDescription": body["jobDescription"],
                  "avoid": self.questions.recent_texts(user_id)}
        generated = self.ai.run(ai.GENERATE, inputs, user=user).data["questions"]
        questions: list[dict[str, Any]] = []
        for item in generated[: body["questionCount"]]:
            question_id = item.get("bankId")
            if question_id is None or question_id in {q["id"] for q in questions}:
                # Company- and role-specific questions join the user's own bank (PRODUCT §2.4).
                question_id = self.questions.ensure_user_question(
                    user_id, item["text"], item["category"], "mock",
                    company=body["company"], role=body["role"])
            if question_id in {q["id"] for q in questions}:
                continue
            questions.append({"id": question_id, "text": item["text"],
                              "category": item["category"], "focusArea": item.get("focusArea"),
                              "guidance": item.get("guidance") or ""})
        return questions

    # -- read -----------------------------------------------------------------------------------

    def _answers(self, mock_id: Any) -> list[dict[str, Any]]:
        return list(self.db[ANSWERS].find({"mockId": str(mock_id)}).sort(
            [("questionId", ASCENDING), ("attempt", ASCENDING)]))

    @staticmethod
    def _latest(answers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Per question, its latest scored attempt."""
        latest: dict[str, dict[str, Any]] = {}
        for answer in answers:
            if answer["status"] == "scored":
                latest[answer["questionId"]] = answer
        return latest

    def get(self, user_id: str, mock_id: str) -> dict[str, Any]:
        doc = self.owned.find(user_id, mock_id)
        return self.public(doc, self._answers(doc["_id"]))

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter_ = {"userId": user_id, **given(query, "status")}
        return paginate(self.db[MOCKS], filter_, limit=query["limit"], cursor=query["cursor"],
                        transform=self.summary)

    def answers(self, user_id: str, mock_id: str) -> dict[str, Any]:
        doc = self.owned.find(user_id, mock_id)
        answers = self._answers(doc["_id"])
        scored: dict[str, int] = {}
        for answer in answers:
            scored[answer["questionId"]] = scored.get(answer["questionId"], 0) + (
                answer["status"] == "scored")
        return {"items": [self.public_answer(
            {**a, "attemptsLeft": MAX_ATTEMPTS - scored[a["questionId"]]}, doc) for a in answers]}

    def delete(self, user_id: str, mock_id: str) -> None:
        doc = self.owned.find(user_id, mock_id)
        self.db[ANSWERS].delete_many({"mockId": str(doc["_id"]), "userId": user_id})
        self.db[MOCKS].delete_one({"_id": doc["_id"], "userId": user_id})

    # -- answer ---------------------------------------------------------------------------------

    def answer(self, user: Mapping[str, Any], mock_id: str, body: Mapping[str, Any],
               ) -> dict[str, Any]:
        user_id = str(user["_id"])
        doc = self.owned.find(user_id, mock_id)
        if doc["status"] != IN_PROGRESS:
            raise Conflict("This mock interview is completed: start a new one to practise "
                           "again.")
        question = next((q for q in doc["questions"] if q["id"] == body["questionId"]), None)
        if question is None:
            raise NotFound("No such question in this mock interview.")
        earlier = list(self.db[ANSWERS].find({"mockId": str(doc["_id"]),
                                              "questionId": question["id"]}))
        scored = sum(1 for a in earlier if a["status"] == "scored")
        if scored >= MAX_ATTEMPTS:
            raise Conflict(f"You have answered this question {MAX_ATTEMPTS} times; move on to "
                           f"the next one.")
        # Persist first: an AI failure must not lose what the user typed.
        record = {"userId": user_id, "mockId": str(doc["_id"]), "questionId": question["id"],
                  "question": question["text"], "category": question["category"],
                  "answer": body["answer"], "attempt": len(earlier) + 1, "status": "pending",
                  "createdAt": self.clock.now()}
        try:
            record["_id"] = self.db[ANSWERS].insert_one(record).inserted_id
        except DuplicateKeyError:
            raise Conflict("Another answer to this question is being scored.") from None
        try:
            result = self.ai.run(ai.SCORE, {"question": question["text"],
                                            "answer": body["answer"],
                                            "category": question["category"],
                                            "interviewType": doc["interviewType"]},
                                 user=user).data
        except AiUnavailable:
            self.db[ANSWERS].update_one({"_id": record["_id"]}, {"$set": {"status": "failed"}})
            raise
        fields = {key: result[key] for key in ("scores", "overall", "rubric", "flags",
                                               "strengths", "improvements", "improvedAnswer")}
        fields["status"] = "scored"
        self.db[ANSWERS].update_one({"_id": record["_id"]}, {"$set": fields})
        record.update(fields)
        self.questions.record_practice(user_id, question["id"], question["text"],
                                       question["category"], result["overall"], "mock",
                                       str(doc["_id"]))
        answered = set(self._latest(self._answers(doc["_id"])))
        record["attemptsLeft"] = MAX_ATTEMPTS - scored - 1
        record["nextQuestionId"] = next((q["id"] for q in doc["questions"]
                                         if q["id"] not in answered), None)
        return self.public_answer(record, doc)

    # -- complete -------------------------------------------------------------------------------

    def complete(self, user: Mapping[str, Any], mock_id: str) -> dict[str, Any]:
        """Close the mock with its overall score and debrief; completing twice is harmless."""
        user_id = str(user["_id"])
        doc = self.owned.find(user_id, mock_id)
        answers = self._answers(doc["_id"])
        if doc["status"] == COMPLETED:
            return self.public(doc, answers)
        latest = list(self._latest(answers).values())
        facts = scoring.summarize(latest, len(doc["questions"]))
        inputs = {"company": doc["company"], "role": doc["role"],
                  "interviewType": doc["interviewType"], "total": len(doc["questions"]),
                  "answers": [{"question": a["question"], "category": a["category"],
                               "overall": a["overall"], "scores": a["scores"],
                               "flags": a.get("flags", [])} for a in latest]}
        try:
            text = self.ai.run(ai.DEBRIEF, inputs, user=user).data
        except AiUnavailable:
            # The user finished the mock: the scores are computed, the words come offline.
            log.warning("mock debrief fell back to the offline answer")
            text = ai.debrief_offline(inputs)
        now = self.clock.now()
        debrief = {**facts, **text}
        by_category: dict[str, list[float]] = {}
        for answer in latest:
            by_category.setdefault(answer["category"], []).append(answer["overall"])
        category_scores = {c: round(sum(v) / len(v), 1) for c, v in by_category.items()}
        changed = self.db[MOCKS].update_one(
            {"_id": doc["_id"], "userId": user_id, "status": IN_PROGRESS},
            {"$set": {"status": COMPLETED, "overallScore": facts["overallScore"],
                      "categoryScores": category_scores, "debrief": debrief,
                      "completedAt": now}})
        if changed.modified_count:  # a concurrent completion already counted and told
            self.stats.mock_completed(user_id, facts["overallScore"])
            self.events.emit("interview.mock_completed",
                             {"mockId": str(doc["_id"]), "overallScore": facts["overallScore"],
                              "interviewType": doc["interviewType"],
                              "applicationId": doc.get("applicationId")}, user_id=user_id)
        return self.get(user_id, mock_id)

    # -- shapes ---------------------------------------------------------------------------------

    def public(self, doc: Mapping[str, Any], answers: list[dict[str, Any]]) -> dict[str, Any]:
        latest = self._latest(answers)
        questions = [{**q, "answered": q["id"] in latest,
                      "overall": latest[q["id"]]["overall"] if q["id"] in latest else None}
                     for q in doc["questions"]]
        return {"id": str(doc["_id"]), "company": doc["company"], "role": doc["role"],
                "interviewType": doc["interviewType"], "seniority": doc.get("seniority"),
                "focusAreas": doc.get("focusAreas", []),
                "applicationId": doc.get("applicationId"), "groupId": doc.get("groupId"),
                "status": doc["status"], "questions": questions,
                "currentQuestionId": None if doc["status"] == COMPLETED else next(
                    (q["id"] for q in questions if not q["answered"]), None),
                "overallScore": doc.get("overallScore"), "debrief": doc.get("debrief"),
                "createdAt": doc["createdAt"], "completedAt": doc.get("completedAt")}

    @staticmethod
    def summary(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "company": doc["company"], "role": doc["role"],
                "interviewType": doc["interviewType"], "status": doc["status"],
                "questionCount": len(doc["questions"]), "overallScore": doc.get("overallScore"),
                "createdAt": doc["createdAt"], "completedAt": doc.get("completedAt")}

    @staticmethod
    def public_answer(answer: Mapping[str, Any], mock: Mapping[str, Any]) -> dict[str, Any]:
        out = {key: answer.get(key) for key in (
            "questionId", "question", "answer", "attempt", "status", "scores", "overall",
            "improvedAnswer", "createdAt", "nextQuestionId")}
        out.update({"id": str(answer["_id"]), "mockId": str(mock["_id"]),
                    "rubric": answer.get("rubric", []), "flags": answer.get("flags", []),
                    "strengths": answer.get("strengths", []),
                    "improvements": answer.get("improvements", []),
                    "attemptsLeft": answer.get("attemptsLeft", 0)})
        return out

    def average(self, user_id: str, limit: int = 10) -> float | None:
        """The mean overall score of the user's latest completed mocks (for comparisons)."""
        scores = [d["overallScore"] for d in self.db[MOCKS].find(
            {"userId": user_id, "status": COMPLETED}).sort("_id", DESCENDING).limit(limit)
            if d.get("overallScore") is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    # -- other plugins --------------------------------------------------------------------------

    def recent(self, user_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """The latest mocks, each completed one with what its debrief found (the dimension
        averages, the commonest flags, what to practise next): what a question about "my mock
        feedback" is answered from."""
        out = []
        for d in self.db[MOCKS].find({"userId": user_id}).sort("_id", DESCENDING).limit(limit):
            mock = {"id": str(d["_id"]), "company": d["company"], "role": d["role"],
                    "interviewType": d["interviewType"], "status": d["status"],
                    "overallScore": d.get("overallScore"), "at": d["createdAt"].isoformat()}
            debrief = d.get("debrief") or {}
            if d["status"] == COMPLETED and debrief:
                mock.update({
                    "completedAt": d["completedAt"].isoformat() if d.get("completedAt") else None,
                    "dimensionAverages": debrief.get("dimensionAverages") or {},
                    "commonFlags": [f["flag"] for f in debrief.get("commonFlags") or []],
                    "focusNext": list(debrief.get("focusNext") or [])[:4],
                    "answered": debrief.get("answered"), "total": debrief.get("total")})
            out.append(mock)
        return out

