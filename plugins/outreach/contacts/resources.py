"""Contacts routes: thin, every option declared on the responder."""

from __future__ import annotations

from typing import Any

from lightninghire import endpoint
from lightninghire.pagination import page_schema
from lightninghire_plugins.outreach.contacts.schemas import (
    ContactImportResultSchema,
    ContactImportSchema,
    ContactInSchema,
    ContactPatchSchema,
    ContactQuery,
    ContactSchema,
)
from lightninghire_plugins.outreach.contacts.service import FEATURE, ContactService

TAGS = ["contacts"]


class ContactsResource:
    def __init__(self, service: ContactService) -> None:
        self.service = service

    @endpoint(query=ContactQuery, response=page_schema(ContactSchema), tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's contacts, newest first; search with q, filter by warmth, tag, due."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(body=ContactInSchema, response=ContactSchema, status=201, feature=FEATURE,
              tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Add a contact to the network (free accounts: 15 in all)."""
        return self.service.create(req.context.principal.user_id, req.context.body)

    @endpoint(response=ContactSchema, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One contact."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=ContactPatchSchema, response=ContactSchema, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Change a contact's fields (warmth, tags, notes, follow-up, ...)."""
        return self.service.update(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a contact (its outreach history stays)."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class ContactImportResource:
    def __init__(self, service: ContactService) -> None:
        self.service = service

    @endpoint(body=ContactImportSchema, response=ContactImportResultSchema, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Import contacts from CSV; each created contact counts toward the contacts cap."""
        return self.service.import_csv(req.context.principal.user, req.context.body["csv"])
