"""Issue 18 #14: an oversize request line or header block is answered by the app, in the
envelope (414 / 431), below the larger limits gunicorn is configured with."""

from __future__ import annotations

from lightninghire.config import load_settings
from lightninghire.http.middleware import MAX_HEADER_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URI_BYTES
from lightninghire.server import gunicorn_options
from lightninghire.testing import assert_error, assert_ok


def test_gunicorn_lets_what_the_app_refuses_through_to_the_app():
    options = gunicorn_options(load_settings(environ={}, path="/dev/null"))
    assert options["limit_request_line"] > MAX_URI_BYTES
    assert options["limit_request_fields"] > MAX_HEADER_FIELDS
    assert options["limit_request_field_size"] > MAX_HEADER_FIELD_BYTES


def test_a_long_uri_is_414_in_the_envelope(harness):
    client = harness.client
    assert_ok(client.simulate_get("/api/health", query_string="pad=" + "x" * 4000))
    error = assert_error(client.simulate_get("/api/health", query_string="pad=" + "x" * 4100),
                         414, "URI_TOO_LONG")
    assert error["limit"] == MAX_URI_BYTES
    assert_error(client.simulate_get("/api/" + "p" * 4100), 414, "URI_TOO_LONG")


def test_too_many_or_too_long_headers_are_431_in_the_envelope(harness):
    client = harness.client
    assert_ok(client.simulate_get("/api/health", headers={f"X-Pad-{i}": "1" for i in range(90)}))
    assert_error(client.simulate_get("/api/health",
                                     headers={f"X-Pad-{i}": "1" for i in range(101)}),
                 431, "HEADERS_TOO_LARGE")
    error = assert_error(client.simulate_get("/api/health", headers={"X-Pad": "y" * 8200}),
                         431, "HEADERS_TOO_LARGE")
    assert "X-Pad" in error["message"]
