"""Outreach message routes (also served under /api/messages)."""

from __future__ import annotations

from typing import Any

from lightninghire import endpoint
from lightninghire.pagination import page_schema
from lightninghire_plugins.outreach.messages.schemas import (
    DraftInSchema,
    MessagePatchSchema,
    MessageQuery,
    MessageSchema,
    SendSchema,
)
from lightninghire_plugins.outreach.messages.service import FEATURE, MessageService

TAGS = ["outreach"]


class MessagesResource:
    def __init__(self, service: MessageService) -> None:
        self.service = service

    @endpoint(query=MessageQuery, response=page_schema(MessageSchema), tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's outreach messages, newest first; filter by status, contact, channel."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(body=DraftInSchema, response=MessageSchema, status=201, feature=FEATURE,
              tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Draft a message for a contact, a purpose and a channel (an AI action; free: 2)."""
        return self.service.draft(req.context.principal.user, req.context.body)

    @endpoint(response=MessageSchema, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One message, its delivery status brought up to date."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=MessagePatchSchema, response=MessageSchema, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Edit a draft, cancel a scheduled send, or mark a message sent or replied."""
        return self.service.update(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a message (not while the mail outbox is delivering it)."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class SendResource:
    def __init__(self, service: MessageService) -> None:
        self.service = service

    @endpoint(body=SendSchema, response=MessageSchema, permission="outreach:send", tags=TAGS)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Send an email message now, or at sendAt, with you as Reply-To."""
        return self.service.send(req.context.principal.user, id, req.context.body["sendAt"])
