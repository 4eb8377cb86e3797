"""Company intel (briefs cached and shared across users), watches and intel requests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from lightninghire.api import BadRequest, Conflict, NotFound
from lightninghire_plugins.jobsearch.common import owned, slug
from lightninghire_plugins.jobsearch.companies.intel import NAME as INTEL
from lightninghire_plugins.jobsearch.meter import ServiceBase
from lightninghire_plugins.jobsearch.store import (
    APPLICATIONS,
    COMPANIES,
    COMPANY_REQUESTS,
    COMPANY_UNLOCKS,
    JOBS,
    WATCHES,
)

FEATURE = "company_intel"
REFRESH_AFTER = timedelta(days=30)
POSTINGS = 50


class CompanyService(ServiceBase):
    def __init__(self, services: Any) -> None:
        super().__init__(services)
        self.ai = services.ai
        self.companies = services.db[COMPANIES]
        self.unlocks = services.db[COMPANY_UNLOCKS]
        self.watches = services.db[WATCHES]
        self.requests = services.db[COMPANY_REQUESTS]
        self.jobs = services.db[JOBS]
        self.apps = services.db[APPLICATIONS]

    def _postings(self, name: str) -> list[dict[str, Any]]:
        pattern = {"$regex": f"^{re.escape(name)}$", "$options": "i"}
        return [{"title": j["title"], "location": j.get("location"),
                 "remote": bool(j.get("remote")), "description": (j.get("description") or "")[:5000],
                 "salaryMin": j.get("salaryMin"), "salaryMax": j.get("salaryMax")}
                for j in self.jobs.find({"company": pattern}).limit(POSTINGS)]

    def _generate(self, user: Mapping[str, Any], key: str, name: str) -> dict[str, Any]:
        brief = self.ai.run(INTEL, {"company": name, "postings": self._postings(name)},
                            user=user).data
        doc = {"name": name, "brief": brief, "generatedAt": self.clock.now()}
        self.companies.update_one({"_id": key}, {"$set": doc}, upsert=True)
        return {"_id": key, **doc}

    def intel(self, user: Mapping[str, Any], name: str) -> dict[str, Any]:
        """The brief of a company. A cached brief attaches at once; the first brief a user opens
        for a company spends one unit of ``company_intel`` (free: 3 companies), later views of
        that company are free."""
        user_id = str(user["_id"])
        key = slug(name)
        unlocked = self.unlocks.find_one({"userId": user_id, "companyKey": key}) is not None
        consumption = None if unlocked else self.meter.consume(user, FEATURE)
        try:
            doc = self.companies.find_one({"_id": key}) or self._generate(user, key, name)
            if not unlocked:
                try:
                    self.unlocks.insert_one({"userId": user_id, "companyKey": key,
                                             "name": doc["name"], "at": self.clock.now()})
                except DuplicateKeyError:  # a parallel request unlocked it first
                    consumption.refund()
        except Exception:
            if consumption is not None and not unlocked:
                consumption.refund()
            raise
        return self.public(doc)

    def get(self, user_id: str, key: str) -> dict[str, Any]:
        if self.unlocks.find_one({"userId": user_id, "companyKey": key}) is None:
            raise NotFound("No brief of this company yet: request its intel first.")
        doc = self.companies.find_one({"_id": key})
        if doc is None:
            raise NotFound("No such company.")
        return self.public(doc)

    def refresh(self, user: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Regenerate a brief older than 30 days (free for users who unlocked it)."""
        current = self.get(str(user["_id"]), key)
        if self.clock.now() - current["generatedAt"] < REFRESH_AFTER:
            raise Conflict("This brief is less than 30 days old.")
        return self.public(self._generate(user, key, current["name"]))

    def directory(self, user_id: str) -> list[dict[str, Any]]:
        """Companies in the user's pipeline, researched or watched."""
        found: dict[str, dict[str, Any]] = {}
        for app in self.apps.find({"userId": user_id}, {"company": 1}).limit(500):
            found.setdefault(slug(app["company"]), {"name": app["company"], "inPipeline": False})
            found[slug(app["company"])]["inPipeline"] = True
        for unlock in self.unlocks.find({"userId": user_id}):
            found.setdefault(unlock["companyKey"], {"name": unlock["name"]})["hasBrief"] = True
        for watch in self.watches.find({"userId": user_id}):
            found.setdefault(watch["companyKey"], {"name": watch["name"]})["watched"] = True
        return [{"key": key, "name": v["name"], "inPipeline": bool(v.get("inPipeline")),
                 "hasBrief": bool(v.get("hasBrief")), "watched": bool(v.get("watched"))}
                for key, v in sorted(found.items())]

    # -- watches and requests ------------------------------------------------------------------

    def watch(self, user: Mapping[str, Any], name: str) -> dict[str, Any]:
        """Watch a company; a duplicate is refused before any unit is spent."""
        user_id = str(user["_id"])
        key = slug(name)
        if self.watches.find_one({"userId": user_id, "companyKey": key}):
            raise Conflict("You already watch this company.")
        consumption = self.meter.consume(user, "company_watch")
        doc = {"userId": user_id, "companyKey": key, "name": name, "createdAt": self.clock.now()}
        try:
            doc["_id"] = self.watches.insert_one(doc).inserted_id
        except Exception:
            consumption.refund()
            raise
        return self._watch_out(doc)

    def watches_of(self, user_id: str) -> list[dict[str, Any]]:
        return [self._watch_out(d) for d in self.watches.find({"userId": user_id})]

    def unwatch(self, user_id: str, id: str) -> None:
        doc = owned(self.watches, user_id, id, "watch")
        self.watches.delete_one({"_id": doc["_id"]})

    def watched_postings(self, user_id: str, since: datetime) -> list[dict[str, Any]]:
        """New postings at watched companies, for the digest."""
        items = []
        for watch in self.watches.find({"userId": user_id}).limit(50):
            pattern = {"$regex": f"^{re.escape(watch['name'])}$", "$options": "i"}
            for job in self.jobs.find({"company": pattern, "createdAt": {"$gt": since}}).limit(10):
                item = {"title": job["title"], "company": job.get("company"),
                        "location": job.get("location"), "search": f"Watching {watch['name']}"}
                if job.get("url"):
                    item["url"] = job["url"]
                items.append(item)
        return items

    def request(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if self.requests.count_documents({"userId": user_id, "status": "open"}, limit=20) >= 20:
            raise BadRequest("You have 20 open intel requests; wait for some to be answered.")
        doc = {"userId": user_id, **body, "companyKey": slug(body["name"]), "status": "open",
               "createdAt": self.clock.now()}
        doc["_id"] = self.requests.insert_one(doc).inserted_id
        return self._watch_out(doc)

    def requests_of(self, user_id: str) -> list[dict[str, Any]]:
        return [self._watch_out(d) for d in self.requests.find({"userId": user_id}).sort("_id", -1)]

    @staticmethod
    def _watch_out(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["id"] = str(doc["_id"])
        return out

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        stale = self.clock.now() - doc["generatedAt"] >= REFRESH_AFTER
        return {"key": doc["_id"], "name": doc["name"], **doc["brief"],
                "generatedAt": doc["generatedAt"], "refreshAvailable": stale}
