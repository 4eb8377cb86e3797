"""``/api/entitlements``, ``/api/usage`` and ``/api/stats``: what the client needs for paywalls
and the analytics page."""

from __future__ import annotations

from typing import Any

import falcon
from marshmallow import Schema, fields, validate

from lightninghire.http.endpoint import endpoint
from lightninghire.policy.entitlements import EntitlementEngine


class StatsQuery(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(1, 365))


class EntitlementsResource:
    def __init__(self, engine: EntitlementEngine) -> None:
        self.engine = engine

    @endpoint(permission="account:read", tags=["entitlements"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Plan facts and, per feature: allowed, current usage, limit (null = unlimited),
        remaining, label and upgrade hint."""
        return self.engine.payload(req.context.principal.user)


class UsageResource:
    def __init__(self, engine: EntitlementEngine) -> None:
        self.engine = engine

    @endpoint(permission="account:read", tags=["entitlements"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Per feature: uses in the current window and in all time."""
        user = req.context.principal.user
        counts = self.engine.usage_counts(str(user["_id"]), facts=self.engine.facts_for(user))
        return {key: {"window": self.engine.features[key].window, **value}
                for key, value in sorted(counts.items())}


class StatsResource:
    def __init__(self, engine: EntitlementEngine) -> None:
        self.engine = engine

    @endpoint(permission="account:read", query=StatsQuery, tags=["entitlements"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Uses per feature per UTC day over the last ``days`` days (default 30)."""
        return self.engine.history(req.context.principal.user_id, req.context.query["days"])
