"""Thin Falcon resources: options declared, input already validated, data returned."""

from __future__ import annotations

from typing import Any

from lightninghire.api import PageQuery, endpoint, page_schema
from lightninghire_hello.schemas import GreetingInSchema, GreetingSchema, HelloQuerySchema
from lightninghire_hello.service import GreetingService


class HelloResource:
    def __init__(self, service: GreetingService) -> None:
        self.service = service

    @endpoint(auth="public", query=HelloQuerySchema, tags=["hello"])
    def on_get(self, req: Any, resp: Any) -> dict[str, str]:
        """Say hello."""
        return {"message": self.service.greet(req.context.query["name"])}

    @endpoint(auth="public", body=GreetingInSchema, rate_limit="10/15m", tags=["hello"])
    def on_post(self, req: Any, resp: Any) -> dict[str, str]:
        """Say hello to a name sent in the body (nothing is stored; 10 per 15 minutes per IP)."""
        return {"message": self.service.greet(req.context.body["name"])}


class GreetingsResource:
    def __init__(self, service: GreetingService) -> None:
        self.service = service

    @endpoint(body=GreetingInSchema, response=GreetingSchema, status=201,
              feature="hello_greetings", tags=["hello"])
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Store a greeting for the caller (free accounts: 3 in all)."""
        return self.service.create(req.context.principal.user_id, req.context.body["name"])

    @endpoint(query=PageQuery, response=page_schema(GreetingSchema), tags=["hello"])
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's greetings, newest first."""
        query = req.context.query
        return self.service.list(req.context.principal.user_id, query["limit"], query["cursor"])
