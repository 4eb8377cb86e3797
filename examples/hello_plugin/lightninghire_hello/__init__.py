"""Hook implementations of the hello plugin: its whole face, readable in one screen."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import hookimpl
from lightninghire_hello.resources import GreetingsResource, HelloResource
from lightninghire_hello.schemas import GreetingSchema
from lightninghire_hello.service import GreetingService

COLLECTION = "hello_greetings"
plugin_events = {"emits": ("hello.greeted",)}


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    greetings = GreetingService(services.db[COLLECTION], services.clock, services.events,
                                services.plugin_settings("hello"))
    routes.add("/api/hello", HelloResource(greetings))
    routes.add("/api/hello/greetings", GreetingsResource(greetings))


@hookimpl
def register_schemas(spec: Any) -> None:
    spec.add("HelloGreeting", GreetingSchema)


@hookimpl
def register_policy(policy: Any) -> None:
    # Every signed-in member may use the routes; free accounts store 3 greetings in all.
    policy.add_feature(key="hello_greetings", label="Greetings", window="total",
                       limits={"free": 3, "recruiter_free": 3},
                       upgrade_hint="Upgrade to Pro to store unlimited greetings.")


@hookimpl
def register_collections(collections: Any) -> None:
    collections.add(
        COLLECTION,
        indexes=[IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)])],
        owner_field="userId",
    )


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    def tidy(context: Any = None) -> dict[str, int]:
        """Delete greetings older than the configured retention."""
        return {"processed": GreetingService.tidy(services.db[COLLECTION], services.clock,
                                                  services.plugin_settings("hello"))}

    tasks.add("hello-tidy", schedule="0 * * * *", run=tidy, lease_seconds=60)
