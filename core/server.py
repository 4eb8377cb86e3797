"""Serving under gunicorn (gthread workers), with the embedded database when no URI is set."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from lightninghire.account.crypto import new_encryption_key
from lightninghire.config import Settings
from lightninghire.embedded import EmbeddedMongo, announce_uri

log = logging.getLogger(__name__)


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


def local_encryption_key(folder: Path) -> str:
    """The embedded setup's encryption key: made once, kept beside (not inside) the database.

    A deployment with its own ``MONGODB_URI`` sets ``auth.encryption_key`` instead.
    """
    path = folder / "encryption.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(new_encryption_key())
    return path.read_text().strip()


def serve(settings: Settings, **overrides: Any) -> None:
    """Run until stopped. Starts (and stops) nx-27017 when ``database.uri`` is empty."""
    embedded: EmbeddedMongo | None = None
    if not settings.database.uri:
        embedded = EmbeddedMongo(settings.database.data_dir).start()
        print(f"lightninghire: embedded database (nx-27017) at {embedded.uri}, "
              f"data in {embedded.data_dir}", file=sys.stderr, flush=True)
        embedded_settings = {"database.uri": embedded.uri}
        if not settings.auth.encryption_key:
            embedded_settings["auth.encryption_key"] = local_encryption_key(Path(embedded.data_dir))
        settings = settings.with_overrides(embedded_settings)
        announce_uri(embedded.data_dir, embedded.uri)
    options = gunicorn_options(settings, **overrides)
    print(f"lightninghire: serving on http://{options['bind']} "
          f"({options['workers']} workers x {options['threads']} threads)",
          file=sys.stderr, flush=True)
    try:
        LightningHireServer(settings, options).run()
    finally:
        if embedded is not None:
            announce_uri(embedded.data_dir, None)
            embedded.stop()
