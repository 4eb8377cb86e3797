"""Issue 18 #3: a database outage answers 503 ``DB_UNAVAILABLE`` with ``Retry-After`` in the
envelope, never a 500, on every kind of route."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout, ServerSelectionTimeoutError

from lightninghire import endpoint, hookimpl
from lightninghire.embedded import free_port
from lightninghire.testing import assert_error, assert_ok


def _down(error: dict[str, Any], result: Any) -> None:
    assert int(result.headers["retry-after"]) >= 1
    assert error["requestId"] == result.headers["x-request-id"]
    assert set(error) == {"message", "code", "requestId"}, error


@pytest.fixture
def outage(make_app):
    """The whole app pointed at a closed port (nothing listens there)."""
    return make_app(settings={"database.uri": f"mongodb://127.0.0.1:{free_port()}/",
                              "database.timeout_ms": 100}, prepare_database=False)


def test_a_database_outage_is_503_db_unavailable_with_retry_after(outage):
    key = {"Authorization": "Bearer lh_live_" + "A" * 40}  # well-formed: looked up in the database
    cookie = {"Cookie": "lh_session=" + "a" * 43}
    for method, path, kwargs in [
        ("GET", "/api/me", {"headers": key}),
        ("GET", "/api/applications", {"headers": cookie}),
        ("POST", "/api/auth/login", {"json": {"email": "a@example.com", "password": "x" * 12}}),
        ("POST", "/api/leads", {"json": {"email": "a@example.com"}}),  # public, per-IP limit
    ]:
        result = outage.client.simulate_request(method, path, **kwargs)
        _down(assert_error(result, 503, "DB_UNAVAILABLE"), result)


def test_health_says_degraded_in_the_same_answer(outage):
    result = outage.client.simulate_get("/api/health")
    error = assert_error(result, 503, "DB_UNAVAILABLE")
    assert error["health"]["status"] == "degraded" and error["health"]["db"] == "down"
    assert int(result.headers["retry-after"]) >= 1
    # What needs no database still answers.
    assert outage.client.simulate_get("/api/openapi.json").status_code == 200


class _Flaky:
    """A plugin route raising what pymongo raises mid-request when the server goes away."""

    ERRORS = {"selection": ServerSelectionTimeoutError("no servers"),
              "reconnect": AutoReconnect("connection closed"),
              "timeout": NetworkTimeout("timed out"),
              "failure": ConnectionFailure("refused")}

    @endpoint(auth="public")
    def on_get(self, req: Any, resp: Any, kind: str) -> None:
        raise self.ERRORS[kind]


class _FlakyPlugin:
    @hookimpl
    def register_routes(self, routes: Any) -> None:
        routes.add("/api/flaky/{kind}", _Flaky())


@pytest.mark.parametrize("kind", sorted(_Flaky.ERRORS))
def test_each_pymongo_connection_failure_maps_to_503(make_app, kind):
    h = make_app(plugins=["flaky"], extra_plugins={"flaky": _FlakyPlugin()})
    result = h.client.simulate_get(f"/api/flaky/{kind}")
    _down(assert_error(result, 503, "DB_UNAVAILABLE"), result)
    assert_ok(h.client.simulate_get("/api/health"))


def test_the_database_wait_must_end_before_the_worker_timeout():
    from lightninghire.config import load_settings
    from lightninghire.errors import StartupError

    assert load_settings(environ={}, path="/dev/null").database.timeout_ms < 30_000
    with pytest.raises(StartupError, match=r"database\.timeout_ms must be shorter than server\.timeout"):
        load_settings(environ={}, path="/dev/null",
                      overrides={"database.timeout_ms": 30_000, "server.timeout": 30})
