"""Tickets and feedback: persisted first, then mail through the outbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bson import ObjectId

from lightninghire.api import Conflict, Message, NotFound, ValidationFailed, object_id_or_404, paginate

TICKETS, FEEDBACK = "marketing_support_tickets", "marketing_feedback"


def reference(oid: ObjectId | str) -> str:
    return f"T-{str(oid)[-8:].upper()}"


@dataclass(eq=False)
class SupportService:
    db: Any
    mail: Any
    events: Any
    clock: Any
    support_address: str
    is_priority: Callable[[Mapping[str, Any]], bool]

    @property
    def tickets(self) -> Any:
        return self.db[TICKETS]

    # -- tickets -------------------------------------------------------------------------------

    @staticmethod
    def require_email(body: Mapping[str, Any], user: Mapping[str, Any] | None) -> None:
        """Anonymous tickets need an address to answer to (checked for decoys too)."""
        if user is None and not body.get("email"):
            raise ValidationFailed({"email": ["Required when not signed in."]},
                                   "Invalid request body: email: required when not signed in.")

    def open_ticket(self, body: Mapping[str, Any], user: Mapping[str, Any] | None
                    ) -> dict[str, Any]:
        """A ticket from a signed-in user (their account's address) or from anyone with an
        email address."""
        self.require_email(body, user)
        now = self.clock.now()
        email = user["email"] if user else body["email"]
        doc = {
            "userId": str(user["_id"]) if user else None,
            "email": email, "name": body.get("name") or (user or {}).get("name"),
            "subject": body["subject"], "category": body["category"], "status": "open",
            "priority": "priority" if user and self.is_priority(user) else "normal",
            "messages": [{"author": "requester", "body": body["message"], "at": now}],
            "createdAt": now, "updatedAt": now, "revision": 0,
        }
        doc["_id"] = self.tickets.insert_one(doc).inserted_id
        self.events.emit("support.ticket_opened", {"id": str(doc["_id"]),
                                                   "priority": doc["priority"]},
                         user_id=doc["userId"])
        ref = reference(doc["_id"])
        tag = " [PRIORITY]" if doc["priority"] == "priority" else ""
        self.mail.send(Message(
            to=self.support_address,
            subject=f"[Ticket {ref}]{tag} {doc['category']}: {' '.join(doc['subject'].split())}",
            text=f"From: {doc['name'] or ''} <{email}>\nAccount: {doc['userId'] or 'none'}\n"
                 f"Category: {doc['category']}\nPriority: {doc['priority']}\n\n{body['message']}\n",
            reply_to=email, headers={"X-Entity-Ref-ID": f"ticket-{doc['_id']}"}))
        self.mail.send_template(email, "core/notice", {
            "name": doc["name"],
            "title": f"We received your request ({ref})",
            "body": f"Your ticket {ref} is open: \"{doc['subject']}\".\n\n"
                    f"{'Pro requests are answered first. ' if tag else ''}"
                    f"We will reply to this address.",
        }, reply_to=self.support_address)
        return self.view(doc)

    def list_own(self, user_id: str, status: str | None, limit: int, cursor: str | None
                 ) -> dict[str, Any]:
        query: dict[str, Any] = {"userId": user_id}
        if status:
            query["status"] = status
        return paginate(self.tickets, query, limit=limit, cursor=cursor, transform=self.view)

    def get_own(self, user_id: str, ticket_id: str) -> dict[str, Any]:
        doc = self.tickets.find_one({"_id": object_id_or_404(ticket_id, "ticket"), "userId": user_id})
        if doc is None:
            raise NotFound("No such ticket.")  # another user's ticket too: never 403
        return self.view(doc)

    def set_own_status(self, user_id: str, ticket_id: str, status: str) -> dict[str, Any]:
        self.get_own(user_id, ticket_id)
        self.tickets.update_one({"_id": object_id_or_404(ticket_id, "ticket"), "userId": user_id},
                                {"$set": {"status": status, "updatedAt": self.clock.now()}})
        return self.get_own(user_id, ticket_id)

    # -- the team's side -----------------------------------------------------------------------

    def list_all(self, status: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
        query = {"status": status} if status else {}
        return paginate(self.tickets, query, limit=limit, cursor=cursor, transform=self.view)

    def answer(self, ticket_id: str, status: str | None, reply: str | None) -> dict[str, Any]:
        """Set the status and/or reply; a reply is kept on the ticket and mailed."""
        oid = object_id_or_404(ticket_id, "ticket")
        for _attempt in range(5):
            doc = self.tickets.find_one({"_id": oid})
            if doc is None:
                raise NotFound("No such ticket.")
            now = self.clock.now()
            changes: dict[str, Any] = {"updatedAt": now}
            if status:
                changes["status"] = status
            if reply:
                # The whole list is written back, guarded by the revision (optimistic), because
                # nx-27017 0.8 turns existing subdocuments into JSON strings on $push.
                changes["messages"] = [*doc["messages"],
                                       {"author": "team", "body": reply, "at": now}]
            done = self.tickets.update_one({"_id": oid, "revision": doc.get("revision", 0)},
                                           {"$set": changes, "$inc": {"revision": 1}})
            if done.modified_count:
                break
        else:
            raise Conflict("The ticket changed meanwhile; try again.")
        if reply:
            ref = reference(oid)
            self.mail.send_template(doc["email"], "core/notice", {
                "name": doc.get("name"), "title": f"Re: {doc['subject']} ({ref})",
                "body": reply}, reply_to=self.support_address)
        return self.view(self.tickets.find_one({"_id": oid}))

    @staticmethod
    def view(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "reference": reference(doc["_id"]),
                "subject": doc["subject"], "category": doc["category"],
                "status": doc["status"], "priority": doc["priority"], "email": doc["email"],
                "messages": doc["messages"], "createdAt": doc["createdAt"],
                "updatedAt": doc["updatedAt"]}

    # -- feedback ------------------------------------------------------------------------------

    def feedback(self, body: Mapping[str, Any], user: Mapping[str, Any] | None) -> dict[str, Any]:
        now = self.clock.now()
        doc = {key: body.get(key) for key in ("kind", "rating", "message", "page", "target")}
        doc.update(userId=str(user["_id"]) if user else None,
                   email=user["email"] if user else body.get("email"), createdAt=now)
        doc["_id"] = self.db[FEEDBACK].insert_one(doc).inserted_id
        self.events.emit("feedback.received", {"id": str(doc["_id"]), "kind": doc["kind"],
                                               "target": doc["target"]}, user_id=doc["userId"])
        return {"id": str(doc["_id"]), "kind": doc["kind"], "createdAt": now}

    def list_feedback(self, kind: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
        query = {"kind": kind} if kind else {}
        return paginate(self.db[FEEDBACK], query, limit=limit, cursor=cursor,
                        transform=lambda d: {**d, "id": str(d["_id"])})
