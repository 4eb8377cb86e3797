"""Routes of /api/roles: recruiter requisitions (recruiter role required)."""

from __future__ import annotations

from lightninghire.api import CollectionResource, endpoint
from lightninghire_plugins.jobsearch.roles.schemas import RoleIn, RoleOut, RolePatch, RoleQuery

READ, WRITE = "requisitions:read", "requisitions:write"


class RolesResource(CollectionResource):
    item, create_body, patch_body, list_query = RoleOut, RoleIn, RolePatch, RoleQuery
    with_user = ("on_post", "on_patch_item")
    delete_echoes_id = True
    endpoints = {
        "on_post": endpoint(permission=WRITE, summary="Open a requisition (recruiter free: 3 "
                                                      "active at once; on hold is paused)."),
        "on_get": endpoint(permission=READ, summary="Your requisitions, newest first."),
        "on_get_item": endpoint(permission=READ, summary="One requisition with its candidate "
                                                         "counts per stage."),
        "on_patch_item": endpoint(permission=WRITE, summary="Edit a requisition or change its "
                                                            "status (back to active counts "
                                                            "toward the cap); a new description "
                                                            "marks fit scores stale."),
        "on_delete_item": endpoint(permission=WRITE, summary="Delete a requisition; its "
                                                             "candidates stay in your pool."),
    }
