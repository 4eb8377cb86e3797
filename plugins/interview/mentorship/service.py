"""Mentorship: mentor profiles with bookable slots, matching against the seeker's target
roles, bookings (one per slot, enforced by a conditional update) and cancellation by either
side. Both sides are told through domain events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import BadRequest, Conflict, NotFound, content_words, object_id_or_404, paginate, stem
from lightninghire_plugins.interview.common import clean_list

MENTORS = "interview_mentors"
SLOTS = "interview_mentor_slots"
BOOKINGS = "interview_mentor_bookings"
COLLECTIONS = {
    MENTORS: [IndexModel([("userId", ASCENDING)], unique=True)],
    SLOTS: [IndexModel([("mentorId", ASCENDING), ("startsAt", ASCENDING)]),
            IndexModel([("userId", ASCENDING)])],
    BOOKINGS: [IndexModel([("userId", ASCENDING), ("startsAt", DESCENDING)]),
               IndexModel([("mentorUserId", ASCENDING), ("startsAt", DESCENDING)])],
}
MAX_OPEN_SLOTS = 200
BOOKED, CANCELLED = "booked", "cancelled"


def _stems(items: list[str]) -> set[str]:
    return {stem(w) for item in items for w in content_words(item)}


class MentorshipService:
    def __init__(self, db: Any, clock: Any, events: Any) -> None:
        self.db = db
        self.clock = clock
        self.events = events

    # -- the mentor's side ----------------------------------------------------------------------

    def save_profile(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        fields = {**body, "expertise": clean_list(body["expertise"]),
                  "roles": clean_list(body["roles"]), "updatedAt": now}
        self.db[MENTORS].update_one({"userId": user_id}, {"$set": fields}, upsert=True)
        return self.profile(user_id)

    def _own_profile(self, user_id: str) -> dict[str, Any]:
        doc = self.db[MENTORS].find_one({"userId": user_id})
        if doc is None:
            raise NotFound("You have no mentor profile yet: PUT /api/mentorship/profile.")
        return doc

    def profile(self, user_id: str) -> dict[str, Any]:
        return self.public_mentor(self._own_profile(user_id), with_slots=True)

    def add_slots(self, user_id: str, slots: list[Mapping[str, Any]]) -> dict[str, Any]:
        mentor = self._own_profile(user_id)
        now = self.clock.now()
        if any(s["startsAt"] <= now for s in slots):
            raise BadRequest("Slots must start in the future.")
        open_count = self.db[SLOTS].count_documents({"mentorId": str(mentor["_id"]),
                                                     "startsAt": {"$gt": now}},
                                                    limit=MAX_OPEN_SLOTS + 1)
        if open_count + len(slots) > MAX_OPEN_SLOTS:
            raise Conflict(f"At most {MAX_OPEN_SLOTS} future slots at a time.")
        rows = [{"userId": user_id, "mentorId": str(mentor["_id"]), "startsAt": s["startsAt"],
                 "durationMinutes": s["durationMinutes"], "bookingId": None, "bookedBy": None,
                 "createdAt": now} for s in slots]
        self.db[SLOTS].insert_many(rows)
        return {"items": [self.public_slot(r) for r in rows]}

    def my_slots(self, user_id: str) -> dict[str, Any]:
        mentor = self._own_profile(user_id)
        docs = self.db[SLOTS].find({"mentorId": str(mentor["_id"]),
                                    "startsAt": {"$gt": self.clock.now()}})
        return {"items": [self.public_slot(d) for d in docs.sort("startsAt", ASCENDING)]}

    def delete_slot(self, user_id: str, slot_id: str) -> None:
        removed = self.db[SLOTS].delete_one({"_id": object_id_or_404(slot_id, "slot"), "userId": user_id,
                                             "bookedBy": None})
        if not removed.deleted_count:
            if self.db[SLOTS].find_one({"_id": object_id_or_404(slot_id, "slot"), "userId": user_id}):
                raise Conflict("This slot is booked: cancel the booking first.")
            raise NotFound("No such slot.")

    # -- the seeker's side ----------------------------------------------------------------------

    def _open_slots(self, mentor_id: str, limit: int = 10) -> list[dict[str, Any]]:
        docs = self.db[SLOTS].find({"mentorId": mentor_id, "bookedBy": None,
                                    "startsAt": {"$gt": self.clock.now()}})
        return list(docs.sort("startsAt", ASCENDING).limit(limit))

    def mentors(self, user: Mapping[str, Any], query: Mapping[str, Any]) -> dict[str, Any]:
        """Active mentors, best match first for the user's target roles (and ``q``)."""
        profile = user.get("profile") or {}
        wanted_roles = [str(r) for r in profile.get("targetRoles") or [] if isinstance(r, str)]
        asked = _stems([query["q"]]) if query.get("q") else set()
        wanted = _stems(wanted_roles) | asked
        filter_: dict[str, Any] = {"active": True}
        if query.get("expertise"):
            filter_["expertise"] = {"$all": [query["expertise"]]}
        docs = [d for d in self.db[MENTORS].find(filter_).limit(1000)
                if d["userId"] != str(user["_id"])]
        ranked = []
        for doc in docs:
            terms = _stems(doc.get("roles", [])) | _stems(doc.get("expertise", [])) | \
                _stems([doc.get("headline", "")])
            matched = sorted({w for w in [*doc.get("roles", []), *doc.get("expertise", [])]
                              if _stems([w]) & wanted})
            score = round(len(wanted & terms) / len(wanted), 2) if wanted else None
            if asked and not asked & terms:
                continue  # a search keeps only mentors it names
            ranked.append((score or 0, str(doc["_id"]), doc, matched, score))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        offset = int(query["cursor"]) if (query.get("cursor") or "").isdigit() else 0
        page = ranked[offset: offset + query["limit"]]
        items = [{**self.public_mentor(doc, with_slots=True), "matchScore": score,
                  "matchedOn": matched} for _, _, doc, matched, score in page]
        more = offset + query["limit"] < len(ranked)
        return {"items": items, "nextCursor": str(offset + query["limit"]) if more else None}

    def mentor(self, mentor_id: str) -> dict[str, Any]:
        doc = self.db[MENTORS].find_one({"_id": object_id_or_404(mentor_id, "mentor"), "active": True})
        if doc is None:
            raise NotFound("No such mentor.")
        return self.public_mentor(doc, with_slots=True)

    def book(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        slot = self.db[SLOTS].find_one({"_id": object_id_or_404(body["slotId"], "slot")})
        mentor = self.db[MENTORS].find_one({"_id": ObjectId(slot["mentorId"]), "active": True}) \
            if slot else None
        if slot is None or mentor is None:
            raise NotFound("No such slot.")
        if slot["userId"] == user_id:
            raise BadRequest("You cannot book your own slot.")
        booking_id = ObjectId()
        # One conditional update decides who gets the slot, however many try at once.
        claimed = self.db[SLOTS].update_one(
            {"_id": slot["_id"], "bookedBy": None, "startsAt": {"$gt": now}},
            {"$set": {"bookedBy": user_id, "bookingId": str(booking_id)}})
        if not claimed.modified_count:
            raise Conflict("This slot is already taken (or has passed): pick another one.")
        booking = {"_id": booking_id, "userId": user_id, "mentorUserId": slot["userId"],
                   "mentorId": slot["mentorId"], "mentorName": mentor["name"],
                   "slotId": str(slot["_id"]), "startsAt": slot["startsAt"],
                   "durationMinutes": slot["durationMinutes"], "topic": body["topic"],
                   "status": BOOKED, "createdAt": now, "cancelledAt": None}
        self.db[BOOKINGS].insert_one(booking)
        self._tell_both("mentorship.booked", booking)
        return self.public_booking(booking, user_id)

    def _booking(self, user_id: str, booking_id: str) -> dict[str, Any]:
        doc = self.db[BOOKINGS].find_one({"_id": object_id_or_404(booking_id, "booking"),
                                          "$or": [{"userId": user_id},
                                                  {"mentorUserId": user_id}]})
        if doc is None:
            raise NotFound("No such booking.")
        return doc

    def get_booking(self, user_id: str, booking_id: str) -> dict[str, Any]:
        return self.public_booking(self._booking(user_id, booking_id), user_id)

    def cancel(self, user_id: str, booking_id: str) -> dict[str, Any]:
        doc = self._booking(user_id, booking_id)
        if doc["status"] == CANCELLED:
            return self.public_booking(doc, user_id)
        now = self.clock.now()
        changed = self.db[BOOKINGS].update_one(
            {"_id": doc["_id"], "status": BOOKED},
            {"$set": {"status": CANCELLED, "cancelledAt": now, "cancelledBy": user_id}})
        # Free the slot again (only if it still points at this booking).
        self.db[SLOTS].update_one({"_id": ObjectId(doc["slotId"]), "bookingId": str(doc["_id"])},
                                  {"$set": {"bookedBy": None, "bookingId": None}})
        doc.update(status=CANCELLED, cancelledAt=now, cancelledBy=user_id)
        if changed.modified_count:
            self._tell_both("mentorship.cancelled", doc)
        return self.public_booking(doc, user_id)

    def bookings(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        field = "userId" if query["role"] == "mentee" else "mentorUserId"
        return paginate(self.db[BOOKINGS], {field: user_id}, limit=query["limit"],
                        cursor=query["cursor"],
                        transform=lambda d: self.public_booking(d, user_id))

    def _tell_both(self, name: str, booking: Mapping[str, Any]) -> None:
        payload = {"bookingId": str(booking["_id"]), "startsAt": booking["startsAt"].isoformat(),
                   "durationMinutes": booking["durationMinutes"],
                   "mentorName": booking["mentorName"]}
        if booking.get("cancelledBy"):
            payload["cancelledBy"] = ("mentee" if booking["cancelledBy"] == booking["userId"]
                                      else "mentor")
        self.events.emit(name, {**payload, "role": "mentee"}, user_id=booking["userId"])
        self.events.emit(name, {**payload, "role": "mentor"}, user_id=booking["mentorUserId"])

    # -- shapes ---------------------------------------------------------------------------------

    def public_mentor(self, doc: Mapping[str, Any], with_slots: bool = False) -> dict[str, Any]:
        return {"id": str(doc["_id"]), **{k: doc.get(k) for k in (
            "name", "headline", "bio", "expertise", "roles", "timeZone", "active")},
            "matchScore": None, "matchedOn": [],
            "openSlots": [self.public_slot(s) for s in self._open_slots(str(doc["_id"]))]
            if with_slots else []}

    @staticmethod
    def public_slot(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "startsAt": doc["startsAt"],
                "durationMinutes": doc["durationMinutes"], "booked": bool(doc.get("bookedBy")),
                "bookingId": doc.get("bookingId")}

    @staticmethod
    def public_booking(doc: Mapping[str, Any], user_id: str) -> dict[str, Any]:
        return {"id": str(doc["_id"]), **{k: doc.get(k) for k in (
            "mentorId", "mentorName", "slotId", "startsAt", "durationMinutes", "topic",
            "status", "createdAt", "cancelledAt")},
            "role": "mentee" if doc["userId"] == user_id else "mentor"}
