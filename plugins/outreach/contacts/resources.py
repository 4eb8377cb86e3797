"""Contacts routes: thin, every option declared on the responder."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.outreach.contacts.schemas import (
    ContactImportResultSchema,
    ContactImportSchema,
    ContactInSchema,
    ContactPatchSchema,
    ContactQuery,
    ContactSchema,
)
from lightninghire_plugins.outreach.contacts.service import FEATURE, ContactService


class ContactsResource(CollectionResource):
    item, create_body, patch_body, list_query = (ContactSchema, ContactInSchema, ContactPatchSchema,
                                                 ContactQuery)
    endpoints = {
        "on_get": endpoint(summary="The caller's contacts, newest first; search with q, filter by "
                                   "warmth, tag, due."),
        "on_post": endpoint(feature=FEATURE,
                            summary="Add a contact to the network (free accounts: 15 in all)."),
        "on_get_item": endpoint(summary="One contact."),
        "on_patch_item": endpoint(summary="Change a contact's fields (warmth, tags, notes, "
                                          "follow-up, ...)."),
        "on_delete_item": endpoint(summary="Delete a contact (its outreach history stays)."),
    }


class ContactImportResource(Resource[ContactService]):
    @endpoint(body=ContactImportSchema, response=ContactImportResultSchema)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Import contacts from CSV; each created contact counts toward the contacts cap."""
        return self.service.import_csv(req.context.principal.user, req.context.body["csv"])
