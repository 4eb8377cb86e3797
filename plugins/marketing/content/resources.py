"""Public reading routes per kind (``/api/blog``, ``/api/courses``, ``/api/help``,
``/api/public``) and the admin routes (``/api/admin/content``, permission ``content:write``)."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint, page_schema
from lightninghire_plugins.marketing.content.schemas import (
    AdminContentSchema,
    AdminListQuery,
    ContentInSchema,
    ContentListQuery,
    ContentSchema,
    ContentSummarySchema,
    ContentUpdateSchema,
    LessonOutSchema,
    SearchQuery,
    SearchResultSchema,
)
from lightninghire_plugins.marketing.content.service import ContentService


class ContentListResource:
    def __init__(self, service: ContentService, kind: str) -> None:
        self.service = service
        self.kind = kind

    @endpoint(auth="public", query=ContentListQuery, response=page_schema(ContentSummarySchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Published pages of this kind, newest first (summaries, no body)."""
        q = req.context.query
        return self.service.list(self.kind, tag=q["tag"], category=q["category"],
                                 limit=q["limit"], cursor=q["cursor"])

    @endpoint(auth="public", query=SearchQuery, response=SearchResultSchema)
    def on_get_search(self, req: Any, resp: Any) -> dict[str, Any]:
        """Search published pages of this kind; best matches first."""
        q = req.context.query
        return self.service.search(self.kind, q["q"], q["limit"])


class ContentItemResource:
    def __init__(self, service: ContentService, kind: str) -> None:
        self.service = service
        self.kind = kind

    @endpoint(auth="optional", response=ContentSchema,
              description="For a course, each lesson says whether it is `locked`: Pro lessons "
                          "have a null body unless the caller (session or API key) has Pro "
                          "lessons in their plan.")
    def on_get(self, req: Any, resp: Any, slug: str) -> dict[str, Any]:
        """One published page by its slug."""
        return self.service.get(self.kind, slug, req.context.principal.user)


class LessonResource(Resource[ContentService]):
    @endpoint(auth="optional", response=LessonOutSchema)
    def on_get(self, req: Any, resp: Any, slug: str, lesson: str) -> dict[str, Any]:
        """One lesson of a course; a Pro lesson without Pro is a 402 with an upgrade hint."""
        return self.service.lesson(slug, lesson, req.context.principal.user)


class AdminContentResource(Resource[ContentService]):
    @endpoint(permission="content:write", query=AdminListQuery,
              response=page_schema(AdminContentSchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Every page, drafts and unpublished ones included."""
        q = req.context.query
        return self.service.admin_list(q["kind"], q["status"], q["limit"], q["cursor"])

    @endpoint(permission="content:write", body=ContentInSchema, response=AdminContentSchema,
              status=201)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Create a page (a draft unless `status` says published)."""
        return self.service.create(req.context.body, req.context.principal.user_id)

    @endpoint(permission="content:write", body=ContentUpdateSchema, response=AdminContentSchema)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Update a page; `{"status": "unpublished"}` takes it down. Its last-updated date moves."""
        return self.service.update(id, req.context.body, req.context.principal.user_id)
