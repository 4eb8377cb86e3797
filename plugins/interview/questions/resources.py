"""``/api/questions`` and ``/api/question-groups``: the bank, bookmarks and practice status."""

from __future__ import annotations

from typing import Any

from lightninghire import endpoint
from lightninghire_plugins.interview.questions.schemas import (
    GroupListOut,
    GroupOut,
    MarkIn,
    QuestionIn,
    QuestionOut,
    QuestionPageOut,
    QuestionQuery,
)
from lightninghire_plugins.interview.questions.service import QuestionService

TAGS = ["questions"]


class QuestionsResource:
    def __init__(self, service: QuestionService) -> None:
        self.service = service

    @endpoint(query=QuestionQuery, response=QuestionPageOut, tags=TAGS,
              description="The shipped bank plus the caller's own questions. `q` searches the "
                          "text; `sort` is `weakest`, `least_practiced` or `recent`; `cursor` "
                          "is the `nextCursor` of the previous page.")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Browse and search the question bank."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(body=QuestionIn, response=QuestionOut, status=201, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Add a question of your own to your bank."""
        return self.service.create(req.context.principal.user_id, req.context.body)

    @endpoint(response=QuestionOut, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One question with guidance and your practice history."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=MarkIn, response=QuestionOut, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Bookmark a question, set its practice status or a note."""
        return self.service.mark(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete one of your own questions."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class QuestionGroupsResource:
    def __init__(self, service: QuestionService) -> None:
        self.service = service

    @endpoint(response=GroupListOut, tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Curated question sets by role and company type."""
        return {"items": self.service.groups()}

    @endpoint(response=GroupOut, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, slug: str) -> dict[str, Any]:
        """One curated set with its questions and your progress on them."""
        return self.service.group(req.context.principal.user_id, slug)
