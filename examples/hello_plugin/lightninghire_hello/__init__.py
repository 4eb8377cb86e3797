"""The hello plugin: a complete third-party LightningHire plugin, kept as the template that
docs/plugins.md walks through. Hook implementations only: the plugin's face, in one screen.

It imports the core through ``lightninghire.api`` only (everything else there is private).
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import (
    CollectionRegistry,
    CommandRegistry,
    Event,
    PolicyRegistry,
    RouteTable,
    SchemaRegistry,
    Services,
    TaskRegistry,
    hookimpl,
)
from lightninghire_hello import cli
from lightninghire_hello.resources import (
    FEATURE,
    GreetingsResource,
    HelloResource,
    StatsResource,
)
from lightninghire_hello.schemas import GreetingSchema
from lightninghire_hello.service import COLLECTION, EVENT_GREETED, greetings_of
from lightninghire_hello.settings import HelloSettings

# Read by the plugin host at startup (module attributes, not hooks):
plugin_settings = HelloSettings            # [plugins.hello], validated; bad value: no startup
plugin_events = {
    "emits": (EVENT_GREETED,),
    "listens": {"account": ("user.deleted",)},  # the core's account part emits it
}
# No plugin_requires: the caps below name the `plans` plugin's tiers; without any plugin that
# declares tiers, a user's stored tier still meets them as written, so hello runs on its own.


@hookimpl
def register_routes(routes: RouteTable, services: Services) -> None:
    greetings = greetings_of(services)
    routes.add("/api/hello", HelloResource(greetings))
    routes.add_collection("/api/hello/greetings", GreetingsResource(greetings))
    routes.add("/api/hello/stats", StatsResource(greetings))


@hookimpl
def register_schemas(spec: SchemaRegistry) -> None:
    # A stable public name; the other schemas are named from their classes (GreetingIn, ...).
    spec.add("HelloGreeting", GreetingSchema)


@hookimpl
def register_collections(collections: CollectionRegistry) -> None:
    collections.add(COLLECTION, owner_field="userId", indexes=[
        IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)]),  # the owner's list
        IndexModel([("createdAt", ASCENDING)]),                           # the tidy task
    ])


@hookimpl
def register_policy(policy: PolicyRegistry) -> None:
    # Only admins (and super admins) read the stats; every member may use the other routes.
    policy.add_lines(["p, admin, hello_stats, read"])
    # Free accounts (either user type) store 3 greetings in all; other tiers are unlimited.
    policy.add_feature(key=FEATURE, label="Greetings", window="total",
                       limits={"free": 3, "recruiter_free": 3},
                       upgrade_hint="Upgrade to Pro to store unlimited greetings.")


@hookimpl
def register_tasks(tasks: TaskRegistry, services: Services) -> None:
    def tidy(context: Any = None) -> dict[str, int]:
        """Delete greetings older than the configured retention."""
        return {"processed": greetings_of(services).tidy()}

    tasks.add("hello-tidy", schedule="0 * * * *", run=tidy, lease_seconds=60)


@hookimpl
def handle_event(event: Event, services: Services) -> None:
    if event.name == "user.deleted" and event.user_id:
        greetings_of(services).forget(event.user_id)


@hookimpl
def register_commands(commands: CommandRegistry) -> None:
    commands.add("hello", "The hello plugin's greetings", configure=cli.configure, run=cli.run)
