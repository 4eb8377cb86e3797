"""``/api/analyze``: deep evaluations (A-F), created, listed, read and deleted."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, endpoint, page_schema
from lightninghire_plugins.ai_tools.analyze.schemas import (
    AnalyzeInSchema,
    EvaluationListQuery,
    EvaluationSchema,
)


class AnalyzeResource(CollectionResource):
    item = EvaluationSchema
    endpoints = {
        "on_get_item": endpoint(summary="One of the caller's evaluations."),
        "on_delete_item": endpoint(summary="Delete one of the caller's evaluations."),
    }

    @endpoint(body=AnalyzeInSchema, response=EvaluationSchema, status=201,
              feature="deep_evaluation",
              description="Grades A (>= 85) to F (< 40) on the weighted mean of five dimensions "
                          "(skills 40%, experience 20%, seniority 15%, domain 15%, logistics "
                          "10%). An unknown job or resume id answers 404 and spends nothing.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Evaluate a resume against a job (deep evaluation, A-F)."""
        body = req.context.body
        # An unknown reference fails the request, and the core gives its unit back.
        return self.service.analyze(req.context.principal.user, body["job"], body["resume"])

    @endpoint(query=EvaluationListQuery, response=page_schema(EvaluationSchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's evaluations, newest first."""
        q = req.context.query
        return self.service.list(req.context.principal.user_id, q["grade"], q["limit"],
                                 q["cursor"])
