"""``/api/questions`` and ``/api/question-groups``: the bank, bookmarks and practice status."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, endpoint
from lightninghire_plugins.interview.questions.schemas import (
    MarkIn,
    QuestionIn,
    QuestionOut,
    QuestionPageOut,
    QuestionQuery,
)


class QuestionsResource(CollectionResource):
    item, create_body, list_query = QuestionOut, QuestionIn, QuestionQuery
    endpoints = {
        "on_get": endpoint(response=QuestionPageOut, summary="Browse and search the question bank.",
                           description="The shipped bank plus the caller's own questions. `q` "
                                       "searches the text; `sort` is `weakest`, `least_practiced` "
                                       "or `recent`; `cursor` is the `nextCursor` of the previous "
                                       "page."),
        "on_post": endpoint(summary="Add a question of your own to your bank."),
        "on_get_item": endpoint(summary="One question with guidance and your practice history."),
        "on_delete_item": endpoint(summary="Delete one of your own questions."),
    }

    @endpoint(body=MarkIn, response=QuestionOut)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Bookmark a question, set its practice status or a note."""
        return self.service.mark(self.owner(req), id, req.context.body)

