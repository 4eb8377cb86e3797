"""Thin Falcon resources: options declared, input already validated, data returned."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_hello.schemas import (
    GreetingInSchema,
    GreetingPatchSchema,
    GreetingQuerySchema,
    GreetingSchema,
    HelloQuerySchema,
    HelloStatsSchema,
)
from lightninghire_hello.service import GreetingService

FEATURE = "hello_greetings"        # the capped feature (register_policy)
STATS = "hello_stats:read"         # the permission only admins hold (register_policy)


class HelloResource(Resource[GreetingService]):
    @endpoint(auth="public", query=HelloQuerySchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, str]:
        """Say hello."""
        return {"message": self.service.greet(req.context.query["name"])}

    @endpoint(auth="public", body=GreetingInSchema, rate_limit="10/15m",
              description="Nothing is stored. At most 10 per 15 minutes per client IP (429 "
                          "with Retry-After past that).")
    def on_post(self, req: Any, resp: Any) -> dict[str, str]:
        """Say hello to a name sent in the body."""
        return {"message": self.service.greet(req.context.body["name"])}


class GreetingsResource(CollectionResource):
    """``/api/hello/greetings`` and ``/api/hello/greetings/{id}``: the caller's greetings."""

    item, create_body, patch_body, list_query = (GreetingSchema, GreetingInSchema,
                                                 GreetingPatchSchema, GreetingQuerySchema)
    endpoints = {
        "on_get": endpoint(summary="The caller's greetings, newest first."),
        "on_post": endpoint(feature=FEATURE, summary="Store a greeting for the caller.",
                            description="Free accounts store 3 greetings in all (402 with an "
                                        "upgradeHint past that); Pro is unlimited."),
        "on_get_item": endpoint(summary="One of the caller's greetings."),
        "on_patch_item": endpoint(summary="Greet another name (the message follows)."),
        "on_delete_item": endpoint(summary="Delete a greeting."),
    }


class StatsResource(Resource[GreetingService]):
    @endpoint(permission=STATS, response=HelloStatsSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, int]:
        """Greeting counts, for admins."""
        return self.service.stats()
