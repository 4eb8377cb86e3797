"""Contacts: the user's network CRM. Every query filters by the owner's id string."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from pymongo import DESCENDING

from lightninghire.api import OwnedDocuments, PaymentRequired, as_object_id, given, paginate
from lightninghire_plugins.outreach.common import utc
from lightninghire_plugins.outreach.contacts.csvimport import parse_rows
from lightninghire_plugins.outreach.contacts.schemas import MAX_IMPORT_ROWS, ContactInSchema

CONTACTS = "outreach_contacts"
FEATURE = "contacts"
WARMTH_DECAY = timedelta(days=90)  # PRODUCT §5.1: a hot contact quiet for 90 days
SEARCHED = ("name", "email", "company", "title")


def _tags(tags: list[str] | None) -> list[str]:
    # Lower-cased and de-duplicated in order: "ML" and "ml " are one tag.
    seen: list[str] = []
    for tag in tags or []:
        tag = tag.strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


class ContactService:
    def __init__(self, collection: Any, clock: Any,
                 consume: Callable[[Mapping[str, Any]], Any]) -> None:
        self.collection = collection
        self.owned = OwnedDocuments(self.collection, what="contact")
        self.clock = clock
        # Takes one unit of the "contacts" feature for a user (raises PaymentRequired at the cap).
        self.consume = consume

    # -- reads ---------------------------------------------------------------------------------

    def get(self, user_id: str, contact_id: str) -> dict[str, Any]:
        return self.public(self.owned.find(user_id, contact_id))

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter_: dict[str, Any] = {"userId": user_id, **given(query, "warmth")}
        if query.get("tag"):
            filter_["tags"] = query["tag"].strip().lower()
        if query.get("followUpDue"):
            filter_["nextFollowUpAt"] = {"$lte": self.clock.now()}
        if query.get("q"):
            pattern = re.escape(query["q"].strip())
            filter_["$or"] = [{field: {"$regex": pattern, "$options": "i"}} for field in SEARCHED]
            filter_["$or"].append({"tags": query["q"].strip().lower()})
        return paginate(self.collection, filter_, limit=query["limit"], cursor=query["cursor"],
                        transform=self.public)

    def by_email(self, user_id: str, email: str) -> dict[str, Any] | None:
        return self.collection.find_one({"userId": user_id, "emailLower": email.lower()})

    def recent(self, user_id: str, limit: int) -> list[dict[str, Any]]:
        return list(self.collection.find({"userId": user_id})
                    .sort("updatedAt", DESCENDING).limit(limit))

    # -- writes --------------------------------------------------------------------------------

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        doc = {"userId": user_id, **self._stored(body), "createdAt": now, "updatedAt": now}
        doc.setdefault("warmth", "cold")
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return self.public(doc)

    def update(self, user_id: str, contact_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.owned.find(user_id, contact_id)
        changes = {**self._stored(body), "updatedAt": self.clock.now()}
        self.collection.update_one({"_id": doc["_id"], "userId": user_id}, {"$set": changes})
        return self.public({**doc, **changes})

    def delete(self, user_id: str, contact_id: str) -> None:
        doc = self.owned.find(user_id, contact_id)
        self.collection.delete_one({"_id": doc["_id"], "userId": user_id})

    def touch(self, user_id: str, contact_id: str, *, contacted_at: datetime | None = None,
              follow_up_at: datetime | None = None, clear_follow_up: datetime | None = None,
              ) -> None:
        """Record an interaction from outreach: last contacted, the next follow-up."""
        oid = as_object_id(contact_id)
        if oid is None:
            return
        changes: dict[str, Any] = {"updatedAt": self.clock.now()}
        if contacted_at is not None:
            changes["lastContactedAt"] = contacted_at
        if follow_up_at is not None:
            changes["nextFollowUpAt"] = follow_up_at
        self.collection.update_one({"_id": oid, "userId": user_id}, {"$set": changes})
        if clear_follow_up is not None:
            # Only the follow-up this message set: a later one the user chose stays.
            self.collection.update_one(
                {"_id": oid, "userId": user_id, "nextFollowUpAt": clear_follow_up},
                {"$set": {"nextFollowUpAt": None}})

    def import_csv(self, user: Mapping[str, Any], text: str) -> dict[str, Any]:
        """Create a contact per valid CSV row, one ``contacts`` unit each, until the plan's cap.

        Rows whose email is already in the network are duplicates (skipped). A file of which
        not one row fits under the cap is a 402, like a single create.
        """
        user_id = str(user["_id"])
        rows = parse_rows(text, MAX_IMPORT_ROWS)
        schema = ContactInSchema()
        valid: list[dict[str, Any]] = []
        invalid: list[dict[str, Any]] = []
        emails: set[str] = set()
        duplicates = 0
        for number, row in enumerate(rows, start=1):
            try:
                body = schema.load(row, unknown="exclude")
            except ValidationError as exc:
                invalid.append({"row": number, "problems": exc.normalized_messages()})
                continue
            email = (body.get("email") or "").lower()
            if email and (email in emails or self.by_email(user_id, email)):
                duplicates += 1
                continue
            if email:
                emails.add(email)
            valid.append(body)
        ids: list[str] = []
        refused: PaymentRequired | None = None
        for body in valid:
            try:
                self.consume(user)
            except PaymentRequired as exc:
                refused = exc
                break
            ids.append(self.create(user_id, body)["id"])
        if refused is not None and not ids:
            raise refused
        return {"imported": len(ids), "duplicates": duplicates, "invalid": invalid,
                "notImported": len(valid) - len(ids), "limitReached": refused is not None,
                "ids": ids}

    # -- shapes --------------------------------------------------------------------------------

    @staticmethod
    def _stored(body: Mapping[str, Any]) -> dict[str, Any]:
        doc = dict(body)
        for key in ("lastContactedAt", "nextFollowUpAt"):
            if key in doc:
                doc[key] = utc(doc[key])
        if "tags" in doc:
            doc["tags"] = _tags(doc["tags"])
        if "email" in doc:
            # Kept beside the address as typed: duplicate checks and lookups ignore case.
            doc["emailLower"] = doc["email"].lower() if doc["email"] else None
        return doc

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        last = doc.get("lastContactedAt") or doc.get("createdAt")
        decayed = bool(doc.get("warmth") == "hot" and last is not None
                       and self.clock.now() - last >= WARMTH_DECAY)
        return {
            "id": str(doc["_id"]), "name": doc["name"], "email": doc.get("email"),
            "company": doc.get("company"), "title": doc.get("title"),
            "contactType": doc.get("contactType"), "linkedinUrl": doc.get("linkedinUrl"),
            "phone": doc.get("phone"), "warmth": doc.get("warmth", "cold"),
            "tags": list(doc.get("tags") or []), "notes": doc.get("notes"),
            "lastContactedAt": doc.get("lastContactedAt"),
            "nextFollowUpAt": doc.get("nextFollowUpAt"), "warmthDecay": decayed,
            "createdAt": doc["createdAt"], "updatedAt": doc["updatedAt"],
        }
