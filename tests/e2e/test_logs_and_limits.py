"""Issue 18 #12 and #14 under the real ``lightninghire serve`` (gunicorn): credentials in URLs
never reach the access log, and oversize requests are answered in the envelope up to gunicorn's
own (raised) limits."""

from __future__ import annotations

import http.client
import json
import secrets

from lightninghire.testing import TEST_PASSWORD


class Connection:
    """One keep-alive connection. gunicorn writes a request's access line before it reads the
    next request of the same connection, so an answer to a later request on it means the earlier
    lines are in the log: no waiting, no timing."""

    def __init__(self, served) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)

    def call(self, method: str, path: str, body: object = None, headers: dict | None = None):
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=None if body is None else json.dumps(body),
                          headers=headers)
        response = self.conn.getresponse()
        return response.status, response.getheaders(), response.read()

    def close(self) -> None:
        self.conn.close()


def _signed_in(served) -> tuple[Connection, dict[str, str]]:
    conn = Connection(served)
    email = f"logs-{secrets.token_hex(4)}@example.com"
    status, headers, _ = conn.call("POST", "/api/auth/signup",
                                   {"email": email, "password": TEST_PASSWORD, "name": "Logs"})
    assert status == 201
    cookie = next(v for k, v in headers if k.lower() == "set-cookie").split(";")[0]
    status, _, raw = conn.call("GET", "/api/auth/session", headers={"Cookie": cookie})
    csrf = json.loads(raw)["data"]["csrfToken"]
    return conn, {"Cookie": cookie, "X-CSRF-Token": csrf}


def test_calendar_and_unsubscribe_tokens_never_reach_the_access_log(full_served):
    conn, auth = _signed_in(full_served)
    status, _, raw = conn.call("POST", "/api/interviews/calendar-token", headers=auth)
    assert status == 201, raw
    feed = json.loads(raw)["data"]["url"].split("://", 1)[1].split("/", 1)[1]
    token = feed.rsplit("/", 1)[1]
    status, _, _ = conn.call("GET", f"/{feed}")
    assert status == 200
    unsubscribe = "u" + secrets.token_urlsafe(24)
    conn.call("GET", f"/api/unsubscribe?token={unsubscribe}&list=digest",
              headers={"Referer": f"https://mail.example/open?token={unsubscribe}"})
    api_key = "lh_live_" + secrets.token_urlsafe(30)
    conn.call("GET", f"/api/health?api_key={api_key}")
    conn.call("GET", "/api/health")  # its answer means the lines above are written
    conn.close()
    log = full_served.log_path.read_text()
    assert "/api/interviews/calendar/[redacted]" in log
    assert "token=[redacted]" in log
    for secret in (token, unsubscribe, api_key):
        assert secret not in log


def _envelope(raw: bytes, code: str) -> None:
    body = json.loads(raw)
    assert body["ok"] is False and body["error"]["code"] == code, body


def test_oversize_requests_get_the_envelope_from_the_app(full_served):
    conn = Connection(full_served)
    try:
        status, _, raw = conn.call("GET", "/api/health?pad=" + "x" * 5000)
        assert status == 414
        _envelope(raw, "URI_TOO_LONG")
        many = {f"X-Pad-{i}": "1" for i in range(120)}
        status, _, raw = conn.call("GET", "/api/health", headers=many)
        assert status == 431
        _envelope(raw, "HEADERS_TOO_LARGE")
        status, _, raw = conn.call("GET", "/api/health", headers={"X-Pad": "y" * 10_000})
        assert status == 431
        _envelope(raw, "HEADERS_TOO_LARGE")
    finally:
        conn.close()
    # Past gunicorn's own limits the answer is gunicorn's (documented in docs/security.md).
    conn = Connection(full_served)
    try:
        status, _, _ = conn.call("GET", "/api/health?pad=" + "x" * 9000)
        assert status in (400, 414)
    finally:
        conn.close()
