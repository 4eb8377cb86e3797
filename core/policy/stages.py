"""The pipeline stages this package provides: rate limit and entitlement (permission lives
beside the Casbin engine)."""

from __future__ import annotations

from typing import Protocol

import falcon

from lightninghire.errors import RateLimited, Unauthenticated
from lightninghire.policy.entitlements import Consumption, EntitlementEngine
from lightninghire.policy.ratelimit import Decision
from lightninghire.registry import Operation

SEED_MESSAGE = "Too many requests. Please try again later."


class Counter(Protocol):
    def hit(self, bucket: str, key: str, limit: int, window_seconds: int) -> Decision: ...


def _headers(decision: Decision) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(int(decision.resets_at.timestamp()))}


class RateLimitStage:
    """``rate_limit="10/15m"``: per client IP (trusted-proxy aware) or, ``per user``, per caller."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    def __call__(self, op: Operation, req: falcon.Request, resp: falcon.Response) -> None:
        limit = op.options.rate_limit
        assert limit is not None
        # Per IP means per canonical address, an IPv6 client per network (client_key).
        address = getattr(req.context, "client_key", None) or req.context.client_ip
        if limit.per == "user":
            principal = req.context.principal
            key = f"user:{principal.user_id}" if principal.user else f"ip:{address}"
        else:
            key = f"ip:{address}"
        decision = self.counter.hit(f"route:{op.method} {op.path}", key, limit.count,
                                    limit.window_seconds)
        headers = _headers(decision)
        if not decision.allowed:
            error = RateLimited(decision.retry_after, SEED_MESSAGE)
            error.headers.update(headers)
            raise error
        for name, value in headers.items():
            resp.set_header(name, value)


class EntitlementStage:
    """``feature="<key>"``: check the caller's cap and take one unit (402 past it)."""

    def __init__(self, engine: EntitlementEngine) -> None:
        self.engine = engine

    def __call__(self, op: Operation, req: falcon.Request, resp: falcon.Response) -> Consumption:
        principal = req.context.principal
        if principal.user is None:
            raise Unauthenticated()
        assert op.options.feature is not None
        return self.engine.consume(principal.user, op.options.feature)
