"""Domain logic: no HTTP here, so the same code serves routes, tasks and the CLI."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lightninghire.api import paginate


class GreetingService:
    def __init__(self, collection: Any, clock: Any, events: Any, settings: dict[str, Any]) -> None:
        self.collection = collection
        self.clock = clock
        self.events = events
        self.template = settings.get("greeting", "Hello, {name}!")

    def greet(self, name: str) -> str:
        return self.template.format(name=name)

    def create(self, user_id: str, name: str) -> dict[str, Any]:
        doc = {"userId": user_id, "name": name, "message": self.greet(name),
               "createdAt": self.clock.now()}
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        self.events.emit("hello.greeted", {"name": name}, user_id=user_id)
        return self.public(doc)

    def list(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        return paginate(self.collection, {"userId": user_id}, limit=limit, cursor=cursor,
                        transform=self.public)

    @staticmethod
    def public(doc: dict[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "name": doc["name"], "message": doc["message"],
                "createdAt": doc["createdAt"]}

    @staticmethod
    def tidy(collection: Any, clock: Any, settings: dict[str, Any]) -> int:
        cutoff = clock.now() - timedelta(days=int(settings.get("retention_days", 30)))
        return collection.delete_many({"createdAt": {"$lt": cutoff}}).deleted_count
