"""Jobs: import and upsert, keyword search ranked with BM25, saved searches, the digest and
recommendations."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pymongo import DESCENDING

from lightninghire.api import BadRequest, Conflict, NotFound, bm25_scores, object_id_or_404
from lightninghire_plugins.jobsearch.common import joined, owned, term_set, terms
from lightninghire_plugins.jobsearch.jobs.importer import RowError, normalize, read_rows
from lightninghire_plugins.jobsearch.meter import ServiceBase
from lightninghire_plugins.jobsearch.store import JOBS, RECOMMENDATIONS, RESUMES, SAVED_SEARCHES

CANDIDATES = 500  # postings ranked per search: the filter narrows, BM25 orders
SAVED_SEARCH_MAX = 25
DIGEST_MAX = 20
RECOMMEND_MAX = 10
RECOMMEND_DAYS = 14
SEARCH_KEYS = ("q", "location", "remote", "salaryMin", "postedWithinDays")


def job_text(job: Mapping[str, Any]) -> str:
    """A posting as one text, its lists under their headings: the fit scorers read required
    qualifications apart from preferred ones by their section."""
    def section(heading: str, items: Any) -> str | None:
        return f"{heading}:\n{joined(items)}" if items else None

    return "\n".join(filter(None, [
        job.get("title"), job.get("company"), job.get("location"), job.get("description"),
        section("Responsibilities", job.get("responsibilities")),
        section("Requirements", job.get("requiredQualifications")),
        section("Nice to have", job.get("preferredQualifications")), job.get("notes")]))


def job_tokens(job: Mapping[str, Any]) -> list[str]:
    # The title counts three times: a keyword in the title says more than one in the body.
    return terms(job.get("title"), job.get("title"), job.get("title"), job_text(job))


class JobService(ServiceBase):
    def __init__(self, services: Any) -> None:
        super().__init__(services)
        self.jobs = services.db[JOBS]
        self.saved = services.db[SAVED_SEARCHES]
        self.recommendations = services.db[RECOMMENDATIONS]
        self.resumes = services.db[RESUMES]

    # -- feeding the collection ----------------------------------------------------------------

    def import_text(self, text: str, fmt: str, source: str = "import") -> dict[str, Any]:
        """Import a CSV or JSON file's text: good rows are stored, bad rows reported by number
        (1 = the first data row)."""
        try:
            rows = read_rows(text, fmt)
        except ValueError as exc:
            raise BadRequest(f"Unreadable {fmt.upper()}: {exc}") from None
        return self.upsert_many(rows, source)

    def upsert_many(self, rows: Iterable[Mapping[str, Any]], source: str) -> dict[str, Any]:
        created = updated = 0
        errors: list[dict[str, Any]] = []
        now = self.clock.now()
        for number, row in enumerate(rows, start=1):
            try:
                job = normalize(row, now, source)
            except RowError as exc:
                errors.append({"row": number, "message": str(exc)})
                continue
            if self.upsert(job, now):
                created += 1
            else:
                updated += 1
        return {"created": created, "updated": updated, "errors": errors}

    def upsert(self, job: dict[str, Any], now: datetime) -> bool:
        """Store or refresh one posting; ``True`` when it is new. The same posting imported
        again (same source id, or same title, company, location and text) is updated."""
        if job.get("externalId"):
            key = f"{job['source']}:{job['externalId']}"
        else:
            basis = "|".join(str(job.get(k) or "") for k in ("title", "company", "location",
                                                             "description"))
            key = "h:" + hashlib.sha256(basis.encode()).hexdigest()[:32]
        fields = {**job, "key": key, "terms": term_set(job_text(job)), "updatedAt": now}
        result = self.jobs.update_one({"key": key}, {"$set": fields}, upsert=True)
        if result.upserted_id is not None:
            # createdAt is when we first saw it: the digest's "new since" reads it.
            self.jobs.update_one({"_id": result.upserted_id}, {"$set": {"createdAt": now}})
            return True
        return False

    # -- reading -------------------------------------------------------------------------------

    def get(self, id: str) -> dict[str, Any]:
        doc = self.jobs.find_one({"_id": object_id_or_404(id, "job")})
        if doc is None:
            raise NotFound("No such job.")
        return self.public(doc)

    def raw(self, id: str) -> dict[str, Any]:
        doc = self.jobs.find_one({"_id": object_id_or_404(id, "job")})
        if doc is None:
            raise NotFound("No such job.")
        return doc

    def filter_for(self, search: Mapping[str, Any], since_field: str = "postedAt",
                   since: datetime | None = None) -> dict[str, Any]:
        """The MongoDB filter of a search: an indexed keyword ``$in`` on stored terms (any
        keyword matches; BM25 then ranks), plus location, remote, salary and recency."""
        query: dict[str, Any] = {}
        keywords = list(dict.fromkeys(terms(search.get("q"))))[:12]
        if keywords:
            query["terms"] = {"$in": keywords}
        if search.get("location"):
            query["location"] = {"$regex": re.escape(search["location"]), "$options": "i"}
        if search.get("remote") is not None:
            query["remote"] = search["remote"]
        if search.get("salaryMin"):
            floor = search["salaryMin"]
            query["$or"] = [{"salaryMax": {"$gte": floor}}, {"baseSalary": {"$gte": floor}}]
        if search.get("postedWithinDays"):
            query["postedAt"] = {"$gte": self.clock.now() - timedelta(days=search["postedWithinDays"])}
        if since is not None:
            query[since_field] = {**query.get(since_field, {}), "$gt": since}
        return query

    def ranked(self, search: Mapping[str, Any], since: datetime | None = None,
               cap: int = CANDIDATES) -> list[tuple[float, dict[str, Any]]]:
        docs = list(self.jobs.find(self.filter_for(search, "createdAt", since))
                    .sort("postedAt", DESCENDING).limit(cap))
        query = terms(search.get("q"))
        if not query:
            return [(0.0, d) for d in docs]
        scores = bm25_scores(query, [job_tokens(d) for d in docs])
        order = sorted(range(len(docs)), key=lambda i: (-scores[i], -docs[i]["postedAt"].timestamp()))
        return [(scores[i], docs[i]) for i in order]

    def search(self, query: Mapping[str, Any]) -> dict[str, Any]:
        """Ranked results, paginated by an opaque offset cursor."""
        try:
            offset = int(query.get("cursor") or 0)
        except ValueError:
            raise BadRequest("Not a valid cursor.") from None
        ranked = self.ranked(query)
        limit = query["limit"]
        page = ranked[offset:offset + limit]
        more = offset + limit < len(ranked)
        return {"items": [{**self.public(d), "relevance": round(s, 3)} for s, d in page],
                "nextCursor": str(offset + limit) if more else None, "total": len(ranked)}

    # -- saved searches ------------------------------------------------------------------------

    def save_search(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if self.saved.count_documents({"userId": user_id}, limit=SAVED_SEARCH_MAX) >= SAVED_SEARCH_MAX:
            raise Conflict(f"You can keep at most {SAVED_SEARCH_MAX} saved searches.")
        doc = {"userId": user_id, **{k: body.get(k) for k in SEARCH_KEYS}, "name": body["name"],
               "createdAt": self.clock.now()}
        doc["_id"] = self.saved.insert_one(doc).inserted_id
        return self.public(doc)

    def saved_searches(self, user_id: str) -> list[dict[str, Any]]:
        return [self.public(d) for d in self.saved.find({"userId": user_id}).sort("_id", -1)]

    def delete_search(self, user_id: str, id: str) -> None:
        doc = owned(self.saved, user_id, id, "saved search")
        self.saved.delete_one({"_id": doc["_id"]})

    def digest(self, user_id: str, since: datetime) -> list[dict[str, Any]]:
        """Postings first seen since ``since`` that match the user's saved searches."""
        items: list[dict[str, Any]] = []
        seen: set[Any] = set()
        for search in self.saved.find({"userId": user_id}).sort("_id", 1).limit(SAVED_SEARCH_MAX):
            for _score, job in self.ranked(search, since=since, cap=DIGEST_MAX):
                if job["_id"] in seen:
                    continue
                seen.add(job["_id"])
                item = {"title": job["title"], "company": job.get("company"),
                        "location": job.get("location"), "search": search["name"]}
                if job.get("url"):
                    item["url"] = job["url"]
                items.append(item)
                if len(items) >= DIGEST_MAX:
                    return items
        return items

    # -- recommendations -----------------------------------------------------------------------

    def interests(self, user_id: str) -> list[str]:
        """What a user is looking for, as terms: saved-search keywords and the latest master
        resume's words."""
        words: list[str] = []
        for search in self.saved.find({"userId": user_id}, {"q": 1}).limit(SAVED_SEARCH_MAX):
            words += terms(search.get("q"))
        resume = self.resumes.find_one({"userId": user_id, "kind": "master"},
                                       sort=[("_id", DESCENDING)])
        if resume:
            words += [s.lower() for s in resume.get("skills", [])]
            words += terms(resume.get("content", ""))[:300]
        return words

    def recommend(self, user_id: str) -> list[dict[str, Any]]:
        interests = self.interests(user_id)
        if not interests:
            return []
        since = self.clock.now() - timedelta(days=RECOMMEND_DAYS)
        docs = list(self.jobs.find({"terms": {"$in": list(dict.fromkeys(interests))[:200]},
                                    "postedAt": {"$gte": since}})
                    .sort("postedAt", DESCENDING).limit(CANDIDATES))
        scores = bm25_scores(interests, [job_tokens(d) for d in docs])
        order = sorted(range(len(docs)), key=lambda i: -scores[i])[:RECOMMEND_MAX]
        return [{"jobId": str(docs[i]["_id"]), "title": docs[i]["title"],
                 "company": docs[i].get("company"), "location": docs[i].get("location"),
                 "relevance": round(scores[i], 3)} for i in order if scores[i] > 0]

    def refresh_recommendations(self, limit_users: int = 1000) -> dict[str, int]:
        """The ``job-recommendations`` task: recompute each interested user's list."""
        users = set(self.saved.distinct("userId")) | set(self.resumes.distinct("userId"))
        processed = stored = 0
        now = self.clock.now()
        for user_id in sorted(users)[:limit_users]:
            processed += 1
            found = self.recommend(user_id)
            self.recommendations.update_one(
                {"_id": user_id}, {"$set": {"userId": user_id, "jobs": found, "at": now}},
                upsert=True)
            if found:
                stored += 1
                self.events.emit("jobs.recommended", {"count": len(found)}, user_id=user_id)
        return {"processed": processed, "withRecommendations": stored}

    def recommendations_for(self, user_id: str) -> dict[str, Any]:
        doc = self.recommendations.find_one({"_id": user_id})
        if doc is None:  # the task has not run for this user yet: compute now
            return {"jobs": self.recommend(user_id), "at": self.clock.now()}
        return {"jobs": doc["jobs"], "at": doc["at"]}

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId", "terms", "key")}
        out["id"] = str(doc["_id"])
        return out
