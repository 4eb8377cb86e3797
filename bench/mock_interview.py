"""``POST /api/mock-interview`` (the seed's example body, a Pro user's API key): what one mock
interview costs, next to the bare Falcon route of ``http_overhead.py``, in the same run.

Run by hand, never by the test suite::

    python bench/mock_interview.py [--seconds 5 --concurrency 8] [--json]

1. HTTP: the full app served by gunicorn exactly as in ``http_overhead.py`` (same options, same
   readiness wait), loaded with POSTs over keep-alive connections; the bare app with GETs of
   ``/api/health``: req/s, p50/p99, and the ratios.
2. In process: µs per simulated POST (best of ``--rounds``).
3. Database commands per POST (pymongo ``CommandListener`` on the app's own client).

The AI provider is the offline one (no network): the figures are the platform's own cost; a real
provider adds its latency on top.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import falcon.testing

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_overhead as base  # the sibling script, imported by path

PATH = "/api/mock-interview"
BODY = json.dumps({"company": "Stripe", "role": "Staff Engineer", "interviewType": "behavioral",
                   "focusAreas": ["leadership", "conflict"]}).encode()


def _post_client(port: int, headers: dict[str, str], until: float, warm_until: float,
                 latencies: list[float], errors: list[int]) -> None:
    conn = http.client.HTTPConnection(base.HOST, port, timeout=30)
    try:
        while (start := time.perf_counter()) < until:
            try:
                conn.request("POST", PATH, body=BODY, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 201
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            if start >= warm_until:
                (latencies.append(time.perf_counter() - start) if ok else errors.append(1))
    finally:
        conn.close()


def load_post(port: int, headers: dict[str, str], concurrency: int, warmup: float,
              seconds: float) -> dict[str, Any]:
    now = time.perf_counter()
    warm_until, until = now + warmup, now + warmup + seconds
    latencies: list[float] = []
    errors: list[int] = []
    threads = [threading.Thread(target=_post_client, daemon=True,
                                args=(port, headers, until, warm_until, latencies, errors))
               for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + warmup + 60)
    ordered = sorted(latencies)
    return {"requests": len(ordered), "rps": len(ordered) / seconds,
            "p50_ms": base.percentile(ordered, 0.50) * 1000 if ordered else None,
            "p99_ms": base.percentile(ordered, 0.99) * 1000 if ordered else None,
            "errors": len(errors)}


def in_process(uri: str, dbname: str, headers: dict[str, str], requests: int,
               rounds: int) -> dict[str, Any]:
    counter = base.CommandCounter()
    from pymongo import monitoring

    monitoring.register(counter)  # every client made from now on reports its commands
    app = base.make_full_app(uri, dbname)
    try:
        client = falcon.testing.TestClient(app, headers={**headers,
                                                         "Content-Type": "application/json"})
        for _ in range(20):
            client.simulate_post(PATH, body=BODY)
        best = None
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(requests):
                client.simulate_post(PATH, body=BODY)
            took = (time.perf_counter() - start) / requests
            best = took if best is None else min(best, took)
        counter.counts.clear()
        counter.counting = True
        statuses = [client.simulate_post(PATH, body=BODY).status_code for _ in range(100)]
        counter.counting = False
        total = sum(counter.counts.values())
        return {"us_per_request": best * 1e6, "commands_per_request": total / 100,
                "by_command": dict(counter.counts),
                "errors": sum(status != 201 for status in statuses)}
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    base.add_load_arguments(parser)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with base.database("", "") as (uri, dbname), tempfile.TemporaryDirectory() as workdir:
        key = base.mint_api_key(uri, dbname)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with base.gunicorn_process("bare", args, uri, dbname,
                                                              workdir) as port:
            bare = base.load_http("bare", port, "/api/health", {}, args.concurrency,
                                  args.warmup, args.seconds)
        with base.gunicorn_process("full", args, uri, dbname,
                                                              workdir) as port:
            full = load_post(port, headers, args.concurrency, args.warmup, args.seconds)
        results["http"] = {"bare": base.asdict(bare), "full": full}
        results["in_process"] = in_process(uri, dbname, headers, args.requests, args.rounds)
    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    bare, full, local = results["http"]["bare"], results["http"]["full"], results["in_process"]
    print(f"1. HTTP, gunicorn gthread {args.workers} x {args.threads}, {args.concurrency} clients, "
          f"{args.seconds:g} s")
    print(f"   bare GET /api/health        {bare['rps']:9.1f} req/s  p50 {bare['p50_ms']:.2f} ms"
          f"  p99 {bare['p99_ms']:.2f} ms  errors {bare['errors']}")
    print(f"   full POST {PATH}  {full['rps']:9.1f} req/s  p50 {full['p50_ms']:.2f} ms"
          f"  p99 {full['p99_ms']:.2f} ms  errors {full['errors']}")
    print(f"   full/bare: req/s x{full['rps'] / bare['rps']:.3f}, "
          f"p50 x{full['p50_ms'] / bare['p50_ms']:.1f}")
    print(f"2. In process: {local['us_per_request']:.0f} us per POST (best of {args.rounds} x "
          f"{args.requests}), errors {local['errors']}")
    print(f"3. Database commands per POST: {local['commands_per_request']:.2f} "
          f"{local['by_command']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
