"""Outreach messages: AI drafts, sending through the core outbox, statuses and follow-ups.

Status moves: draft -> scheduled (waiting for its time, or in the mail outbox) -> sent | failed;
sent -> replied. A message is persisted before any mail is handed over, and its status follows
the outbox record (``services.mail.status``), so a failed delivery is retried by the outbox and
never lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from datetime import timedelta
from email.utils import formataddr
from typing import Any

from pymongo import DESCENDING, ReturnDocument

from lightninghire.api import (
    Conflict,
    Message,
    OwnedDocuments,
    ValidationFailed,
    as_object_id,
    given,
    paginate,
)
from lightninghire_plugins.outreach.common import Users, sender_of, utc
from lightninghire_plugins.outreach.contacts.service import ContactService
from lightninghire_plugins.outreach.messages.drafting import TASK, fit_linkedin_connection
from lightninghire_plugins.outreach.messages.quota import DailySends, next_midnight
from lightninghire_plugins.outreach.notifications.service import NotificationService
from lightninghire_plugins.outreach.templates.rendering import values_for
from lightninghire_plugins.outreach.templates.service import TemplateService

MESSAGES = "outreach_messages"
FEATURE = "outreach_messages"
MAIL_LIST = "outreach"
DRAFT, SCHEDULED, SENT, FAILED, REPLIED = "draft", "scheduled", "sent", "failed", "replied"
# PRODUCT §5.2: ~7 days for LinkedIn, ~5 for e-mail; the rest follow LinkedIn's pace.
FOLLOW_UP_DAYS = {"linkedin_connection": 7, "linkedin_dm": 7, "email": 5, "phone": 7,
                  "in_person": 7}
CLAIM = timedelta(minutes=5)  # longer than one hand-over to the outbox ever takes
MAX_SCHEDULE = timedelta(days=365)
PURPOSE_LABELS = {"connection_request": "connection request",
                  "informational_interview": "informational interview request",
                  "referral_ask": "referral ask", "follow_up": "follow-up",
                  "thank_you": "thank-you note", "reconnect": "reconnect note",
                  "congrats": "congratulations"}
CHANNEL_LABELS = {"linkedin_connection": "LinkedIn request", "linkedin_dm": "LinkedIn message",
                  "email": "email", "phone": "call", "in_person": "conversation"}


@dataclass(eq=False)
class MessageService:
    collection: Any
    clock: Any
    ai: Any
    mail: Any
    events: Any
    contacts: ContactService
    templates: TemplateService
    notifications: NotificationService
    users: Users
    quota: DailySends
    follow_up_overrides: InitVar[Mapping[str, int] | None] = None

    def __post_init__(self, follow_up_overrides: Mapping[str, int] | None) -> None:
        self.owned = OwnedDocuments(self.collection, what="message")
        self.follow_up_days = {**FOLLOW_UP_DAYS, **(follow_up_overrides or {})}

    # -- drafting ------------------------------------------------------------------------------

    def draft(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        """An AI draft for one of the user's contacts, from a template when one is named."""
        user_id = str(user["_id"])
        contact = self.contacts.owned.find(user_id, body["contactId"])
        sender = sender_of(user)
        context = body.get("context", "").strip()
        template = None
        if body.get("templateId"):
            chosen = self.templates.get(user_id, body["templateId"])
            template = self.templates.render(chosen, values_for(contact, sender, context))
        inputs = {
            "contact": {"name": contact["name"], "company": contact.get("company") or "",
                        "title": contact.get("title") or "",
                        "contactType": contact.get("contactType") or "",
                        "warmth": contact.get("warmth", "cold"),
                        "notes": (contact.get("notes") or "")[:1000]},
            "purpose": body["purpose"], "channel": body["channel"],
            "sender": {"name": sender["name"], "role": sender["role"],
                       "targetRole": sender["targetRole"]},
            "context": context, "template": template,
        }
        result = self.ai.run(TASK, inputs, user=user)
        subject, text = self._fit(body["channel"], result.data["subject"], result.data["body"])
        now = self.clock.now()
        doc = {"userId": user_id, "contactId": str(contact["_id"]), "contactName": contact["name"],
               "contactEmail": contact.get("email"), "purpose": body["purpose"],
               "channel": body["channel"], "subject": subject, "body": text, "status": DRAFT,
               "templateId": body.get("templateId"), "context": context, "scheduledAt": None,
               "sentAt": None, "repliedAt": None, "followUpAt": None, "followUpNotifiedAt": None,
               "mailId": None, "deliveryStatus": None, "lastError": None, "claimUntil": None,
               "aiProvider": result.provider, "createdAt": now, "updatedAt": now}
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return self.public(doc)

    @staticmethod
    def _fit(channel: str, subject: str, body: str) -> tuple[str, str]:
        # Whatever a model answered, the channel's rules hold.
        subject = " ".join(subject.split())[:200] if channel == "email" else ""
        body = body.strip()
        if channel == "linkedin_connection":
            body = fit_linkedin_connection(body)
        return subject, body

    # -- reads ---------------------------------------------------------------------------------

    def get(self, user_id: str, message_id: str) -> dict[str, Any]:
        return self.public(self.sync(self.owned.find(user_id, message_id)))

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter_ = {"userId": user_id, **given(query, "status", "contactId", "channel")}
        if query.get("followUpDue"):
            filter_.update(status=SENT, followUpAt={"$lte": self.clock.now()})
        return paginate(self.collection, filter_, limit=query["limit"], cursor=query["cursor"],
                        transform=self.public)

    def recent(self, user_id: str, limit: int) -> list[dict[str, Any]]:
        return list(self.collection.find({"userId": user_id}).sort("_id", DESCENDING).limit(limit))

    # -- edits and manual status ---------------------------------------------------------------

    def update(self, user_id: str, message_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.sync(self.owned.find(user_id, message_id))
        now = self.clock.now()
        if "subject" in body or "body" in body:
            if doc["status"] not in (DRAFT, FAILED):
                raise Conflict(f"A {doc['status']} message cannot be edited.")
            subject, text = self._fit(doc["channel"], body.get("subject", doc["subject"]),
                                      body.get("body", doc["body"]))
            doc = self._set(doc, {"subject": subject, "body": text, "updatedAt": now})
        target = body.get("status")
        if target is None or target == doc["status"]:
            return self.public(doc)
        if target == DRAFT:
            doc = self._back_to_draft(doc)
        elif target == SENT:
            if doc["status"] not in (DRAFT, FAILED):
                raise Conflict(f"A {doc['status']} message cannot be marked sent.")
            doc = self._mark_sent(doc, {"status": DRAFT if doc["status"] == DRAFT else FAILED})
        else:  # replied
            if doc["status"] != SENT:
                raise Conflict("Only a sent message can get a reply.")
            follow_up_was = doc.get("followUpAt")
            doc = self._set(doc, {"status": REPLIED, "repliedAt": now, "followUpAt": None,
                                  "updatedAt": now})
            self.contacts.touch(user_id, doc["contactId"], contacted_at=now,
                                clear_follow_up=follow_up_was)
            self.events.emit("outreach.replied", {"messageId": str(doc["_id"]),
                                                  "contactId": doc["contactId"]}, user_id=user_id)
        return self.public(doc)

    def _back_to_draft(self, doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] == FAILED:
            return self._set(doc, {"status": DRAFT, "lastError": None, "mailId": None,
                                   "deliveryStatus": None, "updatedAt": self.clock.now()})
        if doc["status"] != SCHEDULED:
            raise Conflict(f"A {doc['status']} message cannot go back to draft.")
        # Cancel only what the dispatcher has not taken: once in the mail outbox it will go.
        now = self.clock.now()
        cancelled = self.collection.find_one_and_update(
            {"_id": doc["_id"], "status": SCHEDULED, "mailId": None,
             "$or": [{"claimUntil": None}, {"claimUntil": {"$lte": now}}]},
            {"$set": {"status": DRAFT, "scheduledAt": None, "claimUntil": None,
                      "updatedAt": now}},
            return_document=ReturnDocument.AFTER)
        if cancelled is None:
            raise Conflict("This message is already being delivered.")
        return cancelled

    def delete(self, user_id: str, message_id: str) -> None:
        doc = self.sync(self.owned.find(user_id, message_id))
        if doc["status"] == SCHEDULED and doc.get("mailId"):
            raise Conflict("This message is being delivered; delete it once it is sent.")
        self.collection.delete_one({"_id": doc["_id"], "userId": user_id})

    # -- sending -------------------------------------------------------------------------------

    def send(self, user: Mapping[str, Any], message_id: str,
             send_at: Any = None) -> dict[str, Any]:
        """Send an email draft now through the outbox, or schedule it for ``send_at``."""
        user_id = str(user["_id"])
        doc = self.owned.find(user_id, message_id)
        if doc["channel"] != "email":
            raise Conflict("Only email messages are sent from LightningHire: send this one "
                           "yourself, then mark it sent.")
        if doc["status"] not in (DRAFT, FAILED):
            raise Conflict(f"This message is already {doc['status']}.")
        if not doc["subject"].strip():
            raise ValidationFailed({"subject": ["An email needs a subject."]},
                                   "Invalid request: the email has no subject.")
        self._recipient(doc)  # a contact without an address is refused before anything changes
        now = self.clock.now()
        send_at = utc(send_at)
        later = send_at is not None and send_at > now
        if later and send_at - now > MAX_SCHEDULE:
            raise ValidationFailed({"sendAt": ["At most a year ahead."]})
        if not later:
            self.quota.take(user)  # 429 once today's sends are spent (a scheduled one: later)
        # Persisted first: claimed by this request so the dispatcher leaves it alone.
        claimed = self.collection.find_one_and_update(
            {"_id": doc["_id"], "status": {"$in": [DRAFT, FAILED]}},
            {"$set": {"status": SCHEDULED, "scheduledAt": send_at if later else now,
                      "claimUntil": None if later else now + CLAIM, "mailId": None,
                      "deliveryStatus": None, "lastError": None, "updatedAt": now}},
            return_document=ReturnDocument.AFTER)
        if claimed is None:
            if not later:
                self.quota.give_back(user)
            raise Conflict("This message changed meanwhile; reload it.")
        if later:
            return self.public(claimed)
        return self.public(self._hand_over(claimed, user))

    def _recipient(self, doc: Mapping[str, Any]) -> str:
        oid = as_object_id(doc["contactId"])
        contact = self.contacts.collection.find_one({"_id": oid, "userId": doc["userId"]})
        # A deleted contact keeps the address the draft was written for.
        name = (contact or {}).get("name") or doc["contactName"]
        email = (contact or {}).get("email") or doc.get("contactEmail")
        if not email:
            raise ValidationFailed({"contactId": ["This contact has no email address."]},
                                   "Invalid request: the contact has no email address.")
        return formataddr((name, email))

    def _hand_over(self, doc: dict[str, Any], user: Mapping[str, Any] | None) -> dict[str, Any]:
        """Give a claimed message to the mail outbox and record what became of it."""
        if user is None or user.get("disabled") or not user.get("email"):
            return self._apply(doc, "dead", None, "The sender's account is not active.")
        sender = sender_of(user)
        try:
            message = Message(
                to=self._recipient(doc), subject=doc["subject"], text=doc["body"] + "\n",
                reply_to=formataddr((sender["name"], sender["email"])),
                headers={"X-Entity-Ref-ID": f"outreach-{doc['_id']}"})
            # List mail: a recipient can opt out of all outreach sent through LightningHire.
            result = self.mail.send(message, list=MAIL_LIST)
        except (ValueError, ValidationFailed) as exc:
            return self._apply(doc, "dead", None, str(exc))
        return self._apply(doc, result.status, result.id, result.error)

    def _apply(self, doc: dict[str, Any], mail_status: str, mail_id: str | None,
               error: str | None) -> dict[str, Any]:
        """Move a scheduled message by its outbox status; side effects only for the caller whose
        conditional update won (the task and a request may look at the same time)."""
        now = self.clock.now()
        match = {"_id": doc["_id"], "status": SCHEDULED, "mailId": doc.get("mailId")}
        if mail_status == "sent":
            follow_up = now + timedelta(days=self.follow_up_days.get(doc["channel"], 7))
            changes = {"status": SENT, "sentAt": now, "followUpAt": follow_up,
                       "mailId": mail_id, "deliveryStatus": "sent", "lastError": None,
                       "claimUntil": None, "updatedAt": now}
        elif mail_status in ("queued", "sending"):
            changes = {"mailId": mail_id, "deliveryStatus": mail_status, "lastError": error,
                       "claimUntil": None, "updatedAt": now}
        else:  # dead, suppressed
            if mail_status == "suppressed":
                error = "The recipient has unsubscribed from outreach email."
            changes = {"status": FAILED, "mailId": mail_id, "deliveryStatus": mail_status,
                       "lastError": error or "Delivery failed.", "claimUntil": None,
                       "updatedAt": now}
        updated = self.collection.find_one_and_update(match, {"$set": changes},
                                                      return_document=ReturnDocument.AFTER)
        if updated is None:
            return self.collection.find_one({"_id": doc["_id"]}) or doc
        if changes.get("status") == SENT:
            self.contacts.touch(doc["userId"], doc["contactId"], contacted_at=now,
                                follow_up_at=changes["followUpAt"])
            self.events.emit("outreach.sent", {"messageId": str(doc["_id"]),
                                               "contactId": doc["contactId"],
                                               "channel": doc["channel"]}, user_id=doc["userId"])
        elif changes.get("status") == FAILED:
            self.notifications.notify(
                doc["userId"], "outreach_failed", f"Your email to {doc['contactName']} was not sent",
                changes["lastError"], url=f"/outreach/{doc['_id']}",
                preference="outreachFollowUps", source="outreach")
        return updated

    def _mark_sent(self, doc: dict[str, Any], match: Mapping[str, Any]) -> dict[str, Any]:
        """The user sent it outside LightningHire: record it and plan the follow-up."""
        now = self.clock.now()
        follow_up = now + timedelta(days=self.follow_up_days.get(doc["channel"], 7))
        updated = self.collection.find_one_and_update(
            {"_id": doc["_id"], **match},
            {"$set": {"status": SENT, "sentAt": now, "followUpAt": follow_up, "updatedAt": now}},
            return_document=ReturnDocument.AFTER)
        if updated is None:
            raise Conflict("This message changed meanwhile; reload it.")
        self.contacts.touch(doc["userId"], doc["contactId"], contacted_at=now,
                            follow_up_at=follow_up)
        self.events.emit("outreach.sent", {"messageId": str(doc["_id"]),
                                           "contactId": doc["contactId"],
                                           "channel": doc["channel"]}, user_id=doc["userId"])
        return updated

    def _set(self, doc: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
        self.collection.update_one({"_id": doc["_id"], "userId": doc["userId"]},
                                   {"$set": dict(changes)})
        return {**doc, **changes}

    def sync(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Bring a message handed to the outbox up to date with the outbox record."""
        if doc["status"] != SCHEDULED or not doc.get("mailId"):
            return doc
        record = self.mail.status(doc["mailId"])
        if record is None:
            return doc
        status = record["status"]
        unchanged = (status == doc.get("deliveryStatus")
                     and record.get("lastError") == doc.get("lastError"))
        if unchanged and status in ("queued", "sending"):
            return doc
        return self._apply(doc, status, doc["mailId"], record.get("lastError"))

    # -- the task's batches --------------------------------------------------------------------

    def dispatch_due(self, limit: int = 100) -> dict[str, int]:
        """Hand scheduled messages whose time came to the outbox (claimed one at a time)."""
        counts = {"dispatched": 0, "deferred": 0, "sent": 0, "failed": 0}
        for _ in range(limit):
            now = self.clock.now()
            doc = self.collection.find_one_and_update(
                {"status": SCHEDULED, "mailId": None, "scheduledAt": {"$lte": now},
                 "$or": [{"claimUntil": None}, {"claimUntil": {"$lte": now}}]},
                {"$set": {"claimUntil": now + CLAIM}}, return_document=ReturnDocument.AFTER)
            if doc is None:
                break
            user = self.users.get(doc["userId"], with_tier=True)
            if user and not user.get("disabled") and user.get("email") \
                    and not self.quota.try_take(user):
                self._defer(doc, now)
                counts["deferred"] += 1
                continue
            done = self._hand_over(doc, user)
            counts["dispatched"] += 1
            if done["status"] in (SENT, FAILED):
                counts[done["status"]] += 1
        return counts

    def _defer(self, doc: Mapping[str, Any], now: Any) -> None:
        """The sender's daily allowance is spent: the message waits for the next UTC day."""
        self.collection.update_one(
            {"_id": doc["_id"], "status": SCHEDULED, "mailId": None},
            {"$set": {"scheduledAt": next_midnight(now), "claimUntil": None,
                      "deliveryStatus": "deferred", "updatedAt": now,
                      "lastError": "Today's outreach email limit is reached: it goes out after "
                                   "midnight UTC."}})

    def sync_delivering(self, limit: int = 200) -> dict[str, int]:
        """Follow the outbox for messages it is still retrying."""
        counts = {"synced": 0, "sent": 0, "failed": 0}
        for doc in self.collection.find({"status": SCHEDULED, "mailId": {"$ne": None}}).limit(limit):
            done = self.sync(doc)
            counts["synced"] += 1
            if done["status"] in (SENT, FAILED):
                counts[done["status"]] += 1
        return counts

    def remind_follow_ups(self, limit: int = 200) -> int:
        """One inbox notification per sent message with no reply once its follow-up is due."""
        reminded = 0
        for _ in range(limit):
            now = self.clock.now()
            doc = self.collection.find_one_and_update(
                {"status": SENT, "followUpAt": {"$lte": now}, "followUpNotifiedAt": None},
                {"$set": {"followUpNotifiedAt": now}}, return_document=ReturnDocument.AFTER)
            if doc is None:
                break
            reminded += 1
            what = PURPOSE_LABELS[doc["purpose"]]
            how = CHANNEL_LABELS[doc["channel"]]
            self.notifications.notify(
                doc["userId"], "outreach_follow_up", f"Follow up with {doc['contactName']}",
                f"No reply yet to your {what} ({how}) sent {doc['sentAt']:%b %d}. A short, "
                f"friendly nudge works best now.", url=f"/outreach/{doc['_id']}",
                preference="outreachFollowUps", source="outreach")
            self.events.emit("outreach.follow_up_due", {"messageId": str(doc["_id"]),
                                                        "contactId": doc["contactId"]},
                             user_id=doc["userId"])
        return reminded

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {key: doc.get(key) for key in (
            "contactId", "contactName", "purpose", "channel", "subject", "body", "status",
            "templateId", "context", "scheduledAt", "sentAt", "repliedAt", "followUpAt",
            "deliveryStatus", "lastError", "aiProvider", "createdAt", "updatedAt")} | {
            "id": str(doc["_id"])}
