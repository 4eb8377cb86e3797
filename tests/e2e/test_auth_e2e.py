"""Auth over real HTTP under gunicorn with 2 workers: a revoked key is refused by every worker."""

from __future__ import annotations

import json
import os
import subprocess

from lightninghire.testing import TEST_PASSWORD
from tests.e2e.conftest import COMMAND


def cli(served, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTNINGHIRE")}
    env.update(MONGODB_URI=served.database_uri, LIGHTNINGHIRE_PLUGINS="plans,hello",
               LIGHTNINGHIRE_PASSWORD=TEST_PASSWORD)
    out = subprocess.run([COMMAND, *args], capture_output=True, text=True, env=env, timeout=60,
                         check=True)
    return out.stdout.strip()


def test_a_revoked_key_is_refused_at_once_by_both_workers(served):
    cli(served, "users", "create", "--email", "e2e@example.com", "--name", "E2E", "--tier", "pro")
    doomed = cli(served, "keys", "create", "e2e@example.com", "--name", "doomed")
    admin = cli(served, "keys", "create", "e2e@example.com", "--name", "admin")
    doomed_auth = {"Authorization": f"Bearer {doomed}"}
    # Each request opens its own connection, so both workers take turns serving.
    for _ in range(10):
        assert served.request("GET", "/api/me", headers=doomed_auth)[0] == 200
    status, keys = served.json("GET", "/api/me/api-keys",
                               headers={"Authorization": f"Bearer {admin}"})
    doomed_id = next(k["id"] for k in keys["data"] if k["name"] == "doomed")
    status, _ = served.json("DELETE", f"/api/me/api-keys/{doomed_id}",
                            headers={"Authorization": f"Bearer {admin}"})
    assert status == 200
    statuses = [served.request("GET", "/api/me", headers=doomed_auth)[0] for _ in range(20)]
    assert statuses == [401] * 20
    assert served.request("GET", "/api/me", headers={"Authorization": f"Bearer {admin}"})[0] == 200


def test_sign_up_and_use_the_session_cookie_over_http(served):
    status, headers, body = served.request(
        "POST", "/api/auth/signup",
        body=json.dumps({"email": "http@example.com", "password": TEST_PASSWORD, "name": "H"}).encode(),
        headers={"Content-Type": "application/json"})
    assert status == 201, body
    cookie = headers["set-cookie"].split(";")[0]
    assert "HttpOnly" in headers["set-cookie"]
    status, me = served.json("GET", "/api/me", headers={"Cookie": cookie})
    assert status == 200 and me["data"]["email"] == "http@example.com"
    status, error = served.json("PATCH", "/api/me", body=b'{"name": "X"}', headers={
        "Cookie": cookie, "Content-Type": "application/json", "Origin": "https://evil.example"})
    assert (status, error["error"]["code"]) == (403, "CSRF_FAILED")


# -- every change to who a credential is reaches both workers on the very next request --------
# Each request opens its own connection, so gunicorn's two workers take turns; both have the
# credential cached before the change (principal cache), and neither may serve the old answer.

def _sign_in(served, email: str) -> str:
    status, headers, body = served.request(
        "POST", "/api/auth/login",
        body=json.dumps({"email": email, "password": TEST_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    assert status == 200, body
    return headers["set-cookie"].split(";")[0]


def _warm(served, headers: dict[str, str], path: str = "/api/me") -> None:
    for _ in range(6):
        assert served.request("GET", path, headers=headers)[0] == 200


def test_a_signed_out_session_is_refused_at_once_by_both_workers(served):
    cli(served, "users", "create", "--email", "logout@example.com", "--name", "L")
    cookie = _sign_in(served, "logout@example.com")
    _warm(served, {"Cookie": cookie})
    status, _, _ = served.request("POST", "/api/auth/logout", headers={
        "Cookie": cookie, "Origin": f"http://127.0.0.1:{served.port}",
        "X-CSRF-Token": _csrf(served, cookie)})
    assert status == 200
    assert [served.request("GET", "/api/me", headers={"Cookie": cookie})[0]
            for _ in range(6)] == [401] * 6


def test_a_password_change_ends_the_other_sessions_at_once(served):
    cli(served, "users", "create", "--email", "pw@example.com", "--name", "P")
    other, mine = _sign_in(served, "pw@example.com"), _sign_in(served, "pw@example.com")
    _warm(served, {"Cookie": other})
    status, _, body = served.request(
        "POST", "/api/account/password",
        body=json.dumps({"currentPassword": TEST_PASSWORD,
                         "newPassword": TEST_PASSWORD + " two"}).encode(),
        headers={"Cookie": mine, "Content-Type": "application/json",
                 "X-CSRF-Token": _csrf(served, mine)})
    assert status == 200, body
    assert [served.request("GET", "/api/me", headers={"Cookie": other})[0]
            for _ in range(6)] == [401] * 6
    assert served.request("GET", "/api/me", headers={"Cookie": mine})[0] == 200


def test_a_tier_change_from_another_process_is_seen_by_both_workers_at_once(served):
    cli(served, "users", "create", "--email", "tier@example.com", "--name", "T", "--tier", "pro")
    key = {"Authorization": f"Bearer {cli(served, 'keys', 'create', 'tier@example.com', '--name', 'k')}"}
    _warm(served, key, "/api/entitlements")
    cli(served, "users", "set-tier", "tier@example.com", "free")  # a separate process: the CLI
    tiers = {served.json("GET", "/api/entitlements", headers=key)[1]["data"]["tier"]
             for _ in range(6)}
    assert tiers == {"free"}


def test_a_disabled_user_is_refused_at_once_by_both_workers(served):
    cli(served, "users", "create", "--email", "boss@example.com", "--name", "B", "--tier", "pro")
    cli(served, "users", "set-role", "boss@example.com", "super_admin")
    cli(served, "users", "create", "--email", "gone@example.com", "--name", "G", "--tier", "pro")
    boss = {"Authorization": f"Bearer {cli(served, 'keys', 'create', 'boss@example.com', '--name', 'k')}"}
    gone = {"Authorization": f"Bearer {cli(served, 'keys', 'create', 'gone@example.com', '--name', 'k')}"}
    _warm(served, gone)
    gone_id = served.json("GET", "/api/me", headers=gone)[1]["data"]["id"]
    status, _, body = served.request("PATCH", f"/api/admin/users/{gone_id}",
                                     body=b'{"disabled": true}',
                                     headers={**boss, "Content-Type": "application/json"})
    assert status == 200, body
    assert [served.request("GET", "/api/me", headers=gone)[0] for _ in range(6)] == [401] * 6


def _csrf(served, cookie: str) -> str:
    status, session = served.json("GET", "/api/auth/session", headers={"Cookie": cookie})
    assert status == 200, session
    return session["data"]["csrfToken"]
