"""A plugin written for the collection-resource tests: one owned collection served whole by
``CollectionResource`` over ``OwnedDocuments``, and a second resource that overrides a responder.

Handed to ``make_app(extra_plugins={"notes": collection_plugin})``: the same plugin host,
registries and pipeline as any installed plugin.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from pymongo import ASCENDING, IndexModel

from lightninghire import Reply, endpoint, hookimpl
from lightninghire.documents import OwnedDocuments
from lightninghire.fields import ObjectIdString
from lightninghire.http.collection import CollectionResource
from lightninghire.pagination import PageQuery

NOTES = "test_notes"


class NoteIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 200))
    pinned = fields.Boolean(load_default=False)


class NotePatch(Schema):
    text = fields.String(validate=validate.Length(1, 200))
    pinned = fields.Boolean()


class NoteOut(Schema):
    id = ObjectIdString()
    text = fields.String()
    pinned = fields.Boolean()


class NoteQuery(PageQuery):
    pinned = fields.Boolean(load_default=None)


class NoteService(OwnedDocuments):
    def list(self, owner: str, query: Any, filter: Any = None) -> dict[str, Any]:
        wanted = {} if query["pinned"] is None else {"pinned": query["pinned"]}
        return super().list(owner, query, wanted)


class NotesResource(CollectionResource):
    item, create_body, patch_body, list_query = NoteOut, NoteIn, NotePatch, NoteQuery
    endpoints = {
        "on_get": endpoint(summary="The caller's notes, newest first."),
        "on_post": endpoint(feature="test_notes", summary="Keep a note.",
                            description="Three in all on the free tier."),
        "on_get_item": endpoint(summary="One note."),
        "on_patch_item": endpoint(summary="Change a note."),
        "on_delete_item": endpoint(rate_limit="100/1m", summary="Forget a note."),
    }


class ArchiveResource(CollectionResource):
    """Read-only, answers DELETE with the id, and writes its own POST."""

    item = NoteOut
    delete_echoes_id = True
    endpoints = {
        "on_get_item": endpoint(auth="session", summary="One archived note."),
        "on_delete_item": endpoint(summary="Drop an archived note."),
    }

    @endpoint(body=NoteIn, response=NoteOut)
    def on_post(self, req: Any, resp: Any) -> Reply:
        """Archive a note (answers 202)."""
        return Reply(self.service.create(self.owner(req), req.context.body), status=202)


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    notes = NoteService(services.db[NOTES], what="note")
    with routes.group(tags="notes"):
        routes.add_collection("/api/test-notes", NotesResource(notes))
    routes.add_collection("/api/test-archive", ArchiveResource(notes))


@hookimpl
def register_collections(collections: Any) -> None:
    collections.add(NOTES, indexes=[IndexModel([("userId", ASCENDING)])],
                    owner_field="userId")


@hookimpl
def register_policy(policy: Any) -> None:
    policy.add_feature(key="test_notes", label="Notes", limits={"free": 3, "pro": None},
                       upgrade_hint="Go Pro for more notes.")
