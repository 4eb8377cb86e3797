"""Our capped-``$inc`` rate limiter against the ``limits`` package, under concurrency.

Run by hand, never by the test suite (``pip install 'limits[mongodb]'`` first; it is not a
dependency of the project)::

    python bench/ratelimit_lib.py [--processes 4] [--threads 4] [--hits 10] [--limit 60]

It starts nx-27017 in memory on 127.0.0.1 (``lightninghire.embedded.EmbeddedMongo``), then for
each limiter fires ``processes x threads x hits`` requests at one key with a fixed-window limit
of ``--limit`` per 60 s, from separate processes (as gunicorn workers would) each with its own
pymongo client. Every process counts the database commands its client sends (pymongo command
monitoring; the connection handshake and index creation are not counted: they happen once per
process, not per hit). It prints, per limiter:

- ``allowed``: hits let through; ``overshoot`` = allowed - limit (must be 0 for exact counts);
- ``rt/hit``: database round trips per hit (allowed and refused together), and for ``limits``
  also with ``get_window_stats``, which our route headers need (remaining, reset);
- ``stored``: the counter left in the database.

Everything it started is stopped at the end, also on an error. Bounded: at most
``processes x threads x hits`` hits per limiter, each process joined with a timeout.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import threading
import time
import uuid
from collections import Counter
from typing import Any

from pymongo import MongoClient, monitoring

from lightninghire.clock import Clock
from lightninghire.embedded import EmbeddedMongo
from lightninghire.policy.ratelimit import RateLimitStore

WINDOW = 60
NOT_PER_HIT = {"hello", "isMaster", "ismaster", "ping", "createIndexes", "endSessions",
               "buildInfo", "buildinfo"}


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.failures: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in NOT_PER_HIT:
            with self.lock:
                self.counts[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        with self.lock:
            self.failures[f"{event.command_name}: {event.failure.get('errmsg', '')[:80]}"] += 1


def _ours(uri: str, db: str, key: str, limit: int, listener: Commands) -> Any:
    client = MongoClient(uri, event_listeners=[listener])
    store = RateLimitStore(client[db]["rate_limits"], Clock())
    store.collection.create_indexes(list(RateLimitStore.INDEXES))

    def hit(stats: bool) -> bool:
        return store.hit("bench", key, limit, WINDOW).allowed  # count and reset come with it

    return hit, client


def _limits(uri: str, db: str, key: str, limit: int, listener: Commands) -> Any:
    from limits import RateLimitItemPerMinute
    from limits.storage import MongoDBStorage
    from limits.strategies import FixedWindowRateLimiter

    storage = MongoDBStorage(uri, database_name=db, event_listeners=[listener])
    limiter = FixedWindowRateLimiter(storage)
    item = RateLimitItemPerMinute(limit)
    storage.check()  # connects and creates its indexes before the clock starts
    _ = storage.counters

    def hit(stats: bool) -> bool:
        allowed = limiter.hit(item, "bench", key)
        if stats:  # what X-RateLimit-Remaining / -Reset and Retry-After need
            limiter.get_window_stats(item, "bench", key)
        return allowed

    return hit, storage.storage


def _worker(kind: str, uri: str, db: str, key: str, limit: int, threads: int, hits: int,
            stats: bool, start: Any, out: Any) -> None:
    listener = Commands()
    hit, client = (_ours if kind == "ours" else _limits)(uri, db, key, limit, listener)
    listener.counts.clear()
    allowed, errors = [0], Counter[str]()
    lock = threading.Lock()

    def fire() -> None:
        for _ in range(hits):
            try:
                ok = hit(stats)
            except Exception as exc:  # reported below, not hidden
                with lock:
                    errors[f"{type(exc).__name__}: {str(exc)[:100]}"] += 1
                continue
            if ok:
                with lock:
                    allowed[0] += 1

    pool = [threading.Thread(target=fire) for _ in range(threads)]
    start.wait(timeout=30)
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    out.put({"allowed": allowed[0], "commands": dict(listener.counts),
             "errors": dict(errors), "failures": dict(listener.failures)})
    client.close()


def run(kind: str, uri: str, args: argparse.Namespace, stats: bool) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    db, key = f"bench_rl_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(kind, uri, db, key, args.limit, args.threads,
                                               args.hits, stats, start, out))
             for _ in range(args.processes)]
    for proc in procs:
        proc.start()
    time.sleep(3.0)  # let every process connect and create its indexes
    began = time.perf_counter()
    start.set()
    results = [out.get(timeout=180) for _ in procs]
    elapsed = time.perf_counter() - began
    for proc in procs:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
    total = args.processes * args.threads * args.hits
    commands: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for result in results:
        commands.update(result["commands"])
        errors.update(result["errors"])
        errors.update({f"server: {k}": v for k, v in result["failures"].items()})
    allowed = sum(r["allowed"] for r in results)
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    stored = [doc.get("count") for name in client[db].list_collection_names()
              for doc in client[db][name].find({}, {"count": 1})]
    client.drop_database(db)
    client.close()
    return {"limiter": kind + (" + window stats" if stats else ""), "hits": total,
            "allowed": allowed, "overshoot": allowed - args.limit,
            "rt_per_hit": round(sum(commands.values()) / total, 2), "commands": dict(commands),
            "stored": stored, "seconds": round(elapsed, 2), "errors": dict(errors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--hits", type=int, default=10, help="hits per thread")
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args()
    server = EmbeddedMongo("memory").start()
    try:
        rows = [run("ours", server.uri, args, stats=False),
                run("limits", server.uri, args, stats=False),
                run("limits", server.uri, args, stats=True)]
    finally:
        server.stop()
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
