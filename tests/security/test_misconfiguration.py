"""OWASP API8:2023, security misconfiguration: headers on every answer, no stack trace in a
500, no CORS grant to arbitrary origins, cookie flags, the docs page's CSP."""

from __future__ import annotations

import types

import pytest

from lightninghire import hookimpl
from lightninghire.testing import assert_error, assert_ok

EVIL = "https://evil.example"


def _security_headers(result, *, no_store: bool = True) -> None:
    assert result.headers["X-Content-Type-Options"] == "nosniff"
    assert result.headers["Referrer-Policy"] == "no-referrer"
    if no_store:
        assert result.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in result.headers
    assert "Access-Control-Allow-Credentials" not in result.headers
    assert result.headers["X-Request-Id"]


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/health", 200),
    ("GET", "/api/me", 200),
    ("GET", "/api/me/api-keys", 200),
    ("GET", "/api/nowhere", 404),
    ("PUT", "/api/health", 405),
    ("GET", f"/api/applications/{'0' * 24}", 404),
    ("POST", "/api/applications", 400),
    ("GET", "/api/admin/users", 403),
])
def test_every_answer_carries_the_security_headers_and_no_cors_grant(shared, method, path,
                                                                     status):
    caller = shared.api_caller(tier="pro")
    result = caller.request(method, path, headers={"Origin": EVIL})
    assert result.status_code == status, result.text
    _security_headers(result)


def test_a_cors_preflight_from_any_origin_grants_nothing(shared):
    for path in ("/api/me", "/api/leads", "/api/applications"):
        result = shared.client.simulate_options(path, headers={
            "Origin": EVIL, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert result.status_code == 204 and not result.content
        assert not [h for h in result.headers if h.lower().startswith("access-control-")]


def test_anonymous_errors_carry_the_headers_too(shared):
    _security_headers(assert_error_result(shared.client.simulate_get("/api/me"), 401))


def assert_error_result(result, status):
    assert result.status_code == status
    return result


def test_a_500_says_nothing_of_the_failure_but_a_request_id(make_app):
    class Boom:
        def on_get(self, req, resp):
            raise RuntimeError("db password hunter2 at /srv/app/secret.py line 3")

    @hookimpl
    def register_routes(routes, services):
        routes.add("/api/boom", Boom())

    plugin = types.SimpleNamespace(__name__="boom", register_routes=register_routes)
    harness = make_app(plugins=["boom"], extra_plugins={"boom": plugin})
    result = harness.api_caller(tier="pro").get("/api/boom")
    error = assert_error(result, 500, "INTERNAL")
    assert set(error) == {"message", "code", "requestId"}
    assert error["requestId"] == result.headers["X-Request-Id"]
    for leak in ("hunter2", "Traceback", "RuntimeError", "secret.py", 'File "'):
        assert leak not in result.text
    _security_headers(result)


def test_the_session_cookie_is_httponly_secure_and_samesite(shared):
    user = shared.create_user()
    result = shared.client.simulate_post("/api/auth/login", json={
        "email": user["email"], "password": "correct horse battery staple"})
    assert_ok(result)
    cookie = result.headers["Set-Cookie"]
    assert cookie.startswith("lh_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert flag.lower() in cookie.lower(), cookie


def test_a_cookie_write_from_another_origin_is_403(shared):
    browser = shared.session_caller()
    assert_error(browser.patch("/api/me", json={"name": "X"}, headers={"Origin": EVIL}), 403,
                 "CSRF_FAILED")


def test_the_docs_page_has_a_strict_csp_and_openapi_is_public_but_harmless(shared):
    page = shared.client.simulate_get("/api/docs")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline' 'unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    document = shared.client.simulate_get("/api/openapi.json")
    assert document.status_code == 200
    for secret in ("test-cron-secret", "mongodb://", "encryption"):
        assert secret not in document.text
