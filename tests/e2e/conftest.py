"""End-to-end: the real ``lightninghire serve`` (gunicorn + embedded nx-27017) over real HTTP."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lightninghire.embedded import free_port

COMMAND = str(Path(sys.executable).with_name("lightninghire"))
READY_TIMEOUT = 60.0


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    log_path: Path

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            # An iterable body without Content-Length goes out chunked.
            conn.request(method, path, body=body, headers=headers or {},
                         encode_chunked=body is not None and not isinstance(body, bytes))
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, **kwargs) -> tuple[int, dict]:
        status, _, body = self.request(method, path, **kwargs)
        return status, json.loads(body)

    @property
    def database_uri(self) -> str:
        match = re.search(r"embedded database \(nx-27017\) at (\S+),", self.log_path.read_text())
        assert match, self.log_path.read_text()
        return match.group(1)

    def children(self) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        return self.process.returncode


# Everything from the developer's environment that would reach a real service or change the
# served configuration is left out of the server's environment.
_OUTSIDE_ENV = {"MONGODB_URI", "CRON_SECRET", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SMTP_URL"}


def start_server(data_dir: Path, log_path: Path, workers: int = 2,
                 env: dict[str, str] | None = None, plugins: str | None = "plans,hello",
                 scheduler: bool = False, port: int | None = None,
                 extra_args: tuple[str, ...] = ()) -> Served:
    """``lightninghire serve`` on a free port, ready when this returns.

    ``plugins`` is ``LIGHTNINGHIRE_PLUGINS`` (by default hello, with the plans plugin that
    declares the tiers its cap names); ``None`` leaves it unset: every first-party plugin.
    ``scheduler``: keep serve's own task scheduler (off by default here, so tests that trigger
    tasks themselves see only their own runs).
    """
    port = port or free_port()
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("LIGHTNINGHIRE") and k not in _OUTSIDE_ENV}
    if plugins is not None:
        clean["LIGHTNINGHIRE_PLUGINS"] = plugins
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [COMMAND, "serve", "--port", str(port), "--workers", str(workers),
             "--data-dir", str(data_dir), *(() if scheduler else ("--no-scheduler",)),
             *extra_args],
            stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            env={**clean, **(env or {})}, cwd=data_dir.parent)
    served = Served(process, port, log_path)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:  # readiness poll, not a timing assumption
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log_path.read_text()}")
        try:
            if served.request("GET", "/api/health")[0] == 200:
                return served
        except OSError:
            pass
        time.sleep(0.1)
    served.stop()
    raise AssertionError(f"server not ready in {READY_TIMEOUT}s:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    server = start_server(folder / "data", folder / "serve.log")
    yield server
    server.stop()


# The server of the seed's examples and of the journey: every first-party plugin (none named),
# a cron secret, no outside service (offline AI, billing off, mail to the console).
E2E_CRON_SECRET = "e2e-cron-secret-0123456789"
FULL_ENV = {"CRON_SECRET": E2E_CRON_SECRET, "LIGHTNINGHIRE_AI__PROVIDER": "offline",
            "LIGHTNINGHIRE_MAIL__TRANSPORT": "console"}


@pytest.fixture(scope="session")
def full_served(tmp_path_factory) -> Iterator[Served]:
    """``lightninghire serve`` with the default plugin set, shared by the e2e modules."""
    folder = tmp_path_factory.mktemp("full")
    server = start_server(folder / "data", folder / "serve.log", env=FULL_ENV, plugins=None)
    yield server
    server.stop()


def run_cli(served: Served, *args: str, plugins: str | None = None) -> str:
    """The ``lightninghire`` command against ``served``'s database (``plugins``: as served)."""
    from lightninghire.testing import TEST_PASSWORD

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LIGHTNINGHIRE") and k not in _OUTSIDE_ENV}
    env.update(MONGODB_URI=served.database_uri, LIGHTNINGHIRE_PASSWORD=TEST_PASSWORD)
    if plugins is not None:
        env["LIGHTNINGHIRE_PLUGINS"] = plugins
    out = subprocess.run([COMMAND, *args], capture_output=True, text=True, env=env, timeout=60,
                         check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def worker_pids(served: Served) -> list[int]:
    """The arbiter's gunicorn workers: its forks, which share its command line (the embedded
    database, the other child, runs ``python -c ...``)."""
    arbiter = Path(f"/proc/{served.process.pid}/cmdline").read_bytes()
    workers = []
    for pid in served.children():
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() == arbiter:
                workers.append(pid)
        except OSError:  # gone meanwhile
            continue
    return sorted(workers)
