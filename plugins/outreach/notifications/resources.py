"""Notifications routes: the in-app inbox."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.outreach.notifications.schemas import (
    ClearedSchema,
    ClearQuery,
    NotificationPageSchema,
    NotificationPatchSchema,
    NotificationQuery,
    NotificationSchema,
    ReadAllSchema,
    UnreadCountSchema,
)
from lightninghire_plugins.outreach.notifications.service import NotificationService


class NotificationsResource(CollectionResource):
    endpoints = {"on_delete_item": endpoint(summary="Delete one notification.")}

    @endpoint(query=NotificationQuery, response=NotificationPageSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's notifications: unread first, newest first, paginated."""
        query = req.context.query
        return self.service.list(req.context.principal.user_id, query["limit"], query["cursor"],
                                 query["unread"])

    @endpoint(query=ClearQuery, response=ClearedSchema)
    def on_delete(self, req: Any, resp: Any) -> dict[str, Any]:
        """Clear the inbox: delete the caller's notifications, at most 1,000 per call.

        ``read=true`` deletes only the read ones; ``more: true`` says some remain."""
        return self.service.clear(req.context.principal.user_id, req.context.query["read"])

    @endpoint(body=NotificationPatchSchema, response=NotificationSchema)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Mark one notification read (or unread again)."""
        return self.service.mark(req.context.principal.user_id, id, req.context.body["read"])


class UnreadCountResource(Resource[NotificationService]):
    @endpoint(response=UnreadCountSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, int]:
        """How many notifications are unread (the bell's badge)."""
        return {"count": self.service.unread_count(req.context.principal.user_id)}


class ReadAllResource(Resource[NotificationService]):
    @endpoint(response=ReadAllSchema)
    def on_post(self, req: Any, resp: Any) -> dict[str, int]:
        """Mark every notification read."""
        return {"updated": self.service.mark_all_read(req.context.principal.user_id)}
