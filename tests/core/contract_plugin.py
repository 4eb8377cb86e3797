"""A plugin written for the core's tests: one route per behaviour of the HTTP contract.

Handed to ``make_app(extra_plugins={"contract": contract_plugin})``: it goes through the same
plugin host, registries and pipeline as any installed plugin.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire import (
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RateLimited,
    Reply,
    endpoint,
    hookimpl,
)


class ItemIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    size = fields.Integer(load_default=1, validate=validate.Range(1, 10))
    tags = fields.List(fields.String(), load_default=list)


class ItemOut(Schema):
    name = fields.String()
    size = fields.Integer()


class FilterQuery(Schema):
    size = fields.Integer(load_default=1)


class Items:
    @endpoint(auth="public", body=ItemIn, response=ItemOut, status=201)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Echo a validated item."""
        return {**req.context.body, "secret": "dropped by the response schema"}

    @endpoint(auth="public", query=FilterQuery)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        return {"query": req.context.query}


class Failures:
    ERRORS = {
        "payment": lambda: PaymentRequired("Cap reached.", upgrade_hint="Go Pro for unlimited."),
        "forbidden": lambda: Forbidden(),
        "missing": lambda: NotFound("No such thing."),
        "conflict": lambda: Conflict("Already there."),
        "ratelimit": lambda: RateLimited(12.2),
    }

    @endpoint(auth="public")
    def on_get(self, req: Any, resp: Any, kind: str) -> None:
        if kind == "crash":
            raise RuntimeError("boom: secret internals")
        raise self.ERRORS[kind]()


class Whoami:
    @endpoint(auth="public")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        return {"clientIp": req.context.client_ip, "requestId": req.context.request_id}


class Lead:
    @endpoint(auth="public")
    def on_post(self, req: Any, resp: Any) -> Reply:
        return Reply.top(downloadUrl="https://example.test/guide.pdf")


class Signed:
    @endpoint(auth="public", raw_body=True)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Echo what arrived, byte for byte (as a webhook's signature check needs it)."""
        return {"length": len(req.context.raw_body), "text": req.context.raw_body.decode()}


class CronOnly:
    @endpoint(auth="cron")
    def on_get(self, req: Any, resp: Any) -> dict[str, str]:
        return {"caller": req.context.principal.kind}


@hookimpl
def register_routes(routes: Any) -> None:
    routes.add("/api/contract/items", Items())
    routes.add("/api/contract/fail/{kind}", Failures())
    routes.add("/api/contract/whoami", Whoami())
    routes.add("/api/contract/lead", Lead())
    routes.add("/api/contract/cron", CronOnly())
    routes.add("/api/contract/signed", Signed())
