"""The data path: what each hot route costs next to a bare Falcon app doing the same number of
database operations, and whether that cost grows with other users' history.

Run by hand, never by the test suite::

    python bench/data_path.py                    # about 2 minutes on 2 cores
    python bench/data_path.py --seconds 3 --sizes 1000,10000 --json

Everything is measured in one run, against one nx-27017 in memory, so the ratios compare like
with like (bench/README.md explains each figure):

1. HTTP, same gunicorn options for both apps (those of ``lightninghire serve``, access log off):
   each route of the full app against a bare Falcon route doing the route's *target* number of
   database operations (indexed ``find_one`` by ``_id``; a write route's last one an insert).
   ``GET /api/me`` is compared with a bare route doing one ``find_one``.
2. Database commands per request, counted in process on the request's own thread (what an app
   defers past the answer runs on other threads and is not request cost).
3. Growth: in-process µs per request of ``GET /api/entitlements`` and ``GET /api/applications``
   after 0 and then N documents of *other* users' history (usage and applications).
4. Startup: ``create_app`` time; gunicorn start to every worker ready; RSS per worker.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import falcon
import falcon.testing
from bson import ObjectId
from pymongo import MongoClient, monitoring

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_overhead as base

HOST = base.HOST
SEED_MOCK = {"company": "Stripe", "role": "Senior Backend Engineer",
             "interviewType": "behavioral", "focusAreas": ["leadership", "conflict"]}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    target: int  # the round-trip target: what the bare route does
    body: Callable[[], dict[str, Any]] | None = None
    auth: bool = True


def _lead() -> dict[str, Any]:
    return {"email": f"lead-{uuid.uuid4().hex[:12]}@example.com",
            "source": "interview-prep-guide", "marketingOptIn": True}


ROUTES = (
    Route("GET /api/me", "GET", "/api/me", 1),
    Route("GET /api/entitlements", "GET", "/api/entitlements", 2),
    Route("GET /api/applications", "GET", "/api/applications", 2),
    Route("POST /api/applications", "POST", "/api/applications", 4,
          lambda: {"company": "Acme", "role": "SRE"}),
    Route("POST /api/mock-interview", "POST", "/api/mock-interview", 5, lambda: SEED_MOCK),
    Route("POST /api/leads", "POST", "/api/leads", 4, _lead, auth=False),
)


# --- the bare app: N indexed operations, nothing else --------------------------------------------


class BareOps:
    """``GET|POST /bare/{n}``: ``n`` indexed ``find_one`` by ``_id`` (a POST's last is an insert)."""

    def __init__(self, uri: str, dbname: str, user_id: ObjectId) -> None:
        self.uri, self.dbname, self.user_id = uri, dbname, user_id
        self._client: MongoClient[dict[str, Any]] | None = None
        self._pid = 0

    @property
    def db(self) -> Any:
        if self._client is None or self._pid != os.getpid():  # fork-safe, as the core's
            self._client = MongoClient(self.uri, tz_aware=True)
            self._pid = os.getpid()
        return self._client[self.dbname]

    def _ops(self, n: int, write: bool) -> None:
        for i in range(n):
            if write and i == n - 1:
                self.db["bare_writes"].insert_one({"userId": str(self.user_id), "at": time.time()})
            else:
                self.db["users"].find_one({"_id": self.user_id})

    def on_get(self, req: falcon.Request, resp: falcon.Response, n: int) -> None:
        self._ops(n, write=False)
        resp.media = {"ok": True, "data": {"ops": n}}

    def on_post(self, req: falcon.Request, resp: falcon.Response, n: int) -> None:
        req.bounded_stream.read()
        self._ops(n, write=True)
        resp.status = falcon.HTTP_201
        resp.media = {"ok": True, "data": {"ops": n}}


def make_bare_ops_app(uri: str, dbname: str, user_id: str) -> falcon.App:
    app = falcon.App()
    app.add_route("/bare/{n:int}", BareOps(uri, dbname, ObjectId(user_id)))
    return app


# --- load ---------------------------------------------------------------------------------------


def _requests(route: Route, path: str, headers: Mapping[str, str]) -> Callable[[int], Any]:
    """Client ``i``'s request factory. Leads are limited per client IP: each request comes
    "from" its own address, as a trusted proxy would say (loopback is trusted by default)."""

    def for_client(i: int) -> Callable[[], tuple[str, str, bytes | None, dict[str, str]]]:
        rng = random.Random(i)

        def request() -> tuple[str, str, bytes | None, dict[str, str]]:
            sent = {**headers, "X-Forwarded-For":
                    f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"}
            body = None
            if route.method == "POST":
                body = json.dumps(route.body() if route.body else {}).encode()
                sent["Content-Type"] = "application/json"
            return route.method, path, body, sent

        return request

    return for_client


def load(port: int, route: Route, path: str, headers: Mapping[str, str], concurrency: int,
         warmup: float, seconds: float) -> dict[str, Any]:
    result = base.load_http(route.name, port, path, headers, concurrency, warmup, seconds,
                            requests=_requests(route, path, headers))
    return {"requests": result.requests, "rps": result.rps, "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms, "errors": result.errors}


# --- serving --------------------------------------------------------------------------------------


def serve_child(args: argparse.Namespace) -> int:
    """``--serve bare-ops|full``: gunicorn with ``lightninghire serve``'s options until SIGTERM."""
    settings = base.full_settings(args.uri, args.dbname)
    options = base.server_options(args.port, args.workers, args.threads, args.ready_dir, settings)
    if args.serve == "bare-ops":
        def factory() -> Any:
            return make_bare_ops_app(args.uri, args.dbname, args.user_id)
    else:
        def factory() -> Any:
            return base.make_full_app(args.uri, args.dbname)
    base.BenchServer(factory, options).run()
    return 0


@contextlib.contextmanager
def served(kind: str, args: argparse.Namespace, uri: str, dbname: str, user_id: str,
           workdir: str) -> Iterator[tuple[int, float, list[int]]]:
    """Start ``--serve kind``; yield (port, seconds to ready, worker pids)."""
    import subprocess

    ready_dir = Path(workdir, f"ready-{kind}")
    ready_dir.mkdir()
    log_path = Path(workdir, f"gunicorn-{kind}.log")
    port = base.free_port(HOST)
    argv = [sys.executable, str(Path(__file__).resolve()), "--serve", kind, "--port", str(port),
            "--workers", str(args.workers), "--threads", str(args.threads), "--uri", uri,
            "--dbname", dbname, "--ready-dir", str(ready_dir), "--user-id", user_id]
    started = time.perf_counter()
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=base._die_with_parent)
    try:
        base._wait_ready(process, port, ready_dir, args.workers, log_path)
        ready = time.perf_counter() - started
        yield port, ready, [int(p.name) for p in ready_dir.iterdir()]
    finally:
        base._stop(process)


def rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- in process -------------------------------------------------------------------------------


class RequestThreadCounter(monitoring.CommandListener):
    """Commands started on the counting thread only (deferred work runs on other threads)."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if (threading.current_thread() is self.thread
                and event.command_name.lower() not in base.DRIVER_COMMANDS):
            self.count += 1

    def succeeded(self, event: Any) -> None:
        pass

    def failed(self, event: Any) -> None:
        pass


def simulate(client: falcon.testing.TestClient, route: Route, headers: Mapping[str, str],
             ip: str = "10.0.0.1") -> int:
    body = route.body() if route.body else None
    return client.simulate_request(route.method, route.path, json=body,
                                   headers={**headers, "X-Forwarded-For": ip}).status_code


def commands_per_request(app: Any, counter: RequestThreadCounter, route: Route,
                         headers: Mapping[str, str], requests: int) -> float:
    client = falcon.testing.TestClient(app)
    for i in range(3):
        simulate(client, route, headers, f"10.1.0.{i + 1}")
    counter.thread, counter.count = threading.current_thread(), 0
    try:
        for i in range(requests):
            simulate(client, route, headers, f"10.2.{i // 250}.{i % 250 + 1}")
    finally:
        counter.thread = None
    return counter.count / requests


def micros(app: Any, route: Route, headers: Mapping[str, str], requests: int, rounds: int) -> float:
    client = falcon.testing.TestClient(app)
    for _ in range(20):
        simulate(client, route, headers)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(requests):
            simulate(client, route, headers)
        best = min(best, (time.perf_counter() - start) / requests)
    return best * 1e6


def add_history(uri: str, dbname: str, count: int) -> None:
    """``count`` documents of other users' history in each history collection the hot views
    read (both the old event log and the new counters, so any version of the code is fair)."""
    db = MongoClient(uri, tz_aware=True)[dbname]
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    batch = 5000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        users = [str(ObjectId()) for _ in range(size)]
        db["usage_events"].insert_many(
            [{"userId": u, "feature": "mock_interviews", "at": now - timedelta(hours=i % 200)}
             for i, u in enumerate(users)], ordered=False)
        db["usage_counters"].insert_many(
            [{"_id": f"{u}|total", "userId": u, "period": "total", "f_mock_interviews": 3}
             for u in users], ordered=False)
        db["jobsearch_applications"].insert_many(
            [{"userId": u, "company": "Other", "role": "Role", "status": "applied",
              "archived": False, "createdAt": now, "updatedAt": now} for u in users],
            ordered=False)


# --- orchestration ----------------------------------------------------------------------------


def seed_user(uri: str, dbname: str) -> tuple[str, str]:
    """A Pro user with an API key; (user id, key)."""
    from lightninghire.account import account_of

    app = base.make_full_app(uri, dbname)
    try:
        account = account_of(app.services)
        user = account.users.create(email=f"bench-{uuid.uuid4().hex[:8]}@example.com",
                                    password="bench password 0123",  # noqa: S106 - bench-only
                                    name="Bench", tier="pro")
        secret, _ = account.keys.mint(user["_id"], "bench")
        # A few cards of the user's own, so the list has something to page.
        client = falcon.testing.TestClient(app)
        for _ in range(5):
            client.simulate_post("/api/applications", json={"company": "Own", "role": "Role"},
                                 headers={"Authorization": f"Bearer {secret}"})
        return str(user["_id"]), secret
    finally:
        app.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"http": [], "commands": {}, "growth": [], "startup": {}}
    with base.database(args.uri, args.dbname) as (uri, dbname), \
            tempfile.TemporaryDirectory(prefix="lh-bench-") as workdir:
        user_id, key = seed_user(uri, dbname)
        auth = {"Authorization": f"Bearer {key}"}

        # 1. HTTP, full vs bare, one server of each kept up for every route.
        base._progress("HTTP: full app")
        with served("full", args, uri, dbname, user_id, workdir) as (port, ready, pids):
            results["startup"]["full_ready_s"] = ready
            full = {}
            for route in ROUTES:
                full[route.name] = load(port, route, route.path, auth if route.auth else {},
                                        args.concurrency, args.warmup, args.seconds)
            results["startup"]["rss_mib_per_worker"] = [round(rss_mib(p), 1) for p in pids]
        base._progress("HTTP: bare app")
        with served("bare-ops", args, uri, dbname, user_id, workdir) as (port, ready, pids):
            results["startup"]["bare_ready_s"] = ready
            results["startup"]["bare_rss_mib_per_worker"] = [round(rss_mib(p), 1) for p in pids]
            for route in ROUTES:
                bare = load(port, route, f"/bare/{route.target}", {}, args.concurrency,
                            args.warmup, args.seconds)
                results["http"].append({"route": route.name, "target": route.target,
                                        "full": full[route.name], "bare": bare})

        # 2. Database commands per request (request thread only) and 4. create_app time.
        base._progress("in process: commands per request, startup")
        counter = RequestThreadCounter()
        monitoring.register(counter)
        started = time.perf_counter()
        app = base.make_full_app(uri, dbname)
        results["startup"]["create_app_ms"] = (time.perf_counter() - started) * 1000
        try:
            for route in ROUTES:
                results["commands"][route.name] = commands_per_request(
                    app, counter, route, auth if route.auth else {}, args.db_requests)
            # 3. Growth with other users' history.
            views = [r for r in ROUTES if r.name in ("GET /api/entitlements",
                                                    "GET /api/applications")]
            done = 0
            for size in [0, *args.sizes]:
                base._progress(f"growth: {size} documents of other users' history")
                add_history(uri, dbname, size - done)
                done = size
                row: dict[str, Any] = {"documents": size}
                for route in views:
                    row[route.name] = micros(app, route, auth, args.requests, args.rounds)
                results["growth"].append(row)
        finally:
            app.close()
    return results


def render(results: dict[str, Any]) -> str:
    lines = ["HTTP (same gunicorn options; bare = a Falcon route doing the target's operations)",
             f"{'route':28} {'target':>6} {'full req/s':>10} {'bare req/s':>10} {'full/bare':>9}"
             f" {'full p50/p99 ms':>16} {'bare p50/p99 ms':>16} {'errors':>6}"]
    for row in results["http"]:
        full, bare = row["full"], row["bare"]
        ratio = full["rps"] / bare["rps"] if bare["rps"] else float("nan")
        lines.append(f"{row['route']:28} {row['target']:>6} {full['rps']:>10.0f} "
                     f"{bare['rps']:>10.0f} {ratio:>9.2f} "
                     f"{full['p50_ms']:>7.2f}/{full['p99_ms']:<8.2f} "
                     f"{bare['p50_ms']:>7.2f}/{bare['p99_ms']:<8.2f} "
                     f"{full['errors'] + bare['errors']:>6}")
    lines += ["", "Database commands per request (request thread)"]
    for name, count in results["commands"].items():
        lines.append(f"  {name:28} {count:.2f}")
    lines += ["", "Growth: µs per request (in process) with N documents of other users' history"]
    names = [k for k in results["growth"][0] if k != "documents"]
    lines.append(f"  {'documents':>10} " + " ".join(f"{n:>24}" for n in names))
    for row in results["growth"]:
        lines.append(f"  {row['documents']:>10} " + " ".join(f"{row[n]:>24.0f}" for n in names))
    s = results["startup"]
    lines += ["", f"Startup: create_app {s['create_app_ms']:.0f} ms; gunicorn ready: full "
                  f"{s['full_ready_s']:.2f} s, bare {s['bare_ready_s']:.2f} s",
              f"RSS per worker (MiB): full {s['rss_mib_per_worker']}, "
              f"bare {s['bare_rss_mib_per_worker']}"]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    base.add_load_arguments(parser, seconds=4.0)
    parser.add_argument("--db-requests", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1000, 10000, 100000])
    parser.add_argument("--uri", default="")
    parser.add_argument("--dbname", default="")
    parser.add_argument("--json", action="store_true")
    # Internal: the serving child.
    parser.add_argument("--serve", choices=["bare-ops", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ready-dir", help=argparse.SUPPRESS)
    parser.add_argument("--user-id", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        return serve_child(args)
    results = run(args)
    print(json.dumps(results, indent=2, default=str) if args.json else render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
