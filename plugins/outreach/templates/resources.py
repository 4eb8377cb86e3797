"""Templates routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.outreach.common import sender_of
from lightninghire_plugins.outreach.templates.schemas import (
    PreviewInSchema,
    PreviewSchema,
    SystemTemplateListSchema,
    SystemTemplateQuery,
    TemplateInSchema,
    TemplatePatchSchema,
    TemplateQuery,
    TemplateSchema,
)
from lightninghire_plugins.outreach.templates.service import FEATURE, TemplateService


class TemplatesResource(CollectionResource):
    item, create_body, patch_body, list_query = (TemplateSchema, TemplateInSchema,
                                                 TemplatePatchSchema, TemplateQuery)
    endpoints = {
        "on_get": endpoint(summary="The caller's own templates, newest first (system ones: "
                                   "/api/templates/system)."),
        "on_post": endpoint(feature=FEATURE, summary="Save a template; an unknown variable is a "
                                                     "400 (free accounts: 3 in all)."),
        "on_get_item": endpoint(summary="One template: a system one by its name, or one of the "
                                        "caller's."),
        "on_patch_item": endpoint(summary="Change one of the caller's templates (validated again)."),
        "on_delete_item": endpoint(summary="Delete one of the caller's templates."),
    }


class SystemTemplatesResource(Resource[TemplateService]):
    @endpoint(query=SystemTemplateQuery, response=SystemTemplateListSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The templates shipped with LightningHire, and every variable a template may use."""
        query = req.context.query
        return self.service.system(query.get("purpose"), query.get("channel"))


class PreviewResource:
    def __init__(self, service: TemplateService,
                 contact_of: Callable[[str, str], Mapping[str, Any]]) -> None:
        self.service = service
        self.contact_of = contact_of  # (user id, contact id) -> the contact, or NotFound

    @endpoint(body=PreviewInSchema, response=PreviewSchema)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Render a template (saved, or text being edited) for a contact, without saving."""
        user_id = req.context.principal.user_id
        return self.service.preview(user_id, req.context.body,
                                    lambda contact_id: self.contact_of(user_id, contact_id),
                                    sender_of(req.context.principal.user))
