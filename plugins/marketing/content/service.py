"""Content: seeded from the shipped pages, listed, searched and read; Pro lessons gated by the
entitlement engine; edited by admins."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from lightninghire.api import (
    Conflict,
    NotFound,
    PaymentRequired,
    ValidationFailed,
    object_id_or_404,
    paginate,
)
from lightninghire_plugins.marketing.content.files import content_hash

CONTENT = "marketing_content"
STALE_AFTER = timedelta(days=183)  # older than about six months: flag it for a refresh
SEARCH_SCAN = 1000  # content is a few hundred pages: rank in Python (no textScore here)
WORDS_PER_MINUTE = 200


def reviewed_at(doc: Mapping[str, Any]) -> Any:
    """When the page was last known current: its ``updatedAt``, or for a shipped page nobody
    edited, the later time this install received that version (``seededAt``): shipped content
    is reviewed with each release, so a fresh install never opens with stale pages, and an
    install left six months without an upgrade sees them flagged."""
    seeded = doc.get("seededAt")
    if doc.get("origin") == "seed" and not doc.get("editedAt") and seeded is not None:
        return max(doc["updatedAt"], seeded)
    return doc["updatedAt"]


@dataclass(eq=False)
class ContentService:
    db: Any
    clock: Any
    pro_lessons_open: Callable[[Mapping[str, Any] | None], bool]
    upgrade_hint: Callable[[], str]

    @property
    def collection(self) -> Any:
        return self.db[CONTENT]

    # -- seeding -------------------------------------------------------------------------------

    def seed(self, pages: list[dict[str, Any]]) -> dict[str, int]:
        """Insert shipped pages that are missing; refresh those the package changed, unless an
        admin edited them since (their edit wins). Safe in every worker at once."""
        counts = {"inserted": 0, "updated": 0, "kept": 0}
        now = self.clock.now()
        for page in pages:
            key = {"kind": page["kind"], "slug": page["slug"]}
            found = self.collection.find_one(key, {"origin": 1, "seedHash": 1, "editedAt": 1,
                                                   "seededAt": 1})
            if found is None:
                try:
                    self.collection.insert_one({**page, "origin": "seed", "editedAt": None,
                                                "seededAt": now})
                    counts["inserted"] += 1
                except DuplicateKeyError:
                    counts["kept"] += 1  # another worker seeded it a moment ago
            elif (found.get("origin") == "seed" and not found.get("editedAt")
                  and found.get("seedHash") != page["seedHash"]):
                self.collection.update_one({**key, "editedAt": None},
                                           {"$set": {**page, "seededAt": now}})
                counts["updated"] += 1
            else:
                if found.get("origin") == "seed" and not found.get("seededAt"):
                    # Seeded before seededAt existed: its shelf life starts now.
                    self.collection.update_one({**key, "seededAt": None},
                                               {"$set": {"seededAt": now}})
                counts["kept"] += 1
        return counts

    # -- reading -------------------------------------------------------------------------------

    def list(self, kind: str, *, tag: str | None, category: str | None, limit: int,
             cursor: str | None) -> dict[str, Any]:
        query: dict[str, Any] = {"kind": kind, "status": "published"}
        if tag:
            query["tags"] = tag
        if category:
            query["category"] = category
        return paginate(self.collection, query, limit=limit, cursor=cursor,
                        transform=self.summary)

    def search(self, kind: str, q: str, limit: int) -> dict[str, Any]:
        """Every word of ``q`` must appear; title hits weigh most, then tags, summary, body."""
        terms = [t for t in re.findall(r"\w+", q.lower()) if len(t) > 1][:10]
        if not terms:
            return {"items": []}
        scored = []
        docs = self.collection.find({"kind": kind, "status": "published"},
                                    {"body": 1, "title": 1, "summary": 1, "tags": 1, "slug": 1,
                                     "kind": 1, "category": 1, "format": 1, "author": 1,
                                     "publishedAt": 1, "updatedAt": 1, "lessons": 1,
                                     "leadMagnet": 1, "seededAt": 1, "origin": 1,
                                     "editedAt": 1}).limit(SEARCH_SCAN)
        for doc in docs:
            fields = {
                "title": (doc["title"].lower(), 8),
                "tags": (" ".join(doc.get("tags", [])).lower(), 4),
                "summary": (doc["summary"].lower(), 3),
                "lessons": (" ".join(str(les.get("title", "")) for les in
                                     _lessons_of(doc)).lower(), 2),
                "body": (doc.get("body", "").lower(), 1),
            }
            score = 0
            for term in terms:
                pattern = re.compile(rf"\b{re.escape(term)}")
                hits = sum(len(pattern.findall(text)) * weight for text, weight in fields.values())
                if hits == 0:
                    break
                score += hits
            else:
                scored.append((score, doc))
        scored.sort(key=lambda pair: (-pair[0], pair[1]["title"]))
        return {"items": [{**self.summary(doc), "score": score} for score, doc in scored[:limit]]}

    def get(self, kind: str, slug: str, user: Mapping[str, Any] | None) -> dict[str, Any]:
        doc = self._published(kind, slug)
        view = {**self.summary(doc), "body": doc["body"]}
        if kind == "courses":
            open_pro = self.pro_lessons_open(user)
            view["lessons"] = [self._lesson_view(les, open_pro, full=False)
                               for les in _lessons_of(doc)]
        return view

    def lesson(self, slug: str, lesson_slug: str, user: Mapping[str, Any] | None
               ) -> dict[str, Any]:
        """A lesson in full; a Pro lesson for a caller without Pro lessons is a 402."""
        doc = self._published("courses", slug)
        lesson = next((les for les in _lessons_of(doc) if les["slug"] == lesson_slug), None)
        if lesson is None:
            raise NotFound("No such lesson.")
        open_pro = self.pro_lessons_open(user)
        if lesson["access"] == "pro" and not open_pro:
            raise PaymentRequired("This lesson is part of LightningHire Pro.",
                                  upgrade_hint=self.upgrade_hint(), feature="pro_lessons")
        return {**self._lesson_view(lesson, open_pro, full=True), "course": doc["slug"],
                "courseTitle": doc["title"]}

    def _published(self, kind: str, slug: str) -> dict[str, Any]:
        doc = self.collection.find_one({"kind": kind, "slug": slug, "status": "published"})
        if doc is None:
            raise NotFound("No such page.")
        return doc

    @staticmethod
    def _lesson_view(lesson: Mapping[str, Any], open_pro: bool, *, full: bool
                     ) -> dict[str, Any]:
        locked = lesson["access"] == "pro" and not open_pro
        view = {"slug": lesson["slug"], "title": lesson["title"],
                "summary": lesson.get("summary", ""), "access": lesson["access"],
                "minutes": lesson.get("minutes"), "order": lesson["order"], "locked": locked}
        if full or not locked:
            view["body"] = lesson["body"]
        else:
            view["body"] = None  # the title and summary sell it; the content is Pro's
        return view

    def summary(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        view = {key: doc.get(key) for key in ("kind", "slug", "title", "summary", "tags",
                                              "category", "format", "author", "leadMagnet",
                                              "publishedAt", "updatedAt", "status")}
        view["id"] = str(doc["_id"])
        view["stale"] = reviewed_at(doc) < self.clock.now() - STALE_AFTER
        words = len(doc.get("body", "").split())
        view["readingMinutes"] = max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else None
        if doc.get("kind") == "courses":
            lessons = _lessons_of(doc)
            view["lessonCount"] = len(lessons)
            view["freeLessonCount"] = sum(1 for les in lessons if les.get("access") == "free")
        return view

    # -- admin ---------------------------------------------------------------------------------

    def admin_list(self, kind: str | None, status: str | None, limit: int, cursor: str | None
                   ) -> dict[str, Any]:
        query = {k: v for k, v in (("kind", kind), ("status", status)) if v}
        return paginate(self.collection, query, limit=limit, cursor=cursor,
                        transform=self.admin_view)

    def create(self, body: Mapping[str, Any], user_id: str) -> dict[str, Any]:
        now = self.clock.now()
        doc = {"tags": [], "category": None, "format": "article", "author": None,
               "leadMagnet": None, "lessons": [], **body, "origin": "admin",
               "createdBy": user_id, "editedAt": now, "updatedAt": now,
               "publishedAt": body.get("publishedAt") or now}
        if doc["kind"] == "courses":
            doc["lessons"] = _ordered(doc["lessons"])
        else:
            doc.pop("lessons")
        doc["seedHash"] = content_hash(doc)
        try:
            doc["_id"] = self.collection.insert_one(doc).inserted_id
        except DuplicateKeyError:
            raise Conflict(f"{doc['kind']}/{doc['slug']} already exists.",
                           code="SLUG_TAKEN") from None
        return self.admin_view(doc)

    def update(self, content_id: str, body: Mapping[str, Any], user_id: str) -> dict[str, Any]:
        oid = object_id_or_404(content_id, "page")
        doc = self.collection.find_one({"_id": oid})
        if doc is None:
            raise NotFound("No such page.")
        now = self.clock.now()
        changes = dict(body)
        if "lessons" in changes:
            if doc["kind"] != "courses":
                raise Conflict("Only courses have lessons.", code="NOT_A_COURSE")
            changes["lessons"] = _ordered(changes["lessons"])
        if changes.get("status") == "published" and doc.get("status") != "published":
            changes.setdefault("publishedAt", doc.get("publishedAt") or now)
        changes.update(editedAt=now, updatedAt=now, editedBy=user_id)
        try:
            self.collection.update_one({"_id": oid}, {"$set": changes})
        except DuplicateKeyError:
            raise Conflict("That slug is taken.", code="SLUG_TAKEN") from None
        return self.admin_view(self.collection.find_one({"_id": oid}))

    def admin_view(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        view = {**self.summary(doc), "body": doc.get("body", ""), "origin": doc.get("origin")}
        if doc.get("kind") == "courses":
            view["lessons"] = [self._lesson_view(les, True, full=True)
                               for les in _lessons_of(doc)]
        return view


def _lessons_of(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return sorted(doc.get("lessons") or [], key=lambda les: les.get("order", 0))


def _ordered(lessons: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    slugs = [les["slug"] for les in lessons]
    if len(set(slugs)) != len(slugs):
        raise ValidationFailed({"lessons": ["Two lessons share a slug."]},
                               "Invalid request body: lessons: two lessons share a slug.")
    return [{"summary": "", "minutes": None, **les, "order": i}
            for i, les in enumerate(lessons, start=1)]

