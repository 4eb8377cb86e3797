"""What authorization and entitlements cost per request, measured in one run.

Run by hand, never by the test suite::

    python bench/policy_overhead.py [--requests 2000]

1. The Casbin decision alone: cached (the engine's cache) vs uncached (cache emptied each time).
2. In process (falcon.testing): the same no-database route with no policy, with a permission,
   and with a metered feature for an unlimited (Pro) and a capped (free) user; the differences
   are the permission stage and the entitlement stage. Each request is authenticated with an API
   key, so all rows share the same authentication cost.
3. Database commands per request of each route (pymongo command monitoring).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections import Counter
from typing import Any

import falcon.testing
from pymongo import monitoring

from lightninghire import create_app, hookimpl
from lightninghire.account import account_of
from lightninghire.config import load_settings
from lightninghire.embedded import EmbeddedMongo
from lightninghire.policy import PolicyEngine

CAP = 100
ROUTES = {
    "/api/bench/plain": {},
    "/api/bench/permitted": {"permission": "account:read"},
    "/api/bench/metered": {"permission": "account:read", "feature": "bench_uses"},
}


class Noop:
    def on_get(self, req: Any, resp: Any) -> dict[str, bool]:
        return {"ok": True}


class BenchPlugin:
    @hookimpl
    def register_policy(self, policy: Any) -> None:
        # A realistic cap (the largest in the product is 75); the bench frees the slots between
        # batches (untimed) so the capped user never reaches it.
        policy.add_feature(key="bench_uses", label="Bench uses", window="total",
                           limits={"free": CAP}, upgrade_hint="-")

    @hookimpl
    def register_routes(self, routes: Any) -> None:
        for path, options in ROUTES.items():
            routes.add(path, Noop(), **options)


class CommandCounter(monitoring.CommandListener):
    def __init__(self) -> None:
        self.counting = False
        self.counts: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.counting and event.command_name not in {"hello", "isMaster", "endSessions"}:
            self.counts[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def casbin_decisions(rounds: int) -> tuple[float, float]:
    engine = PolicyEngine()
    roles = ("jobseeker",)
    engine.allowed(roles, "account", "read")
    start = time.perf_counter()
    for _ in range(rounds):
        engine.allowed(roles, "account", "read")
    cached = (time.perf_counter() - start) / rounds * 1e6
    start = time.perf_counter()
    for _ in range(rounds):
        engine._cache.clear()  # the uncached path: one enforce per role
        engine.allowed(roles, "account", "read")
    uncached = (time.perf_counter() - start) / rounds * 1e6
    return cached, uncached


def timed(client: falcon.testing.TestClient, path: str, headers: dict[str, str],
          requests: int, before_each: Any = None, between_batches: Any = None) -> float:
    """Best of 3 rounds, in µs per request; ``before_each`` runs inside the timing (it is part
    of what is measured), ``between_batches`` outside it every ``CAP // 2`` requests."""
    best = []
    for _ in range(3):
        elapsed = 0.0
        done = 0
        while done < requests:
            if between_batches:
                between_batches()
            batch = min(CAP // 2, requests - done)
            start = time.perf_counter()
            for _ in range(batch):
                if before_each:
                    before_each()
                result = client.simulate_get(path, headers=headers)
                if result.status_code != 200:
                    raise SystemExit(f"{path}: {result.status_code} {result.text}")
            elapsed += time.perf_counter() - start
            done += batch
        best.append(elapsed / requests * 1e6)
    return min(best)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per route per round")
    args = parser.parse_args(argv)
    counter = CommandCounter()
    monitoring.register(counter)
    with EmbeddedMongo("memory") as server:
        settings = load_settings(path=os.devnull, environ={}, overrides={
            "database.uri": server.uri, "database.name": f"bench_{uuid.uuid4().hex[:8]}",
            "plugins.enabled": []})
        app = create_app(settings, extra_plugins={"bench": BenchPlugin()},
                         plugins=["plans", "bench"])  # plans: the tiers the cap names
        try:
            account = account_of(app.services)
            keys = {}
            for tier in ("pro", "free"):
                user = account.users.create(email=f"{tier}-{uuid.uuid4().hex[:6]}@example.com",
                                            password="bench password 0123",  # noqa: S106
                                            name=tier, tier=tier)
                keys[tier] = {"Authorization": f"Bearer {account.keys.mint(user['_id'], 'b')[0]}"}
            client = falcon.testing.TestClient(app)
            engine = app.services.policy_engine
            slots = app.services.db["usage_slots"]

            def free_slots() -> None:
                slots.delete_many({"feature": "bench_uses"})

            rows = []
            for label, path, who, before_each in (
                ("no policy", "/api/bench/plain", "pro", None),
                ("+ permission (cached)", "/api/bench/permitted", "pro", None),
                ("+ permission (uncached)", "/api/bench/permitted", "pro", engine._cache.clear),
                ("+ feature, unlimited user", "/api/bench/metered", "pro", None),
                ("+ feature, capped user", "/api/bench/metered", "free", None),
            ):
                micros = timed(client, path, keys[who], args.requests, before_each, free_slots)
                free_slots()
                counter.counts.clear()
                counter.counting = True
                for _ in range(CAP // 2):
                    client.simulate_get(path, headers=keys[who])
                counter.counting = False
                per_request = {name: n / (CAP // 2) for name, n in sorted(counter.counts.items())}
                rows.append((label, micros, per_request))
        finally:
            app.close()
    cached, uncached = casbin_decisions(20_000)
    print("1. Casbin decision (PolicyEngine.allowed, one role)")
    print(f"   cached   {cached:8.2f} us")
    print(f"   uncached {uncached:8.2f} us   (x{uncached / cached:.0f})")
    print(f"\n2. In process, API-key request to a no-database route (best of 3 x {args.requests})")
    base = rows[0][1]
    print(f"   {'route':<28}{'us/request':>12}{'vs no policy':>14}   db commands/request")
    for label, micros, per_request in rows:
        commands = " ".join(f"{k}={v:g}" for k, v in per_request.items()) or "-"
        print(f"   {label:<28}{micros:12.1f}{micros - base:+14.1f}   {commands}")
    print("\n   The database round trips dominate: each nx-27017 command costs several hundred us,")
    print("   so compare a row's commands before its microseconds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
