"""STAR stories: CRUD (editing is never an AI action), drafts from the AI helpers, coverage
of the eight themes, and matching a question to the best story (used by live sessions)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import OwnedDocuments, content_words, paginate, stem, words
from lightninghire_plugins.interview.analytics.stats import PracticeStats
from lightninghire_plugins.interview.common import (
    STORY_THEMES,
    ApplicationRefs,
    clean_list,
)
from lightninghire_plugins.interview.stories import ai

STORIES = "interview_stories"
COLLECTIONS = {STORIES: [IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)]),
                         IndexModel([("userId", ASCENDING), ("tags", ASCENDING)])]}
PARTS = ("situation", "task", "action", "result")


@dataclass(eq=False)
class StoryService:
    db: Any
    clock: Any
    events: Any
    ai: Any
    applications: ApplicationRefs
    defer: Callable[..., None] | None = None  # services.background.defer, for the counters

    def __post_init__(self) -> None:
        self.collection = self.db[STORIES]
        self.owned = OwnedDocuments(self.collection, what="story")
        self.stats = PracticeStats(self.db, self.defer)

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self.applications.check(user_id, body["applicationIds"])
        now = self.clock.now()
        doc = {"userId": user_id, **{p: body[p] for p in ("title", *PARTS)},
               "tags": clean_list(body["tags"]), "competencies": clean_list(body["competencies"]),
               "applicationIds": clean_list(body["applicationIds"]),
               "createdAt": now, "updatedAt": now}
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        self.stats.story(user_id, 1)
        self.events.emit("stories.created", {"storyId": str(doc["_id"])}, user_id=user_id)
        return self.public(doc)

    def get(self, user_id: str, story_id: str) -> dict[str, Any]:
        return self.public(self.owned.find(user_id, story_id))

    def update(self, user_id: str, story_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.owned.find(user_id, story_id)
        self.applications.check(user_id, changes.get("applicationIds") or ())
        update = dict(changes)
        for key in ("tags", "competencies", "applicationIds"):
            if key in update:
                update[key] = clean_list(update[key])
        update["updatedAt"] = self.clock.now()
        self.collection.update_one({"_id": doc["_id"], "userId": user_id}, {"$set": update})
        return self.public({**doc, **update})

    def delete(self, user_id: str, story_id: str) -> None:
        doc = self.owned.find(user_id, story_id)
        if self.collection.delete_one({"_id": doc["_id"], "userId": user_id}).deleted_count:
            self.stats.story(user_id, -1)

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter_: dict[str, Any] = {"userId": user_id}
        if query.get("tag"):
            filter_["tags"] = {"$all": [query["tag"]]}
        if query.get("competency"):
            filter_["competencies"] = {"$all": [query["competency"]]}
        if query.get("applicationId"):
            filter_["applicationIds"] = {"$all": [query["applicationId"]]}
        return paginate(self.collection, filter_, limit=query["limit"], cursor=query["cursor"],
                        transform=self.public)

    def all(self, user_id: str, limit: int = 200) -> list[dict[str, Any]]:
        return list(self.collection.find({"userId": user_id}).sort("_id", DESCENDING)
                    .limit(limit))

    def coverage(self, user_id: str) -> dict[str, Any]:
        stories = self.all(user_id)
        themes = []
        for theme in STORY_THEMES:
            titles = [s["title"] for s in stories if theme in s.get("competencies", [])
                      or theme in ai.themes_of(" ".join(s.get(p, "") for p in PARTS))]
            themes.append({"theme": theme, "count": len(titles), "stories": titles[:5]})
        return {"themes": themes, "storyCount": len(stories), "target": "5-8 stories",
                "missing": [t["theme"] for t in themes if not t["count"]]}

    def draft(self, user: Mapping[str, Any], task: str, inputs: Mapping[str, Any],
              ) -> dict[str, Any]:
        return self.ai.run(task, inputs, user=user).data

    def best_match(self, user_id: str, text: str) -> dict[str, Any] | None:
        """The story whose title, tags and text best match ``text`` (a detected question)."""
        wanted = {stem(w) for w in content_words(text)}
        themes = set(ai.themes_of(text))
        best, best_score = None, 0.0
        for story in self.all(user_id):
            said = {stem(w) for w in content_words(" ".join(
                [story["title"], *story.get("tags", []), *(story.get(p, "") for p in PARTS)]))}
            tagged = {stem(w) for tag in story.get("tags", []) for w in words(tag)}
            score = len(wanted & said) + 2 * len(wanted & tagged) + 3 * len(
                themes & set(story.get("competencies", [])))
            if score > best_score:
                best, best_score = story, score
        return self.public(best) if best else None

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        count = len(words(" ".join(doc.get(p, "") for p in PARTS)))
        return {"id": str(doc["_id"]), **{k: doc.get(k, "") for k in ("title", *PARTS)},
                "tags": doc.get("tags", []), "competencies": doc.get("competencies", []),
                "applicationIds": doc.get("applicationIds", []), "wordCount": count,
                "spokenSeconds": round(count / 150 * 60),
                "createdAt": doc["createdAt"], "updatedAt": doc["updatedAt"]}
