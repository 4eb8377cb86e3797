"""The embedded database: an nx-27017 server (MongoDB wire protocol on SQLite) as a child process.

Used when no ``MONGODB_URI`` is configured: ``lightninghire serve`` starts it on a free loopback
port with its files in the data folder, and the test harness starts one in memory per session.
The app still speaks to it through pymongo, so laptop and cluster share one code path.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from lightninghire.errors import StartupError

if TYPE_CHECKING:
    from lightninghire.services import Services

log = logging.getLogger(__name__)

# Silence nx-27017's per-command INFO logging (it would log every query, with its data) before
# its main() configures logging; warnings still reach the log file. nx_compat fixes what the
# server gets wrong about standard MongoDB semantics (see that module).
_LAUNCHER = (
    "import logging, sys; logging.basicConfig(level=logging.WARNING, stream=sys.stderr); "
    "import lightninghire.nx_compat as compat; compat.apply(); "
    "from nx_27017.nx_27017 import main; sys.argv[0] = 'nx-27017'; sys.exit(main())"
)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux: if the serving process is killed outright, the database child goes with it.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedMongo:
    """``data_dir="memory"`` keeps every database in memory (tests); otherwise a folder."""

    def __init__(self, data_dir: str | os.PathLike[str] = "memory", host: str = "127.0.0.1") -> None:
        self.data_dir = str(data_dir)
        self.host = host
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def uri(self) -> str:
        if self.port is None:
            raise RuntimeError("embedded database is not started")
        return f"mongodb://{self.host}:{self.port}/"

    def start(self, timeout: float = 30.0) -> EmbeddedMongo:
        if self.data_dir == "memory":
            log_dir = Path(tempfile.gettempdir())
            self.log_path = log_dir / f"lightninghire-nx-{os.getpid()}.log"
        else:
            folder = Path(self.data_dir).resolve()
            folder.mkdir(parents=True, exist_ok=True)
            self.data_dir = str(folder)
            self.log_path = folder / "nx-27017.log"
        for _attempt in range(3):  # the free port can be taken between probe and bind
            self.port = free_port(self.host)
            argv = [sys.executable, "-c", _LAUNCHER, "--data-dir", self.data_dir,
                    "--host", self.host, "--port", str(self.port),
                    "--pid-file", str(self.log_path.with_suffix(".pid"))]
            with open(self.log_path, "ab") as log_file:
                self.process = subprocess.Popen(
                    argv, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
            if self._wait_ready(timeout):
                log.info("embedded database (nx-27017) on %s, data in %s", self.uri, self.data_dir)
                return self
            self.stop()
        raise StartupError(f"the embedded database (nx-27017) did not start; see {self.log_path}")

    def _wait_ready(self, timeout: float) -> bool:
        assert self.process is not None and self.port is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    pass
                client: MongoClient[dict[str, object]] = MongoClient(
                    self.uri, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000)
                try:
                    client.admin.command("ping")
                    return True
                finally:
                    client.close()
            except (OSError, PyMongoError):
                time.sleep(0.05)
        return False

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        # The server does not always remove its pid file when terminated; we named it, so we
        # remove it, and a folder is never reported "in use" by a dead server.
        if self.log_path is not None:
            self.log_path.with_suffix(".pid").unlink(missing_ok=True)

    def __enter__(self) -> EmbeddedMongo:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


SERVED_URI_FILE = "server.uri"


def announce_uri(folder: str | os.PathLike[str], uri: str | None) -> None:
    """Written by ``serve`` while its embedded server runs, so CLI commands can join it."""
    path = Path(folder) / SERVED_URI_FILE
    if uri is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(uri)


def _served_uri(folder: Path) -> str | None:
    try:
        return (folder / SERVED_URI_FILE).read_text().strip() or None
    except OSError:
        return None


def _running_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


@contextlib.contextmanager
def database_for(services: Services) -> Iterator[Services]:
    """The services to run one command with: ``services`` when a database is configured, else
    services rebuilt against the embedded database, started for the command's duration.

    Rebuilt, not re-pointed: plugins capture ``services.db[...]`` collections while they
    register, and those stay bound to the client they were made with. nx-27017 refuses a second
    server on one data folder (its pid file), so a folder in use is reported, not shared.
    """
    settings = services.settings
    if settings.database.uri:
        yield services
        return
    from lightninghire.app import build_services

    folder = Path(settings.database.data_dir).resolve()
    pid = _running_pid(folder / "nx-27017.pid")  # the pid file EmbeddedMongo gives nx-27017
    services.db.close()  # it pointed at the unused placeholder address
    if pid is not None:
        # A running `lightninghire serve` owns the folder: talk to its server instead.
        uri = _served_uri(folder)
        if uri is None:
            raise StartupError(
                f"the embedded database in {folder} is in use by process {pid}: set MONGODB_URI "
                f"so that both use one shared database")
        shared = build_services(settings.with_overrides({"database.uri": uri}),
                                clock=services.clock)
        try:
            yield shared
        finally:
            shared.db.close()
        return
    with EmbeddedMongo(folder) as server:
        embedded = build_services(settings.with_overrides({"database.uri": server.uri}),
                                  clock=services.clock)
        try:
            yield embedded
        finally:
            embedded.db.close()


