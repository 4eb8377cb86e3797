"""Support tickets and feedback. Opening a ticket or giving feedback works signed in or not
(credentials, when sent, attach the account); listing and reading need a session or API key."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from lightninghire.api import Resource, endpoint, page_schema
from lightninghire_plugins.marketing.common import is_bot
from lightninghire_plugins.marketing.support.schemas import (
    FeedbackInSchema,
    FeedbackListQuery,
    FeedbackSchema,
    TeamTicketInSchema,
    TicketInSchema,
    TicketListQuery,
    TicketSchema,
    TicketStatusInSchema,
    TicketSummarySchema,
)
from lightninghire_plugins.marketing.support.service import SupportService


class TicketsResource(Resource[SupportService]):
    @endpoint(auth="optional", body=TicketInSchema, response=TicketSchema, status=201,
              rate_limit="10/1h",
              description="Anonymous callers give `email`; a session or API key attaches the "
                          "ticket to the account (its address is used).")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Open a support ticket."""
        body = req.context.body
        user = req.context.principal.user
        if is_bot(body):
            self.service.require_email(body, user)  # a decoy fails exactly where a real one would
            return _decoy(self.service, body, user)
        return self.service.open_ticket(body, user)

    @endpoint(query=TicketListQuery, response=page_schema(TicketSummarySchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's tickets, newest first."""
        q = req.context.query
        return self.service.list_own(req.context.principal.user_id, q["status"], q["limit"],
                                     q["cursor"])

    @endpoint(response=TicketSchema)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One of the caller's tickets, with its messages."""
        return self.service.get_own(req.context.principal.user_id, id)

    @endpoint(body=TicketStatusInSchema, response=TicketSchema)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Close or reopen one of the caller's tickets."""
        return self.service.set_own_status(req.context.principal.user_id, id,
                                           req.context.body["status"])


class TeamTicketsResource(Resource[SupportService]):
    @endpoint(permission="support:admin", query=TicketListQuery,
              response=page_schema(TicketSchema, "TeamTicketPage"))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Every ticket (support staff), newest first."""
        q = req.context.query
        return self.service.list_all(q["status"], q["limit"], q["cursor"])

    @endpoint(permission="support:admin", body=TeamTicketInSchema, response=TicketSchema)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Set a ticket's status and/or reply to its requester (support staff)."""
        body = req.context.body
        return self.service.answer(id, body.get("status"), body.get("reply"))


class FeedbackResource(Resource[SupportService]):
    @endpoint(auth="optional", body=FeedbackInSchema, status=201, rate_limit="30/1h",
              description="Kinds include the feedback hooks of the product: "
                          "`wrong_company_intel`, `outdated_resource`, `course_topic`.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Give product feedback (a rating, a message or both)."""
        body = req.context.body
        user = req.context.principal.user
        if is_bot(body):
            return {"id": str(ObjectId()), "kind": body["kind"],
                    "createdAt": self.service.clock.now()}
        return self.service.feedback(body, user)

    @endpoint(permission="support:admin", query=FeedbackListQuery,
              response=page_schema(FeedbackSchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Every feedback entry (support staff), newest first."""
        q = req.context.query
        return self.service.list_feedback(q["kind"], q["limit"], q["cursor"])


def _decoy(service: SupportService, body: dict[str, Any],
           user: dict[str, Any] | None) -> dict[str, Any]:
    """What a real ticket would look like, so a bot cannot tell it was caught."""
    now = service.clock.now()
    oid = ObjectId()
    return service.view({"_id": oid, "subject": body["subject"], "category": body["category"],
                         "status": "open", "priority": "normal",
                         "email": user["email"] if user else body.get("email"),
                         "messages": [{"author": "requester", "body": body["message"],
                                       "at": now}], "createdAt": now, "updatedAt": now})
