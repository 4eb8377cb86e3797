"""Test harness, registered as a pytest plugin (``pytest11``) so third-party plugins test
themselves with the same fixtures as the core.

Fixtures:

- ``lh_database_uri`` (session): one nx-27017 server in memory for the whole test session, or
  ``LIGHTNINGHIRE_TEST_MONGODB_URI`` to test against a real MongoDB.
- ``lh_settings``: settings for one test: a fresh database name, nothing read from the
  developer's environment or config file.
- ``lh_db``: a ``Database`` on that fresh database, for testing a service without an app.
- ``clock``: a ``FrozenClock`` the app uses; ``clock.advance(days=7)`` instead of sleeping.
- ``make_app(plugins=..., settings={...}, extra_plugins={...})``: an ``AppHarness`` with
  ``.app``, ``.services``, ``.client`` (``falcon.testing.TestClient``), ``.db``, ``.mail`` (the
  captured outbox) and ``.events`` (the captured domain events).
- ``harness``: ``make_app()`` with the default plugins; ``client`` is its test client.
- ``smtp_server(start=True, **options)``: a real SMTP server (aiosmtpd) on 127.0.0.1 that
  records what it accepts (``.delivered``); ``.url()`` is its ``SMTP_URL``.
- ``page_server``: a ``PageServer``, real HTTP on 127.0.0.1 answering scripted ``Page``s by
  path, for code that fetches URLs (``lightninghire.fetch``).
- ``db_commands``: a ``CommandRecorder`` (pymongo command listener) that captures the database
  commands requests send, for tests that pin a route's round trips.

With ``lightninghire.api``, this module is all a plugin's tests import from the core: it also
re-exports ``verify_offline`` and ``examples_markdown`` (AI task checks), ``free_port``,
``SmtpTransport`` (real SMTP delivery) and ``TaskRunner``.

The harness's client runs what the app deferred past each answer (``services.background``)
right after the request, so every effect is visible when the call returns.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import falcon.testing
import pytest
from pymongo import MongoClient, monitoring

# With lightninghire.api, what a plugin's tests need of the core (re-exported, so that they import
# nothing else): offline AI checks, a free port, real SMTP delivery and the task runner.
from lightninghire.ai import examples_markdown as examples_markdown
from lightninghire.ai import verify_offline as verify_offline
from lightninghire.app import LightningHireApp, create_app
from lightninghire.background import in_background
from lightninghire.clock import FrozenClock
from lightninghire.config import Settings, load_settings
from lightninghire.embedded import EmbeddedMongo
from lightninghire.embedded import free_port as free_port
from lightninghire.events import Event
from lightninghire.invalidation import board_path
from lightninghire.mail import MemoryTransport, Message
from lightninghire.mail import SmtpTransport as SmtpTransport
from lightninghire.services import Services
from lightninghire.tasks import TaskRunner as TaskRunner

TEST_URI_ENV = "LIGHTNINGHIRE_TEST_MONGODB_URI"
# Fixture values, not secrets of any deployment.
TEST_CRON_SECRET = "test-cron-secret-0123456789"  # noqa: S105
TEST_ENCRYPTION_KEY = "dGVzdC1lbmNyeXB0aW9uLWtleS0wMTIzNDU2Nzg5YWI="
TEST_PASSWORD = "correct horse battery staple"  # noqa: S105


@dataclass
class Caller:
    """A signed-in client: every request carries its credentials (and, for a cookie session,
    the allowed Origin that the CSRF check wants)."""

    client: falcon.testing.TestClient
    headers: dict[str, str]
    user: dict[str, Any]
    secret: str

    def request(self, method: str, path: str, **kwargs: Any) -> falcon.testing.Result:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.simulate_request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> falcon.testing.Result:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> falcon.testing.Result:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> falcon.testing.Result:
        return self.request("PUT", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> falcon.testing.Result:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, json: Any = None, **kwargs: Any) -> falcon.testing.Result:
        return self.request("DELETE", path, json=json, **kwargs)


class DrainingClient(falcon.testing.TestClient):
    """A ``TestClient`` that, after each request, runs what the app deferred past the answer
    (``services.background``) and flushes usage counts: a test sees every effect of a request
    as soon as it returns, deterministically, in its own thread."""

    def simulate_request(self, *args: Any, **kwargs: Any) -> falcon.testing.Result:
        result = super().simulate_request(*args, **kwargs)
        settle(self.app)
        return result


def settle(app: Any) -> None:
    """Run the app's deferred work and write its buffered usage counts now."""
    services = app.services
    _settling.active = True
    try:
        services.background.drain()
        if services.entitlements is not None:
            services.entitlements.recorder.flush()
    finally:
        _settling.active = False


_settling = threading.local()
_DRIVER_COMMANDS = frozenset({"hello", "ismaster", "isMaster", "endSessions", "saslStart",
                              "saslContinue", "buildInfo", "getMore", "killCursors"})


@dataclass(frozen=True)
class Command:
    """One command a request sent: its name, collection and filter (first statement's)."""

    name: str
    collection: str | None
    filter: Mapping[str, Any] | None


class CommandRecorder(monitoring.CommandListener):
    """Counts the database commands a request sends (a pymongo command listener).

    Registered once per process (pymongo listeners cannot be removed); ``capture(database)``
    records only that database's commands, only from request work: what the app deferred past
    the answer (``services.background``) and the harness's own settling are left out.
    """

    _instance: CommandRecorder | None = None

    def __init__(self) -> None:
        self._database: str | None = None
        self.commands: list[Command] = []

    @classmethod
    def installed(cls) -> CommandRecorder:
        if cls._instance is None:
            cls._instance = cls()
            monitoring.register(cls._instance)
        return cls._instance

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if (self._database is None or event.database_name != self._database
                or event.command_name in _DRIVER_COMMANDS
                or getattr(_settling, "active", False) or in_background()):
            return
        self.commands.append(_describe(event.command_name, event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    @contextlib.contextmanager
    def capture(self, database: str) -> Iterator[list[Command]]:
        self.commands = []
        self._database = database
        try:
            yield self.commands
        finally:
            self._database = None


def _describe(name: str, body: Mapping[str, Any]) -> Command:
    collection = body.get(name) if isinstance(body.get(name), str) else None
    filter_: Mapping[str, Any] | None = None
    if name in ("find", "count", "distinct"):
        filter_ = body.get("filter") or body.get("query") or {}
    elif name == "findAndModify":
        filter_ = body.get("query") or {}
    elif name in ("update", "delete"):
        statements = body.get("updates") or body.get("deletes") or [{}]
        filter_ = statements[0].get("q", {})
    elif name == "aggregate":
        stages = body.get("pipeline") or [{}]
        filter_ = stages[0].get("$match", {}) if stages else {}
    return Command(name, collection, filter_)


@pytest.fixture
def db_commands() -> CommandRecorder:
    """``with db_commands.capture(harness.services.db.name) as sent: ...`` — what was sent."""
    return CommandRecorder.installed()


@dataclass
class AppHarness:
    app: LightningHireApp
    client: falcon.testing.TestClient
    mail_transport: MemoryTransport

    @property
    def services(self) -> Services:
        return self.app.services

    @property
    def db(self) -> Any:
        return self.services.db

    @property
    def mail(self) -> list[Message]:
        return self.mail_transport.outbox

    @property
    def events(self) -> list[Event]:
        return self.services.events.emitted

    def emit(self, name: str, payload: Mapping[str, Any] | None = None,
             user_id: str | None = None) -> Event:
        """Emit ``name`` as its plugin would, when that plugin is not enabled in this test (a
        stand-in): the check that an enabled plugin declares the event is skipped for it."""
        with self.services.events.standing_in(name):
            return self.services.events.emit(name, payload, user_id=user_id)

    def settle(self) -> None:
        """Run what the app deferred (``services.background``) and flush usage counts: for work
        started outside a request (an event emitted by the test itself)."""
        settle(self.app)

    @property
    def account(self) -> Any:
        from lightninghire.account.parts import account_of

        return account_of(self.services)

    def create_user(self, email: str | None = None, *, password: str = TEST_PASSWORD,
                    name: str = "Test User", tier: str | None = None,
                    roles: list[str] | None = None, user_type: str | None = None) -> dict[str, Any]:
        """A user straight in the store (no HTTP): the starting point of most plugin tests.
        ``user_type`` defaults to the declared default one (none declared: a plain member)."""
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        return self.account.users.create(email=email, password=password, name=name,
                                         user_type=user_type, tier=tier, roles=roles)

    def api_caller(self, user: dict[str, Any] | None = None, **user_options: Any) -> Caller:
        """A client using a freshly minted API key of ``user`` (or of a new user)."""
        user = user or self.create_user(**user_options)
        secret, _ = self.account.keys.mint(user["_id"], "test key")
        return Caller(self.client, {"Authorization": f"Bearer {secret}"}, user, secret)

    def session_caller(self, user: dict[str, Any] | None = None, *, password: str = TEST_PASSWORD,
                       **user_options: Any) -> Caller:
        """A client signed in through ``POST /api/auth/login``, as a browser would be."""
        user = user or self.create_user(password=password, **user_options)
        result = self.client.simulate_post("/api/auth/login",
                                           json={"email": user["email"], "password": password})
        assert result.status_code == 200, result.text
        token = result.cookies["lh_session"].value
        origin = self.services.settings.http.public_url
        return Caller(self.client, {"Cookie": f"lh_session={token}", "Origin": origin}, user, token)


def isolated_settings(database_uri: str, database_name: str,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Settings isolated from the developer's machine: no config file, no environment."""
    base = {
        "database.uri": database_uri,
        "database.name": database_name,
        "auth.cron_secret": TEST_CRON_SECRET,
        "http.public_url": "http://testserver",
        "auth.encryption_key": TEST_ENCRYPTION_KEY,
    }
    return load_settings(path=os.devnull, environ={}, overrides={**base, **(overrides or {})})


@pytest.fixture(scope="session")
def lh_database_uri() -> Iterator[str]:
    given = os.environ.get(TEST_URI_ENV)
    if given:
        yield given
        return
    with EmbeddedMongo("memory") as server:
        yield server.uri


@pytest.fixture
def lh_database_name(lh_database_uri: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    yield name
    board_path(lh_database_uri, name).unlink(missing_ok=True)
    client: MongoClient[dict[str, Any]] = MongoClient(lh_database_uri)
    try:
        client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def lh_settings(lh_database_uri: str, lh_database_name: str) -> Settings:
    return isolated_settings(lh_database_uri, lh_database_name)


@pytest.fixture
def lh_db(lh_settings: Settings) -> Iterator[Any]:
    """A ``Database`` service on the test's own database, for testing a service directly."""
    from lightninghire.db import Database

    database = Database(lh_settings.database.uri, lh_settings.database.name)
    yield database
    database.close()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def make_app(lh_settings: Settings, clock: FrozenClock) -> Iterator[Callable[..., AppHarness]]:
    built: list[AppHarness] = []

    def factory(plugins: list[str] | None = None, settings: Mapping[str, Any] | None = None,
                extra_plugins: Mapping[str, object] | None = None,
                prepare_database: bool = True, **client_headers: str) -> AppHarness:
        chosen = lh_settings.with_overrides(settings or {})
        transport = MemoryTransport()
        app = create_app(chosen, plugins=plugins, extra_plugins=extra_plugins, clock=clock,
                         mail_transport=transport, record_events=True,
                         prepare_database=prepare_database, background_threads=False)
        harness = AppHarness(app, DrainingClient(app, headers=client_headers or None),
                             transport)
        built.append(harness)
        return harness

    yield factory
    for harness in built:
        harness.app.close()


@pytest.fixture
def harness(make_app: Callable[..., AppHarness]) -> AppHarness:
    return make_app()


@pytest.fixture
def client(harness: AppHarness) -> falcon.testing.TestClient:
    return harness.client


def assert_error(result: falcon.testing.Result, status: int, code: str) -> dict[str, Any]:
    """Assert an error answer in the envelope; return its ``error`` object for more checks."""
    assert result.status_code == status, (result.status_code, result.text)
    body = result.json
    assert body["ok"] is False, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    assert "data" not in body
    return body["error"]


def assert_ok(result: falcon.testing.Result, status: int = 200) -> Any:
    """Assert a success envelope; return its ``data``."""
    assert result.status_code == status, (result.status_code, result.text)
    body = result.json
    assert body["ok"] is True, body
    return body.get("data")


# -- a real SMTP server -------------------------------------------------------------------------


@dataclass
class Delivered:
    """One message an ``SmtpServer`` accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    login: Any = None  # what the client authenticated as (``AUTH``), if it did

    @property
    def email(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=email_policy.default)  # type: ignore[return-value]

    def body(self, subtype: str) -> str:
        part = self.email.get_body((subtype,))
        assert part is not None, f"no text/{subtype} part"
        return part.get_content().replace("\r\n", "\n")


class SmtpRecorder:
    """aiosmtpd handler: keeps what it accepted; ``rcpt_reply`` makes it refuse recipients."""

    def __init__(self) -> None:
        self.delivered: list[Delivered] = []
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Recorded before the 250 goes out, so once smtplib returns the message is here.
        self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos),
                                        envelope.content, session.auth_data))
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, on a port chosen up front so that it can be
    down first and up later; ``options`` go to aiosmtpd's ``Controller`` (TLS, AUTH)."""

    def __init__(self, **options: Any) -> None:
        self.recorder = SmtpRecorder()
        self.port = free_port()
        self.options = options
        self.controller: Any = None

    @property
    def delivered(self) -> list[Delivered]:
        return self.recorder.delivered

    def url(self, scheme: str = "smtp", userinfo: str = "", query: str = "") -> str:
        # A short timeout bounds any test that goes wrong; nothing here should take a second.
        return f"{scheme}://{userinfo}127.0.0.1:{self.port}?timeout=5{query}"

    def start(self) -> SmtpServer:
        from aiosmtpd.controller import Controller  # a test dependency, imported when used

        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port,
                                     **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., SmtpServer]]:
    """``smtp_server(start=True, **controller_options)``: real SMTP servers, all stopped after
    the test."""
    made: list[SmtpServer] = []

    def factory(start: bool = True, **options: Any) -> SmtpServer:
        server = SmtpServer(**options)
        made.append(server)
        return server.start() if start else server

    yield factory
    for server in made:
        server.stop()


@dataclass
class Page:
    """One scripted answer of a ``PageServer``: ``stall`` holds the answer until the server
    stops (a page that never arrives)."""

    body: bytes = b""
    status: int = 200
    headers: Mapping[str, str] | None = None
    stall: bool = False


class PageServer:
    """A real HTTP server on 127.0.0.1 answering scripted pages by path (``pages[path] =
    Page(...)``; unknown paths are 404). ``hits`` lists the paths asked for, ``hosts`` the Host
    headers sent."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.pages: dict[str, Page] = {}
        self.hits: list[str] = []
        self.hosts: list[str] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                server.hosts.append(self.headers.get("Host", ""))
                page = server.pages.get(self.path, Page(b"missing", 404))
                if page.stall:
                    server.stopping.wait()
                    return
                self.send_response(page.status)
                headers = {"Content-Type": "text/html; charset=utf-8",
                           "Content-Length": str(len(page.body)), **(page.headers or {})}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may hang up first
                    self.wfile.write(page.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """A ``PageServer`` (real HTTP on 127.0.0.1) for code that fetches URLs; stopped after."""
    server = PageServer()
    yield server
    server.stop()
