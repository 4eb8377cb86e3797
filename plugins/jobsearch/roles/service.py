"""Recruiter requisitions ("roles"): CRUD and statuses; only active roles count toward the
open-roles cap (a live count, so filling, archiving or pausing a role — ``on_hold`` — frees a
slot, and reactivating one takes a slot again)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lightninghire.api import given, paginate
from lightninghire_plugins.jobsearch.common import owned
from lightninghire_plugins.jobsearch.meter import ServiceBase
from lightninghire_plugins.jobsearch.store import CANDIDATES, ROLES

# The statuses that hold a slot of the open-roles cap. ``on_hold`` is a paused role: the cap's
# message tells the user to "fill, archive or pause one", so pausing must free the slot.
OPEN = ("active",)
FEATURE = "requisitions"


class RoleService(ServiceBase):
    def __init__(self, services: Any) -> None:
        super().__init__(services)
        self.roles = services.db[ROLES]
        self.candidates = services.db[CANDIDATES]

    def _check_open_cap(self, user: Mapping[str, Any], exclude: Any = None) -> None:
        limit = self.meter.limit(user, FEATURE)
        if limit is None:
            return
        query: dict[str, Any] = {"userId": str(user["_id"]), "status": {"$in": list(OPEN)}}
        if exclude is not None:
            query["_id"] = {"$nin": [exclude]}
        used = self.roles.count_documents(query, limit=limit)
        if used >= limit:
            raise self.meter.refuse(FEATURE, limit, used,
                                    f"You have {used} active roles, the most your plan allows. "
                                    f"Fill, archive or pause (on hold) one first."
                                    if limit else "Open roles are not included in your plan.")

    def create(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        if body.get("status", "draft") in OPEN:
            self._check_open_cap(user)
        now = self.clock.now()
        doc = {**body, "userId": str(user["_id"]), "status": body.get("status", "draft"),
               "createdAt": now, "updatedAt": now}
        doc["_id"] = self.roles.insert_one(doc).inserted_id
        self.events.emit("roles.created", {"roleId": str(doc["_id"]), "status": doc["status"]},
                         user_id=str(user["_id"]))
        return self.public(doc)

    def update(self, user: Mapping[str, Any], id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        user_id = str(user["_id"])
        doc = owned(self.roles, user_id, id, "role")
        if body.get("status") in OPEN and doc["status"] not in OPEN:
            self._check_open_cap(user, exclude=doc["_id"])
        changes = {**body, "updatedAt": self.clock.now()}
        self.roles.update_one({"_id": doc["_id"]}, {"$set": changes})
        if "description" in body and body["description"] != doc.get("description"):
            # A new JD makes the cached fit scores of this role's candidates stale.
            self.candidates.update_many({"userId": user_id, "roleId": id,
                                         "fitScore.stale": False},
                                        {"$set": {"fitScore.stale": True}})
        return self.public({**doc, **changes})

    def get(self, user_id: str, id: str) -> dict[str, Any]:
        doc = owned(self.roles, user_id, id, "role")
        counts: dict[str, int] = {}
        for c in self.candidates.find({"userId": user_id, "roleId": id}, {"stage": 1}):
            counts[c["stage"]] = counts.get(c["stage"], 0) + 1
        return {**self.public(doc), "stageCounts": counts}

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter = {"userId": user_id, **given(query, "status")}
        if query.get("q"):
            filter["title"] = {"$regex": re.escape(query["q"]), "$options": "i"}
        return paginate(self.roles, filter, limit=query["limit"], cursor=query.get("cursor"),
                        transform=self.public)

    def delete(self, user_id: str, id: str) -> None:
        doc = owned(self.roles, user_id, id, "role")
        self.roles.delete_one({"_id": doc["_id"]})
        # Its candidates stay in the pool: people outlive requisitions.
        self.candidates.update_many({"userId": user_id, "roleId": id}, {"$set": {"roleId": None}})

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["id"] = str(doc["_id"])
        return out
