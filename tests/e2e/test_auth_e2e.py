"""Auth over real HTTP under gunicorn with 2 workers: a revoked key is refused by every worker."""

from __future__ import annotations

import json
import os
import subprocess

from lightninghire.testing import TEST_PASSWORD
from tests.e2e.conftest import COMMAND


def cli(served, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTNINGHIRE")}
    env.update(MONGODB_URI=served.database_uri, LIGHTNINGHIRE_PLUGINS="hello",
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
