"""The embedded database: an nx-27017 server (MongoDB wire protocol on SQLite) as a child process.

Used when no ``MONGODB_URI`` is configured: ``lightninghire serve`` starts it on a free loopback
port with its files in the data folder, and the test harness starts one in memory per session.
The app still speaks to it through pymongo, so laptop and cluster share one code path.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import errno
import fcntl
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
from typing import TYPE_CHECKING, Any

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
    # Personal data and password hashes: the database files are the owner's alone.
    os.umask(0o077)
    # Linux: if the serving process is killed outright, the database child goes with it.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


LOCK_FILE = "lightninghire.lock"


class FolderBusy(StartupError):
    """Another process runs the embedded database on this folder."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        who = f"process {pid}" if pid else "another process"
        super().__init__(f"the data folder {folder} is in use by {who} (a running "
                         f"`lightninghire serve` or command): stop it, or give another "
                         f"--data-dir")
        self.folder = folder
        self.pid = pid


class FolderLock:
    """An exclusive ``fcntl`` lock on ``<folder>/lightninghire.lock``, holding the owner's PID.

    Whoever runs the embedded database on a folder holds it, so two servers never open the same
    SQLite files. The kernel drops it when the holder dies, however it dies.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self.fd: int | None = None

    def acquire(self) -> FolderLock:
        if self.fd is not None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise FolderBusy(self.folder, lock_holder(self.folder)) from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def lock_holder(folder: Path) -> int | None:
    """The PID holding ``folder``'s lock (0 when it cannot be read), or ``None`` when free."""
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            try:
                return int(os.pread(fd, 32, 0).decode().strip() or 0)
            except ValueError:
                return 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def make_private(folder: Path) -> None:
    """The folder 0700, everything in it 0600 (older installs made them world-readable)."""
    folder.chmod(0o700)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o600)


def database_file(folder: str | os.PathLike[str], name: str) -> Path:
    """The SQLite file nx-27017 keeps database ``name`` in."""
    return Path(folder) / f"{name}.db"


class EmbeddedMongo:
    """``data_dir="memory"`` keeps every database in memory (tests); otherwise a folder, which
    is locked (``FolderLock``), private (0700/0600) and announced in ``server.uri`` while the
    server runs, so CLI commands join it."""

    def __init__(self, data_dir: str | os.PathLike[str] = "memory", host: str = "127.0.0.1") -> None:
        self.data_dir = str(data_dir)
        self.host = host
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self.lock: FolderLock | None = None

    @property
    def uri(self) -> str:
        if self.port is None:
            raise RuntimeError("embedded database is not started")
        return f"mongodb://{self.host}:{self.port}/"

    @property
    def in_memory(self) -> bool:
        return self.data_dir == "memory"

    def acquire(self) -> EmbeddedMongo:
        """Create and lock the data folder (``FolderBusy`` when another process has it)."""
        if self.in_memory or self.lock is not None:
            return self
        folder = Path(self.data_dir).resolve()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.data_dir = str(folder)
        self.lock = FolderLock(folder).acquire()
        make_private(folder)
        return self

    def start(self, timeout: float = 30.0) -> EmbeddedMongo:
        if self.in_memory:
            self.log_path = Path(tempfile.gettempdir()) / f"lightninghire-nx-{os.getpid()}.log"
        else:
            self.acquire()
            self.log_path = Path(self.data_dir) / "nx-27017.log"
        try:
            for _attempt in range(3):  # the free port can be taken between probe and bind
                self.port = free_port(self.host)
                if self._spawn(timeout):
                    log.debug("embedded database (nx-27017) on %s, data in %s", self.uri,
                              self.data_dir)
                    if not self.in_memory:
                        announce_uri(self.data_dir, self.uri)
                    return self
                self._stop_process()
        except BaseException:
            self.stop()
            raise
        self.stop()
        raise StartupError(f"the embedded database (nx-27017) did not start; see {self.log_path}")

    def restart(self, timeout: float = 30.0) -> bool:
        """Start the server again on the same port (clients reconnect by themselves); ``False``
        when it did not come up."""
        self._stop_process()
        return self._spawn(timeout)

    def _spawn(self, timeout: float) -> bool:
        assert self.log_path is not None and self.port is not None
        pid_file = self.log_path.with_suffix(".pid")
        pid_file.unlink(missing_ok=True)  # ours; a killed server leaves it behind
        argv = [sys.executable, "-c", _LAUNCHER, "--data-dir", self.data_dir,
                "--host", self.host, "--port", str(self.port), "--pid-file", str(pid_file)]
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as log_file:
            self.process = subprocess.Popen(
                argv, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                # Its own session: Ctrl-C in the terminal stops `serve`, which stops it.
                start_new_session=True,
            )
        return self._wait_ready(timeout)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

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

    def _stop_process(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        terminate(process, timeout)
        # The server does not always remove its pid file when terminated; we named it, so we
        # remove it.
        if self.log_path is not None:
            self.log_path.with_suffix(".pid").unlink(missing_ok=True)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_process(timeout)
        if self.lock is not None:
            announce_uri(self.data_dir, None)
            announce_uri(self.data_dir, None, PUBLIC_URL_FILE)
            self.lock.release()
            self.lock = None

    def __enter__(self) -> EmbeddedMongo:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


SERVED_URI_FILE = "server.uri"


PUBLIC_URL_FILE = "public.url"


def announce_uri(folder: str | os.PathLike[str], uri: str | None,
                 name: str = SERVED_URI_FILE) -> None:
    """Written while a folder's embedded server runs, so CLI commands can join it (and, as
    ``public.url``, by ``serve``: the links those commands write name the served address)."""
    path = Path(folder) / name
    if uri is None:
        path.unlink(missing_ok=True)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(uri)


def _served_uri(folder: Path, wait: float = 5.0) -> str | None:
    """The running server's URI; a holder that is still starting gets ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            uri = (folder / SERVED_URI_FILE).read_text().strip()
        except OSError:
            uri = ""
        if uri or time.monotonic() >= deadline or lock_holder(folder) is None:
            return uri or None
        time.sleep(0.1)


def local_encryption_key(folder: Path, *, create: bool) -> str | None:
    """The embedded setup's encryption key, kept beside (not inside) the database; made once.

    A deployment with its own ``MONGODB_URI`` sets ``auth.encryption_key`` instead.
    """
    from lightninghire.account.crypto import new_encryption_key

    path = folder / "encryption.key"
    if not path.exists():
        if not create:
            return None
        with contextlib.suppress(FileExistsError):  # made by another process a moment ago
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as file:
                file.write(new_encryption_key())
    return path.read_text().strip()


# Set by ``lightninghire.cli.main`` while a command given ``--create`` runs.
CREATE_DATABASE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "lightninghire_create_database", default=False)


def _missing_database(folder: Path, name: str) -> StartupError:
    return StartupError(
        f"no database here: {database_file(folder, name)} does not exist (database.data_dir is "
        f"{folder}). Run the command from the folder where `lightninghire serve` runs, pass "
        f"--data-dir FOLDER, or add --create to make a new, empty database there.")


@contextlib.contextmanager
def database_for(services: Services, *, create: bool | None = None) -> Iterator[Services]:
    """The services to run one command with: ``services`` when a database is configured, else
    services rebuilt against the embedded database of ``database.data_dir``.

    When a process holds that folder (``lightninghire serve``, or another command), the command
    joins its server (``server.uri``); otherwise it starts one for its own duration, holding
    the folder's lock. A folder without the database is refused, naming where it looked,
    unless ``create`` (default: the command's ``--create``), so a command run from the wrong
    folder never builds a second, empty database.

    Rebuilt, not re-pointed: plugins capture ``services.db[...]`` collections while they
    register, and those stay bound to the client they were made with.
    """
    settings = services.settings
    if settings.database.uri:
        yield services
        return
    from lightninghire.app import build_services

    create = CREATE_DATABASE.get() if create is None else create
    folder = Path(settings.database.data_dir).resolve()
    services.db.close()  # it pointed at the unused placeholder address
    holder = lock_holder(folder)
    overrides: dict[str, Any] = {}
    if holder is not None:
        # A running `lightninghire serve` (or command) owns the folder: talk to its server.
        uri = _served_uri(folder)
        if uri is None:
            raise FolderBusy(folder, holder)
        overrides["database.uri"] = uri
        if not settings.auth.encryption_key:
            key = local_encryption_key(folder, create=False)
            if key:
                overrides["auth.encryption_key"] = key
        with contextlib.suppress(OSError):
            served = (folder / PUBLIC_URL_FILE).read_text().strip()
            if served and settings.public_url_is_default:
                overrides["http.public_url"] = served
        shared = build_services(settings.with_overrides(overrides), clock=services.clock)
        try:
            yield shared
        finally:
            shared.close()  # deferred work and usage counts are written before the command ends
        return
    if not create and not database_file(folder, settings.database.name).exists():
        raise _missing_database(folder, settings.database.name)
    with EmbeddedMongo(folder) as server:
        overrides["database.uri"] = server.uri
        if not settings.auth.encryption_key:
            overrides["auth.encryption_key"] = local_encryption_key(folder, create=True)
        embedded = build_services(settings.with_overrides(overrides), clock=services.clock)
        try:
            yield embedded
        finally:
            embedded.close()


def terminate(process: subprocess.Popen[Any], timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout``; waits for it either way."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)
