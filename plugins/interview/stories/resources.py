"""``/api/stories``: STAR story CRUD and the ``generate`` / ``build`` AI helpers."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.interview.stories import ai
from lightninghire_plugins.interview.stories.schemas import (
    CoverageOut,
    DraftOut,
    StoryIn,
    StoryOut,
    StoryPatch,
    StoryQuery,
)
from lightninghire_plugins.interview.stories.service import StoryService


class StoriesResource(CollectionResource):
    item, create_body, patch_body, list_query = StoryOut, StoryIn, StoryPatch, StoryQuery
    endpoints = {
        "on_post": endpoint(feature="star_stories", summary="Save a STAR story.",
                            description="Free accounts: 5 stories in all; recruiter accounts: "
                                        "none."),
        "on_get": endpoint(summary="The caller's stories, newest first; filter by tag, "
                                   "competency or application."),
        "on_get_item": endpoint(summary="One story."),
        "on_patch_item": endpoint(summary="Edit a story (not an AI action, never capped)."),
        "on_delete_item": endpoint(summary="Delete a story."),
    }


class StoryCoverageResource(Resource[StoryService]):
    @endpoint(response=CoverageOut)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Which of the eight themes your stories cover."""
        return self.service.coverage(req.context.principal.user_id)


class GenerateResource(Resource[StoryService]):
    @endpoint(body=ai.GenerateIn, response=DraftOut, feature="ai_actions",
              description="A draft, not saved: send it to `POST /api/stories` to keep it. "
                          "One AI action.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Draft a STAR story from a rough description."""
        return self.service.draft(req.context.principal.user, ai.GENERATE, req.context.body)


class BuildResource(Resource[StoryService]):
    @endpoint(body=ai.BuildIn, response=DraftOut, feature="ai_actions",
              description="Guided prompts: context, goal, steps, outcome, learning. A draft, "
                          "not saved: send it to `POST /api/stories` to keep it. One AI action.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Build a STAR story from answers to guided prompts."""
        return self.service.draft(req.context.principal.user, ai.BUILD, req.context.body)
