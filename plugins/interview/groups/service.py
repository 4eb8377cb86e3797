"""User-made question groups: create, read, rename, reorder, delete; a read-only share link
(a random token, stored hashed); practice as a mock interview through ``MockService.create``.

A group holds its questions in order as ``{id, text, category}``: a bank question's id, or the
id of one of the owner's own questions (custom texts become own questions, source ``group``).
The text is kept with the id, so a shared group reads in one lookup and a group survives the
deletion of an own question.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from lightninghire.api import NotFound, OwnedDocuments, ValidationFailed, paginate
from lightninghire_plugins.interview.mock.service import MockService
from lightninghire_plugins.interview.questions import bank
from lightninghire_plugins.interview.questions.service import USER_QUESTIONS, QuestionService

GROUPS = "interview_question_groups"
GROUP_COUNTS = "interview_question_group_counts"
GROUP_SHARES = "interview_question_group_shares"
COLLECTIONS = {
    GROUPS: [IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)]),
             IndexModel([("userId", ASCENDING)])],
    # One document per user (_id = the user's id): how many groups they have, for the cap.
    GROUP_COUNTS: [IndexModel([("userId", ASCENDING)])],
    GROUP_SHARES: [IndexModel([("tokenHash", ASCENDING)], unique=True),
                   IndexModel([("groupId", ASCENDING)], unique=True),
                   IndexModel([("userId", ASCENDING)])],
}
MAX_GROUPS = 50  # per user
MAX_QUESTIONS = 30  # per group
MOCK_MAX_QUESTIONS = 10  # a mock interview takes at most this many (PRODUCT §10.5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class GroupService(OwnedDocuments):
    def __init__(self, db: Any, clock: Any, questions: QuestionService, mocks: MockService,
                 public_url: str) -> None:
        super().__init__(db[GROUPS], what="question group")
        self.db = db
        self.clock = clock
        self.questions = questions
        self.mocks = mocks
        self.public_url = public_url.rstrip("/")

    # -- questions of a body --------------------------------------------------------------------

    def _resolve(self, user_id: str, items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Body items (``{questionId}`` or ``{text, category}``) as stored ``{id, text,
        category}``. Every id is checked before anything is written: an unknown or another
        user's question id is a 404; then the custom texts join the user's bank."""
        wanted = [i["questionId"] for i in items
                  if i.get("questionId") and i["questionId"] not in bank.by_id()]
        own_ids = [ObjectId(i) for i in wanted if ObjectId.is_valid(i)]
        own = {str(d["_id"]): d for d in self.db[USER_QUESTIONS].find(
            {"_id": {"$in": own_ids}, "userId": user_id}, {"text": 1, "category": 1})} \
            if own_ids else {}
        missing = [i for i in wanted if i not in own]
        if missing:
            raise NotFound(f"No such question: {missing[0]}.")
        ids = [i.get("questionId") for i in items if i.get("questionId")]
        if len(set(ids)) != len(ids):
            raise ValidationFailed({"questions": ["A question appears twice in the group."]})
        resolved: list[dict[str, Any]] = []
        for item in items:
            question_id = item.get("questionId")
            found = bank.by_id().get(question_id) if question_id else None
            if found is not None:
                resolved.append({"id": found.id, "text": found.text, "category": found.category})
            elif question_id:
                doc = own[question_id]
                resolved.append({"id": question_id, "text": doc["text"],
                                 "category": doc["category"]})
            else:
                new_id = self.questions.ensure_user_question(user_id, item["text"],
                                                             item["category"], "group")
                resolved.append({"id": new_id, "text": item["text"],
                                 "category": item["category"]})
        ids = [q["id"] for q in resolved]
        if len(set(ids)) != len(ids):  # a custom text that is already one of the ids
            raise ValidationFailed({"questions": ["A question appears twice in the group."]})
        return resolved

    # -- the per-user cap -----------------------------------------------------------------------

    def _take_slot(self, user_id: str) -> None:
        counts = self.db[GROUP_COUNTS]
        try:
            # Matches only below the cap; at the cap the upsert collides on _id and is refused.
            counts.update_one({"_id": user_id, "count": {"$lt": MAX_GROUPS}},
                              {"$inc": {"count": 1}, "$set": {"userId": user_id}}, upsert=True)
        except DuplicateKeyError:
            raise ValidationFailed({"name": [f"At most {MAX_GROUPS} question groups."]},
                                   "You have as many question groups as allowed: delete one "
                                   "first.") from None

    def _free_slot(self, user_id: str) -> None:
        self.db[GROUP_COUNTS].update_one({"_id": user_id, "count": {"$gt": 0}},
                                         {"$inc": {"count": -1}})

    # -- the collection protocol ----------------------------------------------------------------

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self._take_slot(user_id)
        try:
            questions = self._resolve(user_id, body["questions"])
            now = self.clock.now()
            doc = {"userId": user_id, "name": body["name"], "description": body["description"],
                   "questions": questions, "shared": False, "createdAt": now, "updatedAt": now}
            doc["_id"] = self.collection.insert_one(doc).inserted_id
        except BaseException:
            self._free_slot(user_id)  # whatever failed, the group does not exist: no slot
            raise
        return self.view(user_id, doc)

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        return paginate(self.collection, {"userId": user_id}, limit=query["limit"],
                        cursor=query["cursor"], transform=self.summary)

    def get(self, user_id: str, id: str) -> dict[str, Any]:
        return self.view(user_id, self.find(user_id, id))

    def update(self, user_id: str, id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.find(user_id, id)
        changes: dict[str, Any] = {k: body[k] for k in ("name", "description") if k in body}
        if "questions" in body:
            changes["questions"] = self._resolve(user_id, body["questions"])
        if "order" in body:
            current = {q["id"]: q for q in doc["questions"]}
            order = body["order"]
            if sorted(order) != sorted(current) or len(set(order)) != len(order):
                raise ValidationFailed({"order": ["Give every question id of the group exactly "
                                                  "once."]})
            changes["questions"] = [current[i] for i in order]
        changes["updatedAt"] = self.clock.now()
        self.collection.update_one({"_id": doc["_id"], "userId": user_id}, {"$set": changes})
        return self.view(user_id, {**doc, **changes})

    def delete(self, user_id: str, id: str) -> None:
        doc = self.find(user_id, id)
        if self.collection.delete_one({"_id": doc["_id"], "userId": user_id}).deleted_count:
            self._free_slot(user_id)
        self.db[GROUP_SHARES].delete_many({"groupId": str(doc["_id"]), "userId": user_id})

    # -- sharing --------------------------------------------------------------------------------

    def share(self, user_id: str, id: str) -> dict[str, str]:
        """A new read-only link; an earlier link of the group stops working."""
        doc = self.find(user_id, id)
        token = secrets.token_urlsafe(24)
        now = self.clock.now()
        self.db[GROUP_SHARES].update_one(
            {"groupId": str(doc["_id"])},
            {"$set": {"userId": user_id, "tokenHash": _hash(token), "createdAt": now}},
            upsert=True)
        self.collection.update_one({"_id": doc["_id"], "userId": user_id},
                                   {"$set": {"shared": True}})
        return {"token": token,
                "url": f"{self.public_url}/api/question-groups/shared/{token}"}

    def revoke(self, user_id: str, id: str) -> dict[str, bool]:
        doc = self.find(user_id, id)
        self.db[GROUP_SHARES].delete_many({"groupId": str(doc["_id"]), "userId": user_id})
        self.collection.update_one({"_id": doc["_id"], "userId": user_id},
                                   {"$set": {"shared": False}})
        return {"shared": False}

    def shared(self, token: str) -> dict[str, Any]:
        """The group behind a share token, read-only: no owner, no ids of own questions."""
        found = self.db[GROUP_SHARES].find_one({"tokenHash": _hash(token)})
        doc = self.collection.find_one({"_id": ObjectId(found["groupId"]),
                                        "userId": found["userId"]}) if found else None
        if doc is None:
            raise NotFound("No such shared question group.")
        return {"name": doc["name"], "description": doc.get("description", ""),
                "questionCount": len(doc["questions"]),
                "questions": [{"position": n, "text": q["text"], "category": q["category"],
                               "guidance": bank.GUIDANCE[q["category"]][0]}
                              for n, q in enumerate(doc["questions"], 1)],
                "sharedAt": found["createdAt"]}

    # -- practice -------------------------------------------------------------------------------

    def practise(self, user: Mapping[str, Any], id: str, body: Mapping[str, Any]
                 ) -> dict[str, Any]:
        """Start a mock interview on the group's questions, in the group's order."""
        user_id = str(user["_id"])
        doc = self.find(user_id, id)
        chosen = doc["questions"][: body["questionCount"] or MOCK_MAX_QUESTIONS]
        questions = []
        for question in chosen:
            question_id = question["id"]
            if question_id not in bank.by_id():
                # The own question may have been deleted since: the same text brings it back.
                question_id = self.questions.ensure_user_question(
                    user_id, question["text"], question["category"], "group")
            questions.append({"id": question_id, "text": question["text"],
                              "category": question["category"], "focusArea": None,
                              "guidance": bank.GUIDANCE[question["category"]][0]})
        mock = {"company": body["company"], "role": body["role"] or doc["name"][:120],
                "interviewType": body["interviewType"], "seniority": body["seniority"],
                "focusAreas": [], "applicationId": body["applicationId"],
                "questionCount": len(questions), "jobDescription": "",
                "groupId": str(doc["_id"])}
        return self.mocks.create(user, mock, questions=questions)

    # -- shapes ---------------------------------------------------------------------------------

    def view(self, user_id: str, doc: Mapping[str, Any]) -> dict[str, Any]:
        """The whole group, each question with the caller's practice progress."""
        progress = {q["id"]: q for q in self.questions.progress(user_id, doc["questions"])}
        return {**self.summary(doc),
                "questions": [{**progress[q["id"]], "position": n}
                              for n, q in enumerate(doc["questions"], 1)]}

    @staticmethod
    def summary(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "kind": "own", "name": doc["name"],
                "description": doc.get("description", ""),
                "questionCount": len(doc["questions"]), "shared": bool(doc.get("shared")),
                "createdAt": doc["createdAt"], "updatedAt": doc.get("updatedAt")}

