"""Templates routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lightninghire import endpoint
from lightninghire.pagination import page_schema
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

TAGS = ["templates"]


class TemplatesResource:
    def __init__(self, service: TemplateService) -> None:
        self.service = service

    @endpoint(query=TemplateQuery, response=page_schema(TemplateSchema), tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's own templates, newest first (system ones: /api/templates/system)."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(body=TemplateInSchema, response=TemplateSchema, status=201, feature=FEATURE,
              tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Save a template; an unknown variable is a 400 (free accounts: 3 in all)."""
        return self.service.create(req.context.principal.user_id, req.context.body)

    @endpoint(response=TemplateSchema, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One template: a system one by its name, or one of the caller's."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=TemplatePatchSchema, response=TemplateSchema, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Change one of the caller's templates (validated again)."""
        return self.service.update(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete one of the caller's templates."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class SystemTemplatesResource:
    def __init__(self, service: TemplateService) -> None:
        self.service = service

    @endpoint(query=SystemTemplateQuery, response=SystemTemplateListSchema, tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The templates shipped with LightningHire, and every variable a template may use."""
        query = req.context.query
        return self.service.system(query.get("purpose"), query.get("channel"))


class PreviewResource:
    def __init__(self, service: TemplateService,
                 contact_of: Callable[[str, str], Mapping[str, Any]]) -> None:
        self.service = service
        self.contact_of = contact_of  # (user id, contact id) -> the contact, or NotFound

    @endpoint(body=PreviewInSchema, response=PreviewSchema, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Render a template (saved, or text being edited) for a contact, without saving."""
        user_id = req.context.principal.user_id
        return self.service.preview(user_id, req.context.body,
                                    lambda contact_id: self.contact_of(user_id, contact_id),
                                    sender_of(req.context.principal.user))
