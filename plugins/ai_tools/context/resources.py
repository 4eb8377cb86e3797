"""``GET /api/context``: what the AI features know about the caller."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint
from lightninghire_plugins.ai_tools.context.schemas import UserContextQuery, UserContextSchema
from lightninghire_plugins.ai_tools.context.service import ContextService


class ContextResource(Resource[ContextService]):
    @endpoint(query=UserContextQuery, response=UserContextSchema,
              description="Assembled from every enabled plugin's `user_context` hook, for the "
                          "caller only, and bounded in size (`plugins.ai_tools.context_max_chars`"
                          ", default 12000): the longest lists lose their last items first.")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's aggregated context for AI prompts."""
        return self.service.bounded(req.context.principal.user)
