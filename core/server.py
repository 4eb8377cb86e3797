"""Serving under gunicorn (gthread workers), with the embedded database when no URI is set.

On the embedded database ``serve`` owns its data folder (a lock: a second ``serve`` on it is
refused), keeps the database server running (restarted with backoff when it dies) and runs the
task scheduler beside the workers, so queued mail leaves without any other process.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from lightninghire.config import Settings
from lightninghire.embedded import (
    PUBLIC_URL_FILE,
    EmbeddedMongo,
    announce_uri,
    local_encryption_key,
    terminate,
)
from lightninghire.errors import StartupError
from lightninghire.invalidation import board_path

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"


def gunicorn_options(settings: Settings, **overrides: Any) -> dict[str, Any]:
    server = settings.server
    options: dict[str, Any] = {
        "bind": f"{server.host}:{server.port}",
        "workers": server.workers,
        "worker_class": "gthread",
        "threads": server.threads,
        "timeout": server.timeout,
        "graceful_timeout": 10,
        "keepalive": 5,
        # One line per request costs ~11 % of a worker's CPU on a cheap route: server.access_log.
        "accesslog": "-" if server.access_log else None,
        "errorlog": "-",
        "loglevel": settings.log.level.lower(),
        # Each worker builds its own app after the fork: no shared sockets, no shared clients.
        "preload_app": False,
        # gunicorn's control socket is one per user by default; several servers would collide.
        "control_socket_disable": True,
        "worker_exit": _close_worker_app,
        # Access and error lines with credentials in URLs masked (calendar and unsubscribe tokens).
        "logger_class": "lightninghire.logs.RedactingLogger",
        # Above the app's own limits (414/431 in the envelope, http/middleware.py), so gunicorn's
        # bare pages answer only what is far past them (docs/security.md).
        "limit_request_line": 8190,  # gunicorn's maximum (0 would mean unbounded)
        "limit_request_fields": 150,
        "limit_request_field_size": 12288,
    }
    options.update({k: v for k, v in overrides.items() if v is not None})
    return options


def _close_worker_app(server: Any, worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "close"):
        app.close()


class LightningHireServer(BaseApplication):  # type: ignore[misc]
    """gunicorn's documented custom-application hook: options in, ``create_app`` per worker."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key.lower(), value)

    def load(self) -> Any:
        from lightninghire.app import create_app

        return create_app(self.settings)


def configure_logging(settings: Settings) -> None:
    """The application's log lines (mail, tasks, the supervisor) on stderr, as gunicorn's are."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=settings.log.level, stream=sys.stderr, format=LOG_FORMAT)
    else:
        root.setLevel(settings.log.level)


def check_port(host: str, port: int) -> None:
    """Refuse early, with a clear message, when the address cannot be bound (before anything
    else starts, and before anything says "serving")."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(f"cannot serve on {host}:{port}: the port is already in use "
                                   f"(another server?). Stop it, or choose another port with "
                                   f"--port.") from None
            raise StartupError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


class Supervised:
    """A child process the supervisor keeps running: ``alive()`` and ``restart() -> bool``."""

    def __init__(self, name: str, alive: Callable[[], bool], restart: Callable[[], bool]) -> None:
        self.name = name
        self.alive = alive
        self.restart = restart


class Supervisor(threading.Thread):
    """Restarts supervised children when they die: backoff 0.5 s doubling to 30 s, back to the
    start once a child stayed up for a minute. Every death and restart is logged."""

    FIRST_DELAY, MAX_DELAY, STABLE = 0.5, 30.0, 60.0

    def __init__(self, children: list[Supervised], poll: float = 0.2) -> None:
        super().__init__(name="lightninghire-supervisor", daemon=True)
        self.children = children
        self.poll = poll
        self.stopping = threading.Event()

    def run(self) -> None:
        delays = {child.name: self.FIRST_DELAY for child in self.children}
        up_since = {child.name: time.monotonic() for child in self.children}
        while not self.stopping.wait(self.poll):
            for child in self.children:
                if child.alive():
                    if time.monotonic() - up_since[child.name] > self.STABLE:
                        delays[child.name] = self.FIRST_DELAY
                    continue
                delay = delays[child.name]
                log.error("%s stopped; restarting it in %.1f s", child.name, delay)
                if self.stopping.wait(delay):
                    return
                delays[child.name] = min(delay * 2, self.MAX_DELAY)
                if child.restart():
                    log.warning("%s restarted", child.name)
                    up_since[child.name] = time.monotonic()
                else:
                    log.error("%s did not come back; trying again", child.name)

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(15)


class SchedulerProcess:
    """``lightninghire scheduler`` as a child of ``serve``: its own process (no threads in the
    forking gunicorn arbiter), on the same database and public URL, its log on our stderr."""

    def __init__(self, settings: Settings) -> None:
        self.env = {**os.environ, "MONGODB_URI": settings.database.uri,
                    "LIGHTNINGHIRE_HTTP__PUBLIC_URL": settings.http.public_url,
                    "LIGHTNINGHIRE_DATABASE__NAME": settings.database.name}
        if settings.auth.encryption_key:
            self.env["LIGHTNINGHIRE_AUTH__ENCRYPTION_KEY"] = settings.auth.encryption_key
        if settings.enabled_plugins is not None:
            self.env["LIGHTNINGHIRE_PLUGINS"] = ",".join(settings.enabled_plugins)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> bool:
        from lightninghire.embedded import _die_with_parent

        self.process = subprocess.Popen(
            [sys.executable, "-m", "lightninghire", "scheduler"], env=self.env,
            stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        return True

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        process, self.process = self.process, None
        if process is not None:
            terminate(process, timeout)


def runs_scheduler(settings: Settings, embedded: bool, flag: bool | None) -> bool:
    if flag is not None:
        return flag
    mode = settings.server.scheduler
    return mode == "on" or (mode == "auto" and embedded)


def serve(settings: Settings, *, scheduler: bool | None = None, demo: bool = False,
          **overrides: Any) -> None:
    """Run until stopped. Starts (and stops, and restarts when it dies) nx-27017 when
    ``database.uri`` is empty; runs the scheduler beside the workers (``server.scheduler``,
    or ``scheduler=True/False``); ``demo`` loads the sample data first."""
    configure_logging(settings)
    embedded: EmbeddedMongo | None = None
    tasks: SchedulerProcess | None = None
    supervisor: Supervisor | None = None
    host, port = settings.server.host, settings.server.port
    try:
        if not settings.database.uri:
            embedded = EmbeddedMongo(settings.database.data_dir).acquire()  # the folder first
        check_port(host, port)
        if embedded is not None:
            embedded.start()
            print(f"lightninghire: embedded database (nx-27017) at {embedded.uri}, "
                  f"data in {embedded.data_dir}", file=sys.stderr, flush=True)
            embedded_settings = {"database.uri": embedded.uri}
            if not settings.auth.encryption_key:
                embedded_settings["auth.encryption_key"] = local_encryption_key(
                    Path(embedded.data_dir), create=True)
            settings = settings.with_overrides(embedded_settings)
            announce_uri(embedded.data_dir, settings.http.public_url, PUBLIC_URL_FILE)
        if demo:
            from lightninghire.demo import load_demo

            load_demo(settings)
        children = []
        if embedded is not None:
            database = embedded
            children.append(Supervised("the embedded database (nx-27017)", database.alive,
                                       database.restart))
        if runs_scheduler(settings, embedded is not None, scheduler):
            tasks = SchedulerProcess(settings)
            tasks.start()
            children.append(Supervised("the task scheduler", tasks.alive, tasks.start))
        if children:
            supervisor = Supervisor(children)
            supervisor.start()
        options = gunicorn_options(settings, **overrides)
        label = (f"lightninghire: serving on {settings.http.public_url} (bound to "
                 f"{options['bind']}, {options['workers']} workers x {options['threads']} "
                 f"threads); docs at {settings.http.public_url}/api/docs")
        options.setdefault("when_ready", lambda _server: print(label, file=sys.stderr,
                                                                 flush=True))
        LightningHireServer(settings, options).run()
    finally:
        if supervisor is not None:
            supervisor.stop()
        if tasks is not None:
            tasks.stop()
        if embedded is not None:
            embedded.stop()
            # The revocation board of a database that is gone (core/invalidation.py).
            board_path(settings.database.uri, settings.database.name).unlink(missing_ok=True)
