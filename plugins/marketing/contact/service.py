"""Contact messages: stored, then a notification to the team and a receipt to the sender."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bson import ObjectId

from lightninghire.api import Message

CONTACT = "marketing_contact_messages"
PRIVACY_RESPONSE = timedelta(days=30)  # the privacy page's promise for data-rights requests


class ContactService:
    def __init__(self, db: Any, mail: Any, events: Any, clock: Any, support_address: str) -> None:
        self.db = db
        self.mail = mail
        self.events = events
        self.clock = clock
        self.support_address = support_address

    def submit(self, body: dict[str, Any], user_id: str | None = None) -> dict[str, Any]:
        now = self.clock.now()
        respond_by = now + PRIVACY_RESPONSE if body["topic"] == "privacy" else None
        doc = {"name": body["name"], "email": body["email"], "topic": body["topic"],
               "subject": body["subject"], "message": body["message"], "status": "new",
               "userId": user_id, "createdAt": now, "respondBy": respond_by}
        doc["_id"] = self.db[CONTACT].insert_one(doc).inserted_id
        self.events.emit("contact.received", {"id": str(doc["_id"]), "topic": body["topic"]},
                         user_id=user_id)
        self._notify(doc)
        return {"id": str(doc["_id"]), "topic": doc["topic"], "receivedAt": now,
                "respondBy": respond_by}

    def decoy(self, body: dict[str, Any]) -> dict[str, Any]:
        """The answer a trapped bot gets: shaped like a real receipt, nothing stored."""
        now = self.clock.now()
        respond_by = now + PRIVACY_RESPONSE if body["topic"] == "privacy" else None
        return {"id": str(ObjectId()), "topic": body["topic"], "receivedAt": now,
                "respondBy": respond_by}

    def _notify(self, doc: dict[str, Any]) -> None:
        ref = _reference(doc["_id"])
        subject = doc["subject"] or "(no subject)"
        deadline = (f"\nRespond by: {doc['respondBy']:%Y-%m-%d} (privacy request)\n"
                    if doc["respondBy"] else "")
        # Replying to the notification answers the person directly.
        self.mail.send(Message(
            to=self.support_address,
            subject=f"[Contact {ref}] {doc['topic']}: {_one_line(subject)}",
            text=f"From: {doc['name']} <{doc['email']}>\nTopic: {doc['topic']}\n{deadline}\n"
                 f"{doc['message']}\n",
            reply_to=doc["email"], headers={"X-Entity-Ref-ID": f"contact-{doc['_id']}"}))
        when = ("We answer privacy requests within 30 days." if doc["respondBy"]
                else "A person on our team will get back to you, usually within two business days.")
        self.mail.send_template(doc["email"], "core/notice", {
            "name": doc["name"],
            "title": f"We received your message ({ref})",
            "body": f"Thanks for writing to LightningHire. {when}\n\n"
                    f"Your reference is {ref}; reply to this email to add anything.",
        }, reply_to=self.support_address)


def _reference(oid: ObjectId) -> str:
    return f"C-{str(oid)[-8:].upper()}"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:150]
