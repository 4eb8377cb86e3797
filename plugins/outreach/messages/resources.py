"""Outreach message routes (also served under /api/messages)."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.outreach.messages.schemas import (
    DraftInSchema,
    MessagePatchSchema,
    MessageQuery,
    MessageSchema,
    SendSchema,
)
from lightninghire_plugins.outreach.messages.service import FEATURE, MessageService


class MessagesResource(CollectionResource):
    item, patch_body, list_query = MessageSchema, MessagePatchSchema, MessageQuery
    endpoints = {
        "on_get": endpoint(summary="The caller's outreach messages, newest first; filter by "
                                   "status, contact, channel."),
        "on_get_item": endpoint(summary="One message, its delivery status brought up to date."),
        "on_patch_item": endpoint(summary="Edit a draft, cancel a scheduled send, or mark a "
                                          "message sent or replied."),
        "on_delete_item": endpoint(summary="Delete a message (not while the mail outbox is "
                                           "delivering it)."),
    }

    @endpoint(body=DraftInSchema, response=MessageSchema, status=201, feature=FEATURE)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Draft a message for a contact, a purpose and a channel (an AI action; free: 2)."""
        return self.service.draft(req.context.principal.user, req.context.body)


class SendResource(Resource[MessageService]):
    @endpoint(body=SendSchema, response=MessageSchema, permission="outreach:send")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Send an email message now, or at sendAt, with you as Reply-To."""
        return self.service.send(req.context.principal.user, id, req.context.body["sendAt"])
