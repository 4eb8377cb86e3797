"""OWASP API7:2023, server side request forgery: no user-supplied URL is fetched except by the
core's fetcher (tests/core/test_fetch.py), which refuses non-public addresses.

Two proofs: the code's outbound network clients are an allow-list (AI SDKs, Stripe, SMTP, all
pointed at configured addresses, never at request data), and every URL field a user can send is
aimed at a live local listener that must never see a connection.
"""

from __future__ import annotations

import ast
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lightninghire.testing import assert_ok
from tests.security.conftest import recruiter

ROOT = Path(__file__).resolve().parents[2]
NETWORK_MODULES = {"requests", "httpx", "httpx2", "urllib.request", "urllib3", "http.client", "aiohttp",
                   "socket", "smtplib", "openai", "anthropic", "stripe", "pycurl", "ftplib",
                   "websocket", "websockets", "telnetlib", "xmlrpc.client"}
# Where each network module may be used, and what it reaches.
ALLOWED = {
    ("core/ai/providers.py", "openai"): "ai.openai_base_url or the SDK default (configuration)",
    ("core/ai/providers.py", "anthropic"): "ai.anthropic_base_url or the SDK default",
    # The transport under the SDK clients (attempts and the retry budget): it sends the requests
    # the SDKs build, to the same configured addresses.
    ("core/ai/providers.py", "httpx2"): "the AI SDKs' own requests (their transport)",
    ("core/ai/providers.py", "httpx"): "the same, for SDK majors before httpx2",
    ("core/mail/transports.py", "smtplib"): "mail.smtp_url (configuration)",
    ("core/tasks/runner.py", "socket"): "gethostname() for the task lease holder, no I/O",
    ("core/embedded.py", "socket"): "a free loopback port for nx-27017",
    ("core/server.py", "socket"): "binds (never connects) the serve address to check the port is free",
    ("core/testing.py", "socket"): "test harness",
    # The one fetcher of user-given URLs: public addresses only (or fetch.allow_networks),
    # checked after resolution and on every redirect, pinned, bounded in size and time.
    ("core/fetch.py", "socket"): "the checked address of a user-given URL (lightninghire.fetch)",
    ("core/fetch.py", "http.client"): "the same request, to the pinned address",
    ("plugins/billing/gateway.py", "stripe"): "Stripe API (api_base from configuration)",
    ("plugins/billing/webhooks.py", "stripe"): "signature verification only, no I/O",
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_only_the_allow_listed_modules_open_network_connections():
    used = set()
    for folder in ("core", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            for module in _imports(path):
                top = next((m for m in NETWORK_MODULES
                            if module == m or module.startswith(m + ".")), None)
                if top:
                    used.add((str(path.relative_to(ROOT)), top))
    assert used - set(ALLOWED) == set(), "a new outbound client: review it for SSRF, then list it"


class Listener:
    """A TCP server on loopback that only counts who connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_urls_in_bodies_are_stored_but_never_fetched(shared, listener):
    url = f"http://127.0.0.1:{listener.port}/secret?x=1"
    seeker = shared.api_caller(tier="pro")
    app = assert_ok(seeker.post("/api/applications", json={
        "company": "Acme", "role": "SRE", "jobUrl": url, "sourceUrl": url}), 201)
    assert assert_ok(seeker.get(f"/api/applications/{app['id']}"))["sourceUrl"] == url
    assert_ok(seeker.post("/api/contacts", json={"name": "Dana", "linkedinUrl": url}), 201)
    assert_ok(seeker.post("/api/company-requests", json={"name": "Acme", "website": url}), 201)
    assert_ok(seeker.post("/api/interviews", json={
        "startsAt": "2099-01-01T10:00:00Z", "link": url}), 201)
    assert_ok(seeker.post("/api/companies/intel", json={"name": url}))
    resume = assert_ok(seeker.post("/api/resumes", json={"name": "cv", "content": url * 2}), 201)
    assert_ok(seeker.post(f"/api/resumes/{resume['id']}/tailor", json={
        "jobDescription": f"See the posting at {url} for the full description of this job."}),
              201)
    assert_ok(seeker.post("/api/chat", json={"message": f"Summarise {url}"}))
    assert_ok(recruiter(shared).post("/api/candidates", json={"name": "Jo", "linkedin": url}),
              201)
    assert_ok(shared.client.simulate_post("/api/feedback", json={"rating": 5, "page": url}), 201)
    # Scheduled work over the stored URLs (digests, syncs, outbox) fetches nothing either.
    runner = shared.services.task_runner
    for name in ("jobs-sync", "job-recommendations", "outreach-dispatch", "mail-outbox"):
        runner.run(name, trigger="cli")
    # The one route that fetches a URL refuses the loopback listener (no allow-list here).
    refused = seeker.post("/api/applications/auto", json={"url": url})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "URL_REFUSED"
    assert listener.hits == 0
    # The control: a connection to the listener is counted.
    socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()
    deadline = time.monotonic() + 5
    while listener.hits == 0 and time.monotonic() < deadline:  # bounded wait for accept()
        time.sleep(0.01)
    assert listener.hits == 1
