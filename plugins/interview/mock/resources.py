"""``/api/mock-interview``: thin resources over ``MockService``."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Reply, Resource, endpoint, page_schema
from lightninghire_plugins.interview.mock.schemas import (
    AnswerIn,
    AnswerListOut,
    AnswerOut,
    MockIn,
    MockListQuery,
    MockOut,
    MockSummaryOut,
)
from lightninghire_plugins.interview.mock.service import MockService


class MockInterviewsResource(CollectionResource):
    item, create_body, list_query = MockOut, MockIn, MockListQuery
    with_user = ("on_post",)
    endpoints = {
        "on_post": endpoint(feature="mock_interviews",
                            summary="Start a mock interview: questions generated for the company, "
                                    "role and type.",
                            description="Free accounts: 3 per rolling 7 days (`mock_interviews`, "
                                        "also one AI action); beyond that 402 with "
                                        "`upgradeHint`."),
        # The list shows summaries, without the questions.
        "on_get": endpoint(response=page_schema(MockSummaryOut),
                           summary="The caller's mock interviews, newest first."),
        "on_get_item": endpoint(summary="One mock interview with its questions, scores and "
                                        "debrief."),
        "on_delete_item": endpoint(summary="Delete a mock interview and its answers (practice "
                                           "history is kept)."),
    }


class MockAnswersResource(Resource[MockService]):
    @endpoint(body=AnswerIn, response=AnswerOut, status=201,
              description="Scored 1-10 on completeness, relevance, structure and specificity. "
                          "Not metered, so a started mock can always be finished; at most 3 "
                          "scored attempts per question.")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Answer one question of a mock interview and get it scored."""
        return self.service.answer(req.context.principal.user, id, req.context.body)

    @endpoint(response=AnswerListOut)
    def on_get(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Every answer given in a mock interview, with its scores."""
        return self.service.answers(req.context.principal.user_id, id)


class MockCompleteResource(Resource[MockService]):
    @endpoint(response=MockOut)
    def on_post(self, req: Any, resp: Any, id: str) -> Reply:
        """Complete a mock interview: overall score and debrief (idempotent)."""
        return Reply(self.service.complete(req.context.principal.user, id))
