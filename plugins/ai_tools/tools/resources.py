"""``/api/tools/*`` and ``/api/negotiate-feedback``."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, PageQuery, Resource, endpoint, page_schema
from lightninghire_plugins.ai_tools.tools.schemas import (
    CoverLetterInSchema,
    NegotiationFeedbackInSchema,
    NegotiationFeedbackSchema,
    NegotiationInSchema,
    OfferComparisonInSchema,
    ToolRunListQuery,
    ToolRunSchema,
)
from lightninghire_plugins.ai_tools.tools.service import ToolsService


class NegotiationResource(Resource[ToolsService]):
    @endpoint(body=NegotiationInSchema, response=ToolRunSchema, status=201,
              feature="negotiation_coach",
              description="`result`: `marketAnalysis`, `strategy`, `talkingPoints`, `email` "
                          "(ready to send), five `deflections`, `walkaway`. Lessons from your "
                          "negotiation feedback are carried in through the context.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Salary negotiation coach: strategy and a counter-offer e-mail."""
        # A failed request (e.g. an unknown reference) gets its units back from the core.
        return self.service.negotiate(req.context.principal.user, req.context.body)


class OfferComparisonResource(Resource[ToolsService]):
    @endpoint(body=OfferComparisonInSchema, response=ToolRunSchema, status=201,
              feature="offer_comparison",
              description="`result.offers[]`: `annualTotal`, `firstYearTotal`, "
                          "`normalizedTotal`, `components`, `math`, `scores`, `weightedScore`, "
                          "`scoreMath`, `rank`; then `ranking`, `sensitivity`, `headline`, "
                          "`narrative`. See docs/ai_tools.md for the formulas.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Compare 2-5 offers on normalized total compensation and weighted criteria."""
        return self.service.compare_offers(req.context.principal.user, req.context.body)


class CoverLetterResource(Resource[ToolsService]):
    @endpoint(body=CoverLetterInSchema, response=ToolRunSchema, status=201,
              feature="cover_letters")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Draft a cover letter from a resume and a job (no placeholders)."""
        return self.service.cover_letter(req.context.principal.user, req.context.body)


class RunsResource(CollectionResource):
    """Served over ``ToolsService.owned_runs``."""

    item, list_query = ToolRunSchema, ToolRunListQuery
    endpoints = {
        "on_get": endpoint(summary="The caller's tool runs (negotiations, comparisons, letters), "
                                   "newest first."),
        "on_get_item": endpoint(summary="One of the caller's tool runs."),
        "on_delete_item": endpoint(summary="Delete one of the caller's tool runs."),
    }


class FeedbackResource(Resource[ToolsService]):
    @endpoint(body=NegotiationFeedbackInSchema, response=NegotiationFeedbackSchema, status=201,
              feature="negotiation_feedback",
              description="Rate a negotiation draft, give the version you sent and the "
                          "outcome; the lessons drawn are used by your next drafts.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Give feedback on a negotiation draft."""
        return self.service.give_feedback(req.context.principal.user, req.context.body)

    @endpoint(query=PageQuery, response=page_schema(NegotiationFeedbackSchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's negotiation feedback, newest first."""
        q = req.context.query
        return self.service.list_feedback(req.context.principal.user_id, q["limit"],
                                          q["cursor"])
