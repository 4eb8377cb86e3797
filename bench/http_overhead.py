"""What the LightningHire core costs per request, next to a bare Falcon app.

Run by hand, never by the test suite::

    python bench/http_overhead.py [--seconds 5 --concurrency 8] [--json]

Three measurements, all from one run so the ratios compare like with like:

1. HTTP: a bare Falcon app and the full app (``create_app``) each served by gunicorn with the
   same options (those of ``lightninghire serve``: gthread workers), loaded over keep-alive
   connections from client threads: requests/s, p50/p99 latency, errors.
2. In process: µs per simulated request (``falcon.testing.TestClient``) for the bare app, a
   no-database route of the full app and the ``--full-path`` route; the differences are the
   core's own overhead and the database's share.
3. Database round-trips: pymongo commands per request on the full app's own client.

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import falcon
import falcon.testing
import gunicorn
from gunicorn.app.base import BaseApplication
from pymongo import MongoClient, monitoring

from lightninghire import __version__, create_app, endpoint, hookimpl, hookspecs
from lightninghire.config import Settings, load_settings
from lightninghire.embedded import EmbeddedMongo, free_port
from lightninghire.plugins import FIRST_PARTY_PREFIX, PluginHost
from lightninghire.server import gunicorn_options

HOST = "127.0.0.1"
BARE_PATH = "/api/health"
NOOP_PATH = "/api/bench/noop"
BARE_BODY = {"ok": True, "data": {"status": "ok"}}
# Heartbeats and handshakes are the driver's, not the request's; ``ping`` is kept on purpose
# (it is what /api/health sends).
DRIVER_COMMANDS = frozenset({"hello", "ismaster", "endsessions"})
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


# --- the two apps -------------------------------------------------------------------------------


class BareHealth:
    """The same JSON as the full app's envelope, with nothing in front of it."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = BARE_BODY


def make_bare_app() -> falcon.App:
    """A plain ``falcon.App`` with one JSON route at ``BARE_PATH``."""
    app = falcon.App()
    app.add_route(BARE_PATH, BareHealth())
    return app


class NoopResource:
    @endpoint(auth="public", tags=["bench"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, str]:
        """Answer without touching the database (benchmark only)."""
        return {"status": "ok"}


class BenchPlugin:
    """Adds ``GET /api/bench/noop``: the whole pipeline and envelope, no database I/O."""

    @hookimpl
    def register_routes(self, routes: Any) -> None:
        routes.add(NOOP_PATH, NoopResource())


def full_settings(uri: str, dbname: str) -> Settings:
    """Settings isolated from the machine (no file, no environment), plus the bench plugin."""
    base = load_settings(path=os.devnull, environ={},
                         overrides={"database.uri": uri, "database.name": dbname,
                                    "log.level": "WARNING"})
    enabled = base.enabled_plugins
    if enabled is None:  # the default: every first-party plugin, as ``lightninghire serve`` has
        found = PluginHost(base, hookspecs).discover()
        enabled = [name for name, ep in found.items() if ep.value.startswith(FIRST_PARTY_PREFIX)]
    return base.with_overrides({"plugins.enabled": [*enabled, "bench"]})


def make_full_app(uri: str, dbname: str) -> Any:
    """``create_app`` as production builds it, with the no-database bench route added."""
    return create_app(full_settings(uri, dbname), extra_plugins={"bench": BenchPlugin()})


# --- serving (child process) --------------------------------------------------------------------


class BenchServer(BaseApplication):  # type: ignore[misc]
    """gunicorn's custom-application hook, as ``LightningHireServer`` uses it."""

    def __init__(self, factory: Callable[[], Any], options: Mapping[str, Any]) -> None:
        self.factory = factory
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key.lower(), value)

    def load(self) -> Any:
        return self.factory()


def server_options(port: int, workers: int, threads: int, ready_dir: str,
                   settings: Settings) -> dict[str, Any]:
    """The options of ``lightninghire serve``; identical for both apps."""
    options = gunicorn_options(settings, bind=f"{HOST}:{port}", workers=workers, threads=threads,
                               loglevel="warning")
    # An access log line per request would be measured too; neither app gets one.
    options.pop("accesslog", None)

    def mark_ready(worker: Any) -> None:
        # After the app is loaded in this worker: the parent waits for every worker, so that
        # no keep-alive connection piles onto the first worker while the other still boots.
        Path(ready_dir, str(os.getpid())).touch()

    options["post_worker_init"] = mark_ready
    return options


def serve_child(args: argparse.Namespace) -> int:
    """Entry point of ``--serve bare|full``: run gunicorn until SIGTERM."""
    settings = full_settings(args.uri, args.dbname)
    options = server_options(args.port, args.workers, args.threads, args.ready_dir, settings)
    if args.serve == "bare":
        factory: Callable[[], Any] = make_bare_app
    else:
        def factory() -> Any:
            return make_full_app(args.uri, args.dbname)
    BenchServer(factory, options).run()
    return 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux: if this script is killed outright, gunicorn gets SIGTERM instead of lingering.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def gunicorn_process(kind: str, args: argparse.Namespace, uri: str, dbname: str,
                     workdir: str) -> Iterator[int]:
    """Start this script as ``--serve kind``; yield its port once every worker is ready."""
    ready_dir = Path(workdir, f"ready-{kind}")
    ready_dir.mkdir()
    log_path = Path(workdir, f"gunicorn-{kind}.log")
    port = free_port(HOST)
    argv = [sys.executable, str(Path(__file__).resolve()), "--serve", kind,
            "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads),
            "--uri", uri, "--dbname", dbname, "--ready-dir", str(ready_dir)]
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            argv, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the SIGKILL fallback gets workers too
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    try:
        _wait_ready(process, port, ready_dir, args.workers, log_path)
        yield port
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], port: int, ready_dir: Path, workers: int,
                log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log_path)}")
        if len(list(ready_dir.iterdir())) >= workers:
            return
        time.sleep(0.05)
    raise RuntimeError(f"gunicorn workers not ready after {READY_TIMEOUT:.0f} s:\n"
                       f"{_tail(log_path)}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL to the whole process group."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT)
    # Workers are in the arbiter's process group; kill any that outlived it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


# --- HTTP load ----------------------------------------------------------------------------------


@dataclass
class LoadResult:
    app: str
    path: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class _Window:
    warm_end: float = 0.0
    end: float = 0.0


@dataclass
class _ClientTally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    last_done: float = 0.0


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[rank]


Request = Callable[[], tuple[str, str, "bytes | None", dict[str, str]]]


def _client(port: int, path: str, headers: Mapping[str, str], window: _Window,
            ready: threading.Barrier, go: threading.Event, tally: _ClientTally,
            request: Request | None = None) -> None:
    """One keep-alive connection sending back to back: ``GET path`` by default, or whatever
    ``request()`` returns each time (method, path, body, headers)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        with contextlib.suppress(OSError):
            conn.connect()  # connect before the clock starts
        ready.wait()
        go.wait()
        while True:
            start = time.perf_counter()
            if start >= window.end:
                break
            method, target, body, sent = (request() if request is not None
                                          else ("GET", path, None, dict(headers)))
            try:
                conn.request(method, target, body=body, headers=sent)
                response = conn.getresponse()
                response.read()
                ok = response.status in (200, 201)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()  # http.client reconnects on the next request
            done = time.perf_counter()
            if start >= window.warm_end:  # warm-up requests are not counted
                if ok:
                    tally.latencies.append(done - start)
                else:
                    tally.errors += 1
                tally.last_done = done
    finally:
        conn.close()


def load_http(app: str, port: int, path: str, headers: Mapping[str, str], concurrency: int,
              warmup: float, seconds: float,
              requests: Callable[[int], Request] | None = None) -> LoadResult:
    """``concurrency`` keep-alive clients for ``warmup`` + ``seconds``; only the latter counts.
    ``requests(i)`` gives client ``i`` its request factory (default: ``GET path``)."""
    window = _Window()
    ready = threading.Barrier(concurrency + 1)
    go = threading.Event()
    tallies = [_ClientTally() for _ in range(concurrency)]
    threads = [threading.Thread(target=_client, daemon=True,
                                args=(port, path, headers, window, ready, go, tally,
                                      requests(i) if requests else None))
               for i, tally in enumerate(tallies)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=30)
    now = time.perf_counter()
    window.warm_end = now + warmup
    window.end = window.warm_end + seconds
    go.set()
    for thread in threads:
        thread.join(timeout=warmup + seconds + 30)  # bounded: each request has a 10 s timeout
    latencies = sorted(lat for tally in tallies for lat in tally.latencies)
    errors = sum(tally.errors for tally in tallies)
    span = max((tally.last_done for tally in tallies), default=window.end) - window.warm_end
    span = max(span, 1e-9)
    return LoadResult(app, path, len(latencies), round(span, 3), len(latencies) / span,
                      percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000,
                      errors)


# --- in process ---------------------------------------------------------------------------------


@dataclass
class InProcessResult:
    app: str
    path: str
    requests: int
    us_per_request: float
    errors: int


def time_in_process(name: str, app: Any, path: str, headers: Mapping[str, str], requests: int,
                    rounds: int) -> InProcessResult:
    """Best of ``rounds`` rounds of ``requests`` simulated GETs (best = least disturbed)."""
    client = falcon.testing.TestClient(app, headers=dict(headers) or None)
    errors = 0
    for _ in range(min(200, requests)):  # warm-up: lazy clients, caches, first connection
        if client.simulate_get(path).status_code != 200:
            errors += 1
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(requests):
            if client.simulate_get(path).status_code != 200:
                errors += 1
        best = min(best, (time.perf_counter() - start) / requests)
    return InProcessResult(name, path, requests, best * 1e6, errors)


class CommandCounter(monitoring.CommandListener):
    """Counts the commands the app's own client starts while ``counting`` is on."""

    def __init__(self) -> None:
        self.counting = False
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        if self.counting and name.lower() not in DRIVER_COMMANDS:
            with self._lock:
                self.counts[name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@dataclass
class DbResult:
    path: str
    requests: int
    commands: int
    commands_per_request: float
    by_command: dict[str, int]
    errors: int


def count_db_commands(app: Any, counter: CommandCounter, path: str,
                      headers: Mapping[str, str], requests: int) -> DbResult:
    """Commands started during ``requests`` simulated GETs (after a few uncounted ones)."""
    client = falcon.testing.TestClient(app, headers=dict(headers) or None)
    errors = 0
    for _ in range(5):  # the first request creates the client and its first connection
        client.simulate_get(path)
    counter.counts.clear()
    counter.counting = True
    try:
        for _ in range(requests):
            if client.simulate_get(path).status_code != 200:
                errors += 1
    finally:
        counter.counting = False
    total = sum(counter.counts.values())
    return DbResult(path, requests, total, total / requests, dict(counter.counts), errors)


def in_process(uri: str, dbname: str, full_path: str, headers: Mapping[str, str],
               requests: int, rounds: int, db_requests: int
               ) -> tuple[list[InProcessResult], list[DbResult]]:
    """Timings for bare / full no-DB / full path, then database commands per request."""
    bare = make_bare_app()
    full = make_full_app(uri, dbname)
    try:
        timings = [
            time_in_process("bare", bare, BARE_PATH, headers, requests, rounds),
            time_in_process("full", full, NOOP_PATH, headers, requests, rounds),
        ]
        if full_path != NOOP_PATH:
            timings.append(time_in_process("full", full, full_path, headers, requests, rounds))
        # Counted on a second app built after the listener is registered (pymongo gives global
        # listeners to clients created later), so the listener cost no timing above and every
        # store of the app (account, plugins) uses the counted client.
        counter = CommandCounter()
        monitoring.register(counter)
        counted = make_full_app(uri, dbname)
        try:
            paths = [full_path] if full_path == NOOP_PATH else [full_path, NOOP_PATH]
            counts = [count_db_commands(counted, counter, path, headers, db_requests)
                      for path in paths]
        finally:
            counted.close()
    finally:
        full.close()
    return timings, counts


# --- orchestration and output -------------------------------------------------------------------


def parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"header {text!r} is not like 'Name: value'")
    return name.strip(), value.strip()


def add_load_arguments(parser: argparse.ArgumentParser, seconds: float = 5.0) -> None:
    """The options of a load run over gunicorn that every script here shares."""
    parser.add_argument("--seconds", type=float, default=seconds, help="measured load per app")
    parser.add_argument("--warmup", type=float, default=1.0, help="uncounted load before it")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both apps)")
    parser.add_argument("--threads", type=int, default=8, help="gthread threads per worker")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser)
    parser.add_argument("--full-path", default="/api/me", help="full-app route to load")
    parser.add_argument("--anonymous", action="store_true",
                        help="send no API key (default: a Pro user's key is minted in the "
                             "benchmark database and sent as a bearer token)")
    parser.add_argument("--header", action="append", type=parse_header, default=[],
                        metavar="'NAME: VALUE'",
                        help="extra request header (repeatable), e.g. 'Authorization: Bearer …'")
    parser.add_argument("--requests", type=int, default=2000,
                        help="simulated requests per in-process round")
    parser.add_argument("--rounds", type=int, default=3, help="in-process rounds (best counts)")
    parser.add_argument("--db-requests", type=int, default=200,
                        help="requests whose database commands are counted")
    parser.add_argument("--uri", default="",
                        help="use this MongoDB instead of starting nx-27017 in memory")
    parser.add_argument("--dbname", default="",
                        help="database name (default: a fresh bench_* one, dropped at the end)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    # Internal: this script re-runs itself as the gunicorn server.
    parser.add_argument("--serve", choices=["bare", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ready-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("seconds", "concurrency", "workers", "threads", "requests", "rounds",
                 "db_requests"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    if not args.full_path.startswith("/"):
        parser.error("--full-path must start with /")
    return args


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _on_sigterm(signum: int, frame: Any) -> None:
    _progress("terminated: stopping the servers and the database")
    raise SystemExit(128 + signum)  # run the finally blocks: servers and database get stopped


def mint_api_key(uri: str, dbname: str) -> str:
    """A Pro user and an API key in the benchmark database, so /api/me is authenticated."""
    from lightninghire.account import account_of

    app = make_full_app(uri, dbname)
    try:
        account = account_of(app.services)
        user = account.users.create(email=f"bench-{uuid.uuid4().hex[:8]}@example.com",
                                    password="bench password 0123",  # noqa: S106 - bench-only user
                                    name="Bench", tier="pro")
        secret, _ = account.keys.mint(user["_id"], "bench")
        return secret
    finally:
        app.close()


@contextlib.contextmanager
def database(uri: str, dbname: str) -> Iterator[tuple[str, str]]:
    """The given MongoDB, or nx-27017 in memory; a generated database is dropped afterwards."""
    name = dbname or f"bench_{uuid.uuid4().hex[:12]}"
    if not uri:
        with EmbeddedMongo("memory") as server:
            yield server.uri, name
        return
    try:
        yield uri, name
    finally:
        if not dbname:
            client: MongoClient[dict[str, Any]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
            try:
                client.drop_database(name)
            finally:
                client.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    headers = dict(args.header)
    results: dict[str, Any] = {
        "config": {
            "workers": args.workers, "threads": args.threads, "worker_class": "gthread",
            "concurrency": args.concurrency, "seconds": args.seconds, "warmup": args.warmup,
            "full_path": args.full_path, "bare_path": BARE_PATH,
            "header_names": sorted(headers),  # names only: values may be credentials
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "falcon": falcon.__version__, "gunicorn": gunicorn.__version__,
            "lightninghire": __version__,
        },
    }
    with database(args.uri, args.dbname) as (uri, dbname), \
            tempfile.TemporaryDirectory(prefix="lh-bench-") as workdir:
        _progress(f"database at {uri} ({dbname})")
        if not args.anonymous and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {mint_api_key(uri, dbname)}"
            results["config"]["header_names"] = sorted(headers)
        loads: list[LoadResult] = []
        for kind, path in (("bare", BARE_PATH), ("full", args.full_path)):
            with gunicorn_process(kind, args, uri, dbname, workdir) as port:
                _progress(f"{kind}: gunicorn on {HOST}:{port}; loading {path} for "
                          f"{args.warmup:g} + {args.seconds:g} s")
                loads.append(load_http(kind, port, path, headers, args.concurrency,
                                       args.warmup, args.seconds))
        bare, full = loads
        results["http"] = {
            "bare": asdict(bare), "full": asdict(full),
            "ratio_full_over_bare": {
                "rps": full.rps / bare.rps if bare.rps else None,
                "p50": full.p50_ms / bare.p50_ms if bare.p50_ms else None,
            },
        }
        _progress(f"in process: {args.rounds} x {args.requests} simulated requests per route")
        timings, counts = in_process(uri, dbname, args.full_path, headers, args.requests,
                                     args.rounds, args.db_requests)
    bare_us = timings[0].us_per_request
    results["in_process"] = {
        "rounds": args.rounds,
        "timings": [asdict(t) for t in timings],
        "core_overhead_us": timings[1].us_per_request - bare_us,
        "full_path_overhead_us": timings[-1].us_per_request - bare_us,
    }
    results["db"] = [asdict(c) for c in counts]
    return results


def render(results: dict[str, Any]) -> str:
    """The plain-text report."""
    cfg = results["config"]
    out: list[str] = []
    out.append(f"LightningHire {cfg['lightninghire']} - Python {cfg['python']}, falcon "
               f"{cfg['falcon']}, gunicorn {cfg['gunicorn']}, {cfg['cpus']} CPUs")
    if cfg["header_names"]:
        out.append(f"extra headers: {', '.join(cfg['header_names'])} (values not shown)")
    out.append("")
    out.append(f"1. HTTP on {HOST}: gunicorn {cfg['worker_class']}, {cfg['workers']} workers x "
               f"{cfg['threads']} threads; {cfg['concurrency']} keep-alive clients; "
               f"{cfg['seconds']:g} s measured after {cfg['warmup']:g} s warm-up")
    out.append(f"   {'app':<5} {'path':<24} {'requests':>9} {'req/s':>9} {'p50 ms':>8} "
               f"{'p99 ms':>8} {'errors':>7}")
    for key in ("bare", "full"):
        r = results["http"][key]
        out.append(f"   {r['app']:<5} {r['path']:<24} {r['requests']:>9} {r['rps']:>9.1f} "
                   f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>7}")
    ratio = results["http"]["ratio_full_over_bare"]
    out.append(f"   full/bare: req/s x{_num(ratio['rps'])}, p50 latency x{_num(ratio['p50'])}")
    out.append("")
    inproc = results["in_process"]
    first = inproc["timings"][0]
    out.append(f"2. In process (falcon.testing.TestClient, best of {inproc['rounds']} rounds x "
               f"{first['requests']} requests per route)")
    out.append(f"   {'app':<5} {'path':<24} {'us/request':>11} {'vs bare':>10} {'errors':>7}")
    for t in inproc["timings"]:
        delta = t["us_per_request"] - first["us_per_request"]
        shown = "" if t is first else f"{delta:+.1f}"
        out.append(f"   {t['app']:<5} {t['path']:<24} {t['us_per_request']:>11.1f} "
                   f"{shown:>10} {t['errors']:>7}")
    out.append(f"   core overhead (full {NOOP_PATH} - bare): "
               f"{inproc['core_overhead_us']:.1f} us/request")
    if len(inproc["timings"]) > 2:
        out.append(f"   full {cfg['full_path']} - bare: "
                   f"{inproc['full_path_overhead_us']:.1f} us/request")
    out.append("")
    out.append("3. Database commands per request (pymongo CommandListener on the app's client)")
    out.append(f"   {'path':<24} {'requests':>9} {'commands':>9} {'per request':>12}  by command")
    for c in results["db"]:
        names = ", ".join(f"{k}={v}" for k, v in sorted(c["by_command"].items())) or "-"
        errors = f"  ({c['errors']} non-200)" if c["errors"] else ""
        out.append(f"   {c['path']:<24} {c['requests']:>9} {c['commands']:>9} "
                   f"{c['commands_per_request']:>12.2f}  {names}{errors}")
    return "\n".join(out)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        return serve_child(args)
    signal.signal(signal.SIGTERM, _on_sigterm)
    results = run(args)
    print(json.dumps(results, indent=2) if args.json else render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
