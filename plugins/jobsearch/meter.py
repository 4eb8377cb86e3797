"""Metering done inside a service, where the route-level ``feature=`` cannot express the rule
(a duplicate import that costs nothing, a cap counted per CSV row, a live count of open roles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lightninghire.api import PaymentRequired


class Meter:
    def __init__(self, services: Any) -> None:
        self.services = services

    def consume(self, user: Mapping[str, Any], key: str) -> Any:
        """Take one unit of ``key`` (402 at the cap); the caller refunds it if its write fails."""
        return self.services.entitlements.consume(user, key)

    def limit(self, user: Mapping[str, Any], key: str) -> int | None:
        return self.services.entitlements.limit(user, key)

    def refuse(self, key: str, limit: int, used: int, message: str) -> PaymentRequired:
        """A 402 shaped like the entitlement stage's, for caps on live counts."""
        engine = self.services.entitlements
        feature = engine.features[key]
        return PaymentRequired(message, upgrade_hint=engine.hint(feature), feature=key,
                               limit=limit, used=used, resetsAt=None)


class ServiceBase:
    """What the jobsearch services take from the core's services: the clock, events and the
    meter."""

    def __init__(self, services: Any) -> None:
        self.clock = services.clock
        self.events = services.events
        self.meter = Meter(services)
