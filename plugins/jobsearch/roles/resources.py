"""Routes of /api/roles: recruiter requisitions (recruiter role required)."""

from __future__ import annotations

from typing import Any

from lightninghire import endpoint
from lightninghire.pagination import page_schema
from lightninghire_plugins.jobsearch.roles.schemas import RoleIn, RoleOut, RolePatch, RoleQuery
from lightninghire_plugins.jobsearch.roles.service import RoleService

TAGS = ["roles"]
READ, WRITE = "requisitions:read", "requisitions:write"


class RolesResource:
    def __init__(self, service: RoleService) -> None:
        self.service = service

    @endpoint(body=RoleIn, response=RoleOut, status=201, permission=WRITE, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Open a requisition (recruiter free: 3 active or on hold at once)."""
        return self.service.create(req.context.principal.user, req.context.body)

    @endpoint(query=RoleQuery, response=page_schema(RoleOut), permission=READ, tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your requisitions, newest first."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(response=RoleOut, permission=READ, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One requisition with its candidate counts per stage."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=RolePatch, response=RoleOut, permission=WRITE, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Edit a requisition or change its status; a new description marks fit scores stale."""
        return self.service.update(req.context.principal.user, id, req.context.body)

    @endpoint(permission=WRITE, tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a requisition; its candidates stay in your pool."""
        self.service.delete(req.context.principal.user_id, id)
        return {"id": id, "deleted": True}
