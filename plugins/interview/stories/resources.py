"""``/api/stories``: STAR story CRUD and the ``generate`` / ``build`` AI helpers."""

from __future__ import annotations

from typing import Any

from lightninghire import endpoint
from lightninghire.pagination import page_schema
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

TAGS = ["stories"]


class StoriesResource:
    def __init__(self, service: StoryService) -> None:
        self.service = service

    @endpoint(body=StoryIn, response=StoryOut, status=201, feature="star_stories", tags=TAGS,
              description="Free accounts: 5 stories in all; recruiter accounts: none.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Save a STAR story."""
        return self.service.create(req.context.principal.user_id, req.context.body)

    @endpoint(query=StoryQuery, response=page_schema(StoryOut), tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's stories, newest first; filter by tag, competency or application."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(response=StoryOut, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One story."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=StoryPatch, response=StoryOut, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Edit a story (not an AI action, never capped)."""
        return self.service.update(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a story."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class StoryCoverageResource:
    def __init__(self, service: StoryService) -> None:
        self.service = service

    @endpoint(response=CoverageOut, tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Which of the eight themes your stories cover."""
        return self.service.coverage(req.context.principal.user_id)


class GenerateResource:
    def __init__(self, service: StoryService) -> None:
        self.service = service

    @endpoint(body=ai.GenerateIn, response=DraftOut, feature="ai_actions", tags=TAGS,
              description="A draft, not saved: send it to `POST /api/stories` to keep it. "
                          "One AI action.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Draft a STAR story from a rough description."""
        return self.service.draft(req.context.principal.user, ai.GENERATE, req.context.body)


class BuildResource:
    def __init__(self, service: StoryService) -> None:
        self.service = service

    @endpoint(body=ai.BuildIn, response=DraftOut, feature="ai_actions", tags=TAGS,
              description="Guided prompts: context, goal, steps, outcome, learning. A draft, "
                          "not saved: send it to `POST /api/stories` to keep it. One AI action.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Build a STAR story from answers to guided prompts."""
        return self.service.draft(req.context.principal.user, ai.BUILD, req.context.body)
