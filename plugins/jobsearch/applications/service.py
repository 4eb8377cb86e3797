"""The seeker pipeline: applications, stage moves with history, notes, the active opportunity."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from pymongo.errors import PyMongoError

from lightninghire.api import (
    BadRequest,
    Conflict,
    NotFound,
    as_object_id,
    object_id_or_404,
    paginate,
)
from lightninghire_plugins.jobsearch.analytics.stats import PipelineStats, stages_reached
from lightninghire_plugins.jobsearch.applications.counts import BoardCounts, column_of
from lightninghire_plugins.jobsearch.applications.schemas import STAGES
from lightninghire_plugins.jobsearch.common import owned
from lightninghire_plugins.jobsearch.meter import ServiceBase
from lightninghire_plugins.jobsearch.store import ACTIVE, APPLICATIONS, revise

FEATURE = "applications"
TIMELINE_MAX = 200
NOTES_MAX = 200
# What a board card shows: enough to draw it and act on it, not the description or timeline.
CARD_FIELDS = ("company", "role", "status", "location", "locationType", "seniority",
               "employmentType", "salary", "matchScore", "tags", "jobUrl", "applyBy",
               "followUpAt", "offerDeadline", "createdAt", "lastActivityAt")


class ApplicationService(ServiceBase):
    def __init__(self, services: Any) -> None:
        super().__init__(services)
        self.apps = services.db[APPLICATIONS]
        self.active = services.db[ACTIVE]
        self.counts = BoardCounts(services.db)
        self.stats = PipelineStats(services.db, services.background.defer)

    # -- create, read, list --------------------------------------------------------------------

    def create(self, user: Mapping[str, Any], body: Mapping[str, Any],
               job_id: str | None = None) -> dict[str, Any]:
        """A new card; one imported twice (same source job id or URL) returns the first card
        with ``duplicate: true`` and spends nothing."""
        user_id = str(user["_id"])
        existing = self._duplicate(user_id, body, job_id)
        if existing is not None:
            return {**self.public(existing, self._active_id(user_id)), "duplicate": True}
        consumption = self.meter.consume(user, FEATURE)
        now = self.clock.now()
        status = body.get("status", "saved")
        funnel = stages_reached(status)
        doc = {**{k: v for k, v in body.items() if v is not None}, "userId": user_id,
               "status": status, "archived": False, "jobId": job_id,
               # What the analytics count: the stages this card reached, and when it was applied.
               "funnel": funnel, "appliedAt": now if "applied" in funnel else None,
               "tags": body.get("tags", []),
               "timeline": [{"type": "created", "at": now, "from": None,
                             "to": body.get("status", "saved"), "note": None}],
               "notes": [], "createdAt": now, "updatedAt": now, "lastActivityAt": now, "rev": 0}
        try:
            doc["_id"] = self.apps.insert_one(doc).inserted_id
        except PyMongoError:
            consumption.refund()  # persist failed: the user keeps the unit
            raise
        self.counts.shift(user_id, None, column_of(doc))
        self.stats.count(user_id, funnel, doc["appliedAt"], 1)
        self.events.emit("applications.created",
                         {"applicationId": str(doc["_id"]), "company": doc["company"],
                          "role": doc["role"], "status": doc["status"]}, user_id=user_id)
        return {**self.public(doc, None), "duplicate": False}

    def _duplicate(self, user_id: str, body: Mapping[str, Any],
                   job_id: str | None) -> dict[str, Any] | None:
        keys = [("jobId", job_id), ("sourceJobId", body.get("sourceJobId")),
                ("sourceUrl", body.get("sourceUrl"))]
        for field, value in keys:
            if value:
                found = self.apps.find_one({"userId": user_id, field: value})
                if found is not None:
                    return found
        return None

    def get(self, user_id: str, id: str) -> dict[str, Any]:
        return self.public(owned(self.apps, user_id, id, "application"), self._active_id(user_id))

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter: dict[str, Any] = {"userId": user_id, "archived": query.get("archived", False)}
        if query.get("status"):
            filter["status"] = query["status"]
        if query.get("tag"):
            filter["tags"] = query["tag"]
        if query.get("activeSince"):
            filter["lastActivityAt"] = {"$gte": query["activeSince"]}
        if query.get("q"):
            pattern = {"$regex": re.escape(query["q"]), "$options": "i"}
            filter["$or"] = [{"company": pattern}, {"role": pattern}]
        active = self._active_id(user_id)
        return paginate(self.apps, filter, limit=query["limit"], cursor=query.get("cursor"),
                        transform=lambda d: self.public(d, active))

    def board(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        """The board: a column per stage (archived cards are off it), each with its count and
        its newest ``limit`` cards; ``status`` (+ ``cursor``) pages through one column.

        Counts come from the user's counter document; each column's cards are one indexed
        query (userId, archived, status) bounded by ``limit``: the cost does not grow with
        the user's history."""
        limit, cursor, only = query["limit"], query.get("cursor"), query.get("status")
        if cursor and not only:
            raise BadRequest("A cursor pages through one column: give its status too.")
        after = as_object_id(cursor) if cursor else None
        if cursor and after is None:
            raise BadRequest("Not a valid cursor.")
        counts = self.counts.read(user_id)
        active = self._active_id(user_id)
        projection = dict.fromkeys(CARD_FIELDS, 1)
        columns = []
        for stage in (only,) if only else STAGES:
            cards: list[dict[str, Any]] = []
            if counts[stage] or after is not None:
                filter: dict[str, Any] = {"userId": user_id, "archived": False, "status": stage}
                if after is not None:
                    filter["_id"] = {"$lt": after}
                cards = list(self.apps.find(filter, projection).sort("_id", -1).limit(limit + 1))
            more = len(cards) > limit
            cards = cards[:limit]
            columns.append({"status": stage, "count": counts[stage],
                            "cards": [self.public(c, active) for c in cards],
                            "nextCursor": str(cards[-1]["_id"]) if more else None})
        return {"columns": columns, "counts": {k: v for k, v in counts.items() if v},
                "total": sum(counts.values()), "activeOpportunityId": active}

    # -- change --------------------------------------------------------------------------------

    def update(self, user_id: str, id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        body = dict(body)
        status = body.pop("status", None)
        archived = body.pop("archived", None)
        now = self.clock.now()
        previous = owned(self.apps, user_id, id, "application")
        if body:
            self.apps.update_one({"_id": previous["_id"]},
                                 {"$set": {**body, "updatedAt": now, "lastActivityAt": now}})
        if archived is not None:
            self.set_archived(user_id, id, archived)
        if status is not None and status != previous["status"]:
            return self.move(user_id, id, status, None)
        return self.get(user_id, id)

    def _revise(self, user_id: str, id: str,
                change: Any) -> dict[str, Any]:
        """``revise`` one of the user's cards and move it between board columns when its
        stage or archived flag changed (counted once: the revision check admits one writer)."""
        before: dict[str, Any] = {}

        def recorded(doc: dict[str, Any]) -> dict[str, Any]:
            before.clear()
            before.update(doc)
            return change(doc)

        doc = revise(self.apps, {"_id": object_id_or_404(id, "application"), "userId": user_id},
                     recorded)
        if not doc:
            raise NotFound("No such application.")
        self.counts.shift(user_id, column_of(before), column_of(doc))
        return doc

    def set_archived(self, user_id: str, id: str, archived: bool) -> dict[str, Any]:
        """Archive (off the board, still searchable) or bring a card back."""
        now = self.clock.now()
        return self._revise(user_id, id, lambda doc: {"archived": archived, "updatedAt": now})

    def move(self, user_id: str, id: str, status: str, note: str | None) -> dict[str, Any]:
        """Change the stage; every change is appended to the timeline and announced."""
        now = self.clock.now()
        before: dict[str, Any] = {}

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            before["status"] = doc["status"]
            entry = {"type": "stage", "at": now, "from": doc["status"], "to": status,
                     "note": note}
            had = doc.get("funnel") or []
            before["gained"] = [s for s in stages_reached(status) if s not in had]
            changes = {"status": status,
                       "timeline": [*doc.get("timeline", []), entry][-TIMELINE_MAX:],
                       "funnel": [*had, *before["gained"]],
                       "updatedAt": now, "lastActivityAt": now}
            if "applied" in before["gained"]:
                changes["appliedAt"] = now
            return changes

        doc = self._revise(user_id, id, change)
        self.stats.count(user_id, before["gained"],
                         now if "applied" in before["gained"] else None, 1)
        if before["status"] != status:
            self.events.emit("applications.stage_changed",
                             {"applicationId": id, "from": before["status"], "to": status,
                              "company": doc["company"], "role": doc["role"]}, user_id=user_id)
        return self.public(doc, self._active_id(user_id))

    def add_note(self, user_id: str, id: str, text: str) -> dict[str, Any]:
        now = self.clock.now()

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            note = {"id": str(ObjectId()), "text": text, "at": now}
            return {"notes": [*doc.get("notes", []), note][-NOTES_MAX:], "lastActivityAt": now,
                    "updatedAt": now}

        doc = revise(self.apps, {"_id": object_id_or_404(id, "application"), "userId": user_id}, change)
        if not doc:
            raise NotFound("No such application.")
        return self.public(doc, self._active_id(user_id))

    def delete(self, user_id: str, id: str) -> None:
        for _ in range(5):
            doc = owned(self.apps, user_id, id, "application")
            # The revision it was read at: a stage move in between makes this look again, so
            # the board's counter loses the card from the column it really left.
            rev = doc.get("rev", {"$exists": False})  # a card stored without one
            if self.apps.delete_one({"_id": doc["_id"], "rev": rev}).deleted_count:
                break
        else:
            raise Conflict("The application changed while deleting; please retry.")
        self.counts.shift(user_id, column_of(doc), None)
        # Its own counts go with it (the funnel describes the applications there are).
        self.stats.count(user_id, doc.get("funnel") or [], doc.get("appliedAt"), -1)
        # The active pointer must not outlive its application.
        if self.active.delete_one({"_id": user_id, "applicationId": id}).deleted_count:
            self.events.emit("applications.active_changed", {"applicationId": None},
                             user_id=user_id)

    def bulk(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Update status, add a tag or (un)archive several of the caller's cards at once."""
        ids = [object_id_or_404(i, "application") for i in body["ids"]]
        mine = [str(d["_id"]) for d in self.apps.find({"userId": user_id, "_id": {"$in": ids}},
                                                      {"_id": 1})]
        if "status" in body:
            for id in mine:
                self.move(user_id, id, body["status"], None)
        now = self.clock.now()
        if "archived" in body:
            # One card at a time, under its revision: the board's counter follows each.
            for doc in self.apps.find({"userId": user_id,
                                       "_id": {"$in": [ObjectId(i) for i in mine]},
                                       "archived": not body["archived"]}, {"_id": 1}):
                self.set_archived(user_id, str(doc["_id"]), body["archived"])
        tag = body.get("addTag")
        if tag:
            # Read-modify-write per card: nx-27017's $addToSet does not create a missing array.
            for doc in self.apps.find({"userId": user_id, "_id": {"$in": [ObjectId(i) for i in mine]},
                                       "tags": {"$nin": [tag]}}, {"tags": 1}):
                self.apps.update_one({"_id": doc["_id"]},
                                     {"$set": {"tags": [*doc.get("tags", []), tag][:20],
                                               "updatedAt": now}})
        return {"updated": len(mine), "notFound": len(ids) - len(mine)}

    # -- the active opportunity ------------------------------------------------------------------

    def _active_id(self, user_id: str) -> str | None:
        doc = self.active.find_one({"_id": user_id})
        return doc["applicationId"] if doc else None

    def set_active(self, user_id: str, application_id: str | None) -> dict[str, Any]:
        """At most one active opportunity per user: one pointer document per user, replaced
        atomically, so two racing requests leave exactly one winner."""
        if application_id is None:
            self.active.delete_one({"_id": user_id})
        else:
            owned(self.apps, user_id, application_id, "application")
            self.active.update_one({"_id": user_id},
                                   {"$set": {"userId": user_id, "applicationId": application_id,
                                             "at": self.clock.now()}}, upsert=True)
        self.events.emit("applications.active_changed", {"applicationId": application_id},
                         user_id=user_id)
        return {"activeOpportunityId": application_id}

    def get_active(self, user_id: str) -> dict[str, Any] | None:
        active = self._active_id(user_id)
        if active is None:
            return None
        doc = self.apps.find_one({"_id": ObjectId(active), "userId": user_id})
        return self.public(doc, active) if doc else None

    # -- views ---------------------------------------------------------------------------------

    def summary(self, user_id: str, limit: int = 20) -> dict[str, Any]:
        """Small pipeline digest for ``user_context``."""
        docs = list(self.apps.find({"userId": user_id, "archived": False},
                                   {"company": 1, "role": 1, "status": 1, "lastActivityAt": 1,
                                    "salary": 1, "offerDeadline": 1})
                    .sort("lastActivityAt", -1).limit(limit))
        active = self.get_active(user_id)
        brief = ("id", "company", "role", "status")
        return {
            # An offer's terms ride along when set: what "what offers do I have?" is about.
            "applications": [{"id": str(d["_id"]), "company": d["company"], "role": d["role"],
                              "status": d["status"],
                              **{k: d[k] for k in ("salary", "offerDeadline") if d.get(k)}}
                             for d in docs],
            "pipelineCounts": {k: v for k, v in self.counts.read(user_id).items() if v},
            "activeOpportunity": {k: active[k] for k in brief} if active else None,
        }

    @staticmethod
    def public(doc: Mapping[str, Any], active_id: str | None) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId", "rev")}
        out["id"] = str(doc["_id"])
        out["active"] = out["id"] == active_id
        return out
