"""``/api/question-groups``: the curated sets, and the caller's own groups (create, list, read,
rename, reorder, delete, share by link, practise)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from lightninghire.api import NotFound, Reply, Resource, endpoint
from lightninghire_plugins.interview.groups.schemas import (
    QuestionGroupIn,
    QuestionGroupOut,
    QuestionGroupPageOut,
    QuestionGroupPatch,
    QuestionGroupPracticeIn,
    QuestionGroupQuery,
    QuestionGroupRevokeOut,
    QuestionGroupShareOut,
    SharedQuestionGroupOut,
)
from lightninghire_plugins.interview.groups.service import GroupService
from lightninghire_plugins.interview.mock.schemas import MockOut
from lightninghire_plugins.interview.questions.schemas import GroupListOut
from lightninghire_plugins.interview.questions.service import QuestionService


def _own_id(id: str) -> str:
    """Own groups have 24-hex ids; curated slugs are words, so a slug is never one."""
    if not ObjectId.is_valid(id):
        raise NotFound("No such question group of yours (curated groups are read-only).")
    return id


class QuestionGroupsResource(Resource[GroupService]):
    def __init__(self, groups: GroupService, questions: QuestionService) -> None:
        super().__init__(groups)
        self.questions = questions

    @endpoint(response=GroupListOut)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Curated question sets by role and company type."""
        return {"items": self.questions.groups()}

    @endpoint(body=QuestionGroupIn, response=QuestionGroupOut, status=201,
              description="`questions` (1-30, in order): `{questionId}` for a bank question or "
                          "one of your own, or `{text, category}` for a new question (it joins "
                          "your bank, source `group`). Another user's question id answers 404; "
                          "a question given twice 400. At most 50 groups per user.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Create a question group of your own."""
        return self.service.create(self.owner(req), req.context.body)

    @endpoint(response=QuestionGroupOut,
              description="A curated group by its slug, or one of your own by its id; each "
                          "question with your practice progress. Another user's group is 404.")
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One question group with its questions in order."""
        if ObjectId.is_valid(id):
            return self.service.get(self.owner(req), id)
        return {**self.questions.group(self.owner(req), id), "kind": "curated"}

    @endpoint(body=QuestionGroupPatch, response=QuestionGroupOut,
              description="`name`, `description`; `questions` replaces the list; `order` "
                          "reorders it: every question id of the group exactly once, in the new "
                          "order (400 otherwise). Curated groups cannot be changed (404).")
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Rename, describe, replace or reorder the questions of your group."""
        return self.service.update(self.owner(req), _own_id(id), req.context.body)

    @endpoint(description="Its share link stops working. Questions it created stay in your "
                          "bank.")
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete one of your question groups."""
        self.service.delete(self.owner(req), _own_id(id))
        return {"deleted": True}


class OwnGroupsResource(Resource[GroupService]):
    @endpoint(query=QuestionGroupQuery, response=QuestionGroupPageOut)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your own question groups, newest first."""
        return self.service.list(self.owner(req), req.context.query)


class GroupShareResource(Resource[GroupService]):
    @endpoint(response=QuestionGroupShareOut, status=201,
              description="Anyone with the URL can read the group (name, description, question "
                          "texts and categories; never you nor your progress). The token is "
                          "shown once and stored hashed; a new link replaces the old one.")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, str]:
        """Create (or rotate) the group's read-only share link."""
        return self.service.share(self.owner(req), _own_id(id))

    @endpoint(response=QuestionGroupRevokeOut)
    def on_delete(self, req: Any, resp: Any, id: str) -> dict[str, bool]:
        """Revoke the group's share link."""
        return self.service.revoke(self.owner(req), _own_id(id))


class SharedGroupResource(Resource[GroupService]):
    @endpoint(auth="public", response=SharedQuestionGroupOut, rate_limit="120/1h",
              description="Public and read-only: the token in the path is the only credential. "
                          "A revoked or unknown token answers 404.")
    def on_get(self, req: Any, resp: Any, token: str) -> dict[str, Any]:
        """A question group shared by link."""
        if len(token) > 100:
            raise NotFound("No such shared question group.")
        return self.service.shared(token)


class GroupPracticeResource(Resource[GroupService]):
    @endpoint(body=QuestionGroupPracticeIn, response=MockOut, status=201,
              feature="mock_interviews",
              description="A mock interview whose questions are the group's, in order (the "
                          "first `questionCount`, at most 10). Metered like `POST "
                          "/api/mock-interview` (free: 3 per rolling 7 days). `role` defaults to "
                          "the group's name.")
    def on_post(self, req: Any, resp: Any, id: str) -> Reply:
        """Practise a question group as a mock interview."""
        return Reply(self.service.practise(req.context.principal.user, _own_id(id),
                                           req.context.body), status=201)
