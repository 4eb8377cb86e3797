"""The first hour (issue 19): a newcomer's ``lightninghire serve --port N`` (not 8000, no
configuration, every first-party plugin) driven as they would drive it: a browser on either
loopback name, a ``requests`` script, the CLI from another folder, a second ``serve``, a lead
download, the mail in the terminal, and the database child killed under it.

One server for the module (one worker, its own scheduler on, the default); each test says which
point of the issue it proves. Waits are bounded polls of real state, never fixed sleeps.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from lightninghire.db import Database
from lightninghire.embedded import free_port
from lightninghire.mail import Mailer, MemoryTransport, Message
from tests.e2e.conftest import _OUTSIDE_ENV, COMMAND, Served, start_server
from tests.e2e.test_docs_browser import CHROMIUM, DevTools

PASSWORD = "a long enough passphrase 42"
WEBHOOK_SECRET = "whsec_first_hour_fixture_value"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LIGHTNINGHIRE") and k not in _OUTSIDE_ENV}
    return {**env, **extra}


def cli(*args: str, cwd: Path, stdin: int | None = subprocess.DEVNULL,
        **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=_env(**env), stdin=stdin, check=False)


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # a bounded poll of real state
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout:.0f} s" +
                         (f"\n{log.read_text()[-4000:]}" if log else ""))


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("newcomer")


@pytest.fixture(scope="module")
def newcomer(home) -> Iterator[Served]:
    data = home / "lightninghire-data"
    # An older install's folder: world-readable, with a world-readable file in it.
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    old = data / "old-notes.txt"
    old.write_text("from before")
    old.chmod(0o644)
    port = free_port()
    assert port != 8000
    server = start_server(data, home / "serve.log", workers=1, plugins=None, scheduler=True,
                          port=port, env={"LIGHTNINGHIRE_AI__PROVIDER": "offline",
                                          "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET})
    yield server
    server.stop()


def session_for(served: Served, email: str) -> tuple[requests.Session, str]:
    """A ``requests`` script's sign-up: the cookie is kept over plain http."""
    session = requests.Session()
    answer = session.post(f"http://127.0.0.1:{served.port}/api/auth/signup", timeout=30,
                          json={"email": email, "password": PASSWORD, "name": "Script"})
    assert answer.status_code == 201, answer.text
    return session, answer.json()["data"]["csrfToken"]


# -- 1: any port, either loopback name, in a real browser -----------------------------------

BROWSER_WRITE = """(async () => {
  const post = (path, body) => fetch(path, {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
    .then(async r => [r.status, await r.json()]);
  const signup = await post('/api/auth/signup', {email: '%(email)s', password: '%(password)s',
                                                  name: 'Browser'});
  const created = await post('/api/applications', {company: 'Acme', role: 'Engineer'});
  const spec = await fetch('/api/openapi.json').then(r => r.json());
  return JSON.stringify({signup: signup[0], created: created[0], body: created[1],
                         server: spec.servers[0].url, origin: location.origin});
})()"""


@pytest.mark.skipif(CHROMIUM is None, reason="reported by test_docs_browser")
def test_a_browser_on_a_non_8000_port_writes_with_its_cookie_from_either_loopback_name(
        newcomer, tmp_path):
    browser = DevTools([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                        f"--user-data-dir={tmp_path / 'profile'}",
                        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, "
                        "EXCLUDE localhost", "about:blank"])
    seen = {}
    try:
        page = next(t for t in browser.call("Target.getTargets")["targetInfos"]
                    if t["type"] == "page")
        session = browser.call("Target.attachToTarget",
                               {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for host in ("localhost", "127.0.0.1"):
            # The Swagger UI page: its "Try it out" calls are same-origin fetches like these.
            browser.call("Page.navigate", {"url": f"http://{host}:{newcomer.port}/api/docs"},
                         session)
            script = BROWSER_WRITE % {"email": f"browser-{host}@example.com",
                                      "password": PASSWORD}
            result = wait_for(lambda s=script: _evaluate(browser, session, s), 30,
                              "the docs page to load")
            seen[host] = result
    finally:
        browser.close()
    for host, result in seen.items():
        origin = f"http://{host}:{newcomer.port}"
        assert result["origin"] == origin
        assert result["signup"] == 201, result
        assert result["created"] == 201, result  # not 403 CSRF_FAILED
        assert result["server"] == origin  # Swagger UI's server is the page's own origin


def _evaluate(browser: DevTools, session: str, script: str) -> dict | None:
    reply = browser.call("Runtime.evaluate", {"expression": script, "awaitPromise": True,
                                              "returnByValue": True}, session)
    if "exceptionDetails" in reply:  # the page is still navigating
        return None
    return json.loads(reply["result"]["value"])


def test_openapi_mail_and_lead_links_name_the_served_port(newcomer):
    base = f"http://127.0.0.1:{newcomer.port}"
    status, spec = newcomer.json("GET", "/api/openapi.json")
    assert status == 200 and spec["servers"] == [{"url": base}]
    # 6 too: the lead magnet's link is served by the server that handed it out, as a PDF.
    status, lead = newcomer.json("POST", "/api/leads", headers={
        "Content-Type": "application/json"}, body=json.dumps(
            {"email": "lead@example.com", "source": "interview-prep-guide"}).encode())
    assert status == 200 and lead["downloadUrl"] == \
        f"{base}/api/downloads/interview-prep-guide.pdf"
    got = requests.get(lead["downloadUrl"], timeout=30)
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    # The download mail went to the terminal with the same link.
    wait_for(lambda: "To: lead@example.com" in newcomer.log_path.read_text(), 30,
             "the lead's mail in the terminal", newcomer.log_path)
    assert lead["downloadUrl"] in newcomer.log_path.read_text()


# -- 2: mail in the terminal, and queued mail leaves without another process ----------------

def test_the_welcome_mail_is_printed_in_the_terminal_at_sign_up(newcomer):
    session, _ = session_for(newcomer, "welcome@example.com")
    session.close()
    text = wait_for(lambda: (t := newcomer.log_path.read_text()) and
                    "To: welcome@example.com" in t and t, 30, "the welcome mail",
                    newcomer.log_path)
    block = text[text.index("To: welcome@example.com") - 200:]
    assert "From: LightningHire <no-reply@localhost>" in block
    assert "Subject: Welcome to LightningHire" in block
    assert f"http://127.0.0.1:{newcomer.port}/api/unsubscribe?token=" in block


def test_queued_mail_is_delivered_by_serves_own_scheduler(newcomer):
    assert "scheduler started" in wait_for(
        lambda: newcomer.log_path.read_text() if "scheduler started" in
        newcomer.log_path.read_text() else None, 30, "the scheduler", newcomer.log_path)
    db = Database(newcomer.database_uri, "lightninghire")
    try:
        # Queued as bulk mail is (lifecycle, digest, drip): only the mail-outbox task sends it.
        queued = Mailer(MemoryTransport(), "LightningHire <no-reply@localhost>", db=db).send(
            Message(to="queued@example.com", subject="Queued for the outbox task",
                    text="Delivered by the scheduler that serve runs."), deliver_now=False)
    finally:
        db.close()
    assert queued.status == "queued"
    # The task runs every minute: at most a minute and a bit.
    wait_for(lambda: "To: queued@example.com" in newcomer.log_path.read_text(), 90,
             "the queued mail delivered", newcomer.log_path)


# -- 3: the CLI never builds a second, empty database by accident --------------------------

def test_cli_from_another_folder_refuses_then_joins_with_data_dir(newcomer, home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    refused = cli("users", "create", "--email", "cli@example.com", "--name", "Cli",
                  "--password", PASSWORD, cwd=elsewhere)
    assert refused.returncode == 2, refused.stderr
    assert f"no database here: {elsewhere / 'lightninghire-data'}" in refused.stderr
    assert "--data-dir" in refused.stderr and "--create" in refused.stderr
    assert "created" not in refused.stdout
    assert not (elsewhere / "lightninghire-data").exists()  # nothing made there

    joined = cli("users", "create", "--email", "cli@example.com", "--name", "Cli",
                 "--password", PASSWORD, "--data-dir", str(home / "lightninghire-data"),
                 cwd=elsewhere)
    assert joined.returncode == 0, joined.stderr
    status, body = newcomer.json("POST", "/api/auth/login", headers={
        "Content-Type": "application/json"}, body=json.dumps(
            {"email": "cli@example.com", "password": PASSWORD}).encode())
    assert status == 200, body

    made = cli("users", "create", "--email", "new@example.com", "--name", "New",
               "--password", PASSWORD, "--create", cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    assert (elsewhere / "lightninghire-data" / "lightninghire.db").exists()


# -- 4: one server per data folder; a busy port is said so ---------------------------------

def test_a_second_serve_on_the_folder_is_refused_naming_the_pid(newcomer, home):
    second = cli("serve", "--port", str(free_port()), cwd=home)
    assert second.returncode != 0
    assert f"in use by process {newcomer.process.pid}" in second.stderr, second.stderr
    assert "serving on" not in second.stderr and "Traceback" not in second.stderr


def test_serve_on_a_busy_port_says_so_before_anything_else(newcomer, tmp_path):
    busy = cli("serve", "--port", str(newcomer.port), "--data-dir", str(tmp_path / "d"),
               cwd=tmp_path)
    assert busy.returncode != 0
    assert f"cannot serve on 127.0.0.1:{newcomer.port}: the port is already in use" \
        in busy.stderr, busy.stderr
    assert "serving on" not in busy.stderr and "Traceback" not in busy.stderr


# -- 5: no password outside a terminal ------------------------------------------------------

def test_users_create_without_a_password_outside_a_terminal_is_a_clear_error(newcomer, home):
    out = cli("users", "create", "--email", "nopw@example.com", "--name", "No", cwd=home)
    assert out.returncode == 2
    assert "no password given and no terminal" in out.stderr
    assert "--password" in out.stderr and "LIGHTNINGHIRE_PASSWORD" in out.stderr
    assert "Traceback" not in out.stderr and "EOFError" not in out.stderr


# -- 6: a product with something in it -------------------------------------------------------

def test_shipped_content_is_fresh_and_demo_loads_jobs_and_a_user(newcomer, home):
    for kind in ("help", "blog", "public", "courses"):
        status, body = newcomer.json("GET", f"/api/{kind}")
        assert status == 200 and body["data"]["items"]
        assert [i["slug"] for i in body["data"]["items"] if i["stale"]] == [], kind

    demo = cli("demo", cwd=home)  # joins the running serve's database
    assert demo.returncode == 0, demo.stderr
    match = re.search(r"demo user (\S+), password (\S+)", demo.stdout)
    assert match, demo.stdout
    assert f"http://127.0.0.1:{newcomer.port}/api/docs" in demo.stdout
    session = requests.Session()
    base = f"http://127.0.0.1:{newcomer.port}"
    login = session.post(f"{base}/api/auth/login", timeout=30,
                         json={"email": match.group(1), "password": match.group(2)})
    assert login.status_code == 200, login.text
    found = session.get(f"{base}/api/jobs", params={"q": "nurse"}, timeout=30).json()["data"]
    assert found["items"][0]["title"] == "Registered Nurse, Telehealth"
    everything = session.get(f"{base}/api/jobs", params={"limit": 50}, timeout=30).json()
    assert everything["data"]["total"] >= 12
    assert len({job["company"] for job in everything["data"]["items"]}) >= 5
    again = cli("demo", cwd=home)  # idempotent: updated, not duplicated
    assert again.returncode == 0, again.stderr
    assert session.get(f"{base}/api/jobs", params={"limit": 50},
                       timeout=30).json()["data"]["total"] == everything["data"]["total"]


# -- 7: a requests script keeps its session over plain http on loopback ---------------------

def test_a_requests_script_keeps_the_session_cookie_over_http(newcomer):
    session, csrf = session_for(newcomer, "script@example.com")
    base = f"http://127.0.0.1:{newcomer.port}"
    me = session.get(f"{base}/api/me", timeout=30)
    assert me.status_code == 200 and me.json()["data"]["email"] == "script@example.com"
    created = session.post(f"{base}/api/applications", timeout=30,
                           json={"company": "Initech", "role": "Analyst"},
                           headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text
    raw = requests.post(f"{base}/api/auth/login", timeout=30,
                        json={"email": "script@example.com", "password": PASSWORD})
    assert "secure" not in raw.headers["Set-Cookie"].lower()  # loopback http only


# -- 8: the webhook names the missing setting -----------------------------------------------

def test_the_webhook_names_the_missing_stripe_setting(newcomer):
    status, body = newcomer.json("POST", "/api/stripe/webhook", body=b"{}", headers={
        "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00"})
    assert status == 409, body
    message = body["error"]["message"]
    assert "stripe_secret_key" in message and "stripe_webhook_secret" not in message


# -- issue 18: the database child is supervised, and its files are private ------------------

def test_killing_the_database_child_is_survived(newcomer):
    session, _ = session_for(newcomer, "survivor@example.com")
    base = f"http://127.0.0.1:{newcomer.port}"
    pid = _nx_pid(newcomer)
    assert pid and pid in newcomer.children()
    os.kill(pid, signal.SIGKILL)

    def works() -> bool:
        try:
            return session.get(f"{base}/api/me", timeout=10).status_code == 200 and \
                pid != _nx_pid(newcomer)
        except requests.RequestException:
            return False

    wait_for(works, 60, "a database route working again", newcomer.log_path)
    log = newcomer.log_path.read_text()
    assert "the embedded database (nx-27017) stopped; restarting it" in log
    assert "the embedded database (nx-27017) restarted" in log
    session.close()


def _nx_pid(served: Served) -> int | None:
    try:
        return int((served.log_path.parent / "lightninghire-data" / "nx-27017.pid").read_text())
    except (OSError, ValueError):
        return None


def test_the_data_folder_and_its_files_are_private(newcomer, home):
    data = home / "lightninghire-data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"lightninghire.db", "encryption.key", "old-notes.txt",
                                       "lightninghire.lock", "nx-27017.log"}
    loose = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files
             if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert loose == {}
