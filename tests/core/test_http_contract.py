"""The envelope and status codes every route keeps, including Falcon's own errors (DESIGN §5)."""

from __future__ import annotations

import json
import logging

import pytest

from lightninghire.testing import TEST_CRON_SECRET, assert_error, assert_ok
from tests.core import contract_plugin


@pytest.fixture
def api(make_app):
    return make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin}).client


def post_json(api, path, body, **kwargs):
    return api.simulate_post(path, body=json.dumps(body),
                             headers={"Content-Type": "application/json"}, **kwargs)


def test_success_is_wrapped_and_dumped_through_the_response_schema(api):
    data = assert_ok(post_json(api, "/api/contract/items", {"name": "mug", "size": 3}), 201)
    assert data == {"name": "mug", "size": 3}  # "secret" was not in the response schema


def test_unknown_route_is_404_in_the_envelope(api):
    error = assert_error(api.simulate_get("/api/no-such-thing"), 404, "NOT_FOUND")
    assert "/api/no-such-thing" in error["message"]


def test_wrong_method_is_405_with_allow_header(api):
    result = api.simulate_delete("/api/contract/items")
    assert_error(result, 405, "METHOD_NOT_ALLOWED")
    assert set(result.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_malformed_json_is_400(api):
    result = api.simulate_post("/api/contract/items", body='{"name": "mug",',
                               headers={"Content-Type": "application/json"})
    assert "not valid JSON" in assert_error(result, 400, "INVALID_JSON")["message"]


def test_wrong_media_type_is_415(api):
    result = api.simulate_post("/api/contract/items", body="name=mug",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(result, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_body_over_the_default_limit_is_413(api):
    body = json.dumps({"name": "x" * (1024 * 1024 + 10)})
    result = api.simulate_post("/api/contract/items", body=body,
                               headers={"Content-Type": "application/json"})
    assert_error(result, 413, "PAYLOAD_TOO_LARGE")


def test_body_limit_is_configurable(make_app):
    api = make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin},
                   settings={"http.max_body_bytes": 2048}).client
    assert_ok(post_json(api, "/api/contract/items", {"name": "small"}), 201)
    result = post_json(api, "/api/contract/items", {"name": "x", "tags": ["y" * 3000]})
    assert assert_error(result, 413, "PAYLOAD_TOO_LARGE")["limit"] == 2048


def test_validation_names_each_bad_field(api):
    error = assert_error(post_json(api, "/api/contract/items", {"size": 99}), 400, "VALIDATION")
    assert set(error["fields"]) == {"name", "size"}
    assert error["message"].startswith("Invalid request body:")


def test_unknown_fields_are_rejected(api):
    error = assert_error(post_json(api, "/api/contract/items", {"name": "mug", "tier": "pro"}),
                         400, "VALIDATION")
    assert error["fields"] == {"tier": ["Unknown field."]}


def test_a_json_array_where_an_object_is_expected_is_400(api):
    assert_error(post_json(api, "/api/contract/items", [1, 2]), 400, "VALIDATION")


def test_query_parameters_are_validated(api):
    assert assert_ok(api.simulate_get("/api/contract/items", params={"size": "4"})) == {
        "query": {"size": 4}}
    assert_error(api.simulate_get("/api/contract/items", params={"size": "big"}), 400,
                 "VALIDATION")
    error = assert_error(api.simulate_get("/api/contract/items", params={"sort": "x"}), 400,
                         "VALIDATION")
    assert "sort" in error["fields"]


def test_a_body_sent_to_a_route_that_takes_none_is_400(api):
    assert_error(post_json(api, "/api/contract/lead", {"unexpected": True}), 400, "BAD_REQUEST")
    assert_ok(post_json(api, "/api/contract/lead", {}))  # an empty object is no body


@pytest.mark.parametrize(("kind", "status", "code"), [
    ("payment", 402, "PAYMENT_REQUIRED"),
    ("forbidden", 403, "FORBIDDEN"),
    ("missing", 404, "NOT_FOUND"),
    ("conflict", 409, "CONFLICT"),
    ("ratelimit", 429, "RATE_LIMIT"),
])
def test_app_errors_map_to_status_and_code(api, kind, status, code):
    assert_error(api.simulate_get(f"/api/contract/fail/{kind}"), status, code)


def test_402_carries_the_upgrade_hint(api):
    error = assert_error(api.simulate_get("/api/contract/fail/payment"), 402, "PAYMENT_REQUIRED")
    assert error["upgradeHint"] == "Go Pro for unlimited."


def test_429_carries_retry_after_in_whole_seconds(api):
    result = api.simulate_get("/api/contract/fail/ratelimit")
    assert_error(result, 429, "RATE_LIMIT")
    assert result.headers["retry-after"] == "13"


def test_unhandled_exception_is_500_with_request_id_and_no_traceback(api, caplog):
    caplog.set_level(logging.ERROR, logger="lightninghire.http")
    result = api.simulate_get("/api/contract/fail/crash")
    error = assert_error(result, 500, "INTERNAL")
    assert error["requestId"] == result.headers["x-request-id"]
    assert "boom" not in result.text and "Traceback" not in result.text
    logged = [r for r in caplog.records if error["requestId"] in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])


def test_a_sane_client_request_id_is_echoed(api):
    result = api.simulate_get("/api/contract/whoami", headers={"X-Request-Id": "client-abc-123"})
    assert result.headers["x-request-id"] == "client-abc-123"
    assert assert_ok(result)["requestId"] == "client-abc-123"


def test_an_insane_request_id_is_replaced(api):
    result = api.simulate_get("/api/contract/whoami",
                              headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert result.headers["x-request-id"] != "<script>alert(1)</script>"
    assert len(result.headers["x-request-id"]) == 32


def test_client_ip_believes_x_forwarded_for_only_from_a_trusted_proxy(api):
    via_proxy = api.simulate_get("/api/contract/whoami", remote_addr="127.0.0.1",
                                 headers={"X-Forwarded-For": "203.0.113.9, 127.0.0.1"})
    assert assert_ok(via_proxy)["clientIp"] == "203.0.113.9"
    spoofed = api.simulate_get("/api/contract/whoami", remote_addr="198.51.100.7",
                               headers={"X-Forwarded-For": "203.0.113.9"})
    assert assert_ok(spoofed)["clientIp"] == "198.51.100.7"


def test_client_ip_skips_a_chain_of_trusted_proxies(make_app):
    api = make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin},
                   settings={"http.trusted_proxies": ["10.0.0.0/8", "127.0.0.1/32"]}).client
    result = api.simulate_get("/api/contract/whoami", remote_addr="127.0.0.1",
                              headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.9, 10.1.2.3"})
    assert assert_ok(result)["clientIp"] == "203.0.113.9"


def test_top_level_reply_keeps_the_seed_shape(api):
    result = post_json(api, "/api/contract/lead", {})
    assert result.json == {"ok": True, "downloadUrl": "https://example.test/guide.pdf"}


def test_cron_route_needs_the_secret(api):
    assert_error(api.simulate_get("/api/contract/cron"), 401, "UNAUTHENTICATED")
    wrong = api.simulate_get("/api/contract/cron", headers={"Authorization": "Bearer nope"})
    assert_error(wrong, 401, "UNAUTHENTICATED")
    right = api.simulate_get("/api/contract/cron",
                             headers={"Authorization": f"Bearer {TEST_CRON_SECRET}"})
    assert assert_ok(right) == {"caller": "cron"}


def test_cron_route_is_closed_when_no_secret_is_configured(make_app):
    api = make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin},
                   settings={"auth.cron_secret": ""}).client
    for header in ("Bearer ", "Bearer", f"Bearer {TEST_CRON_SECRET}"):
        result = api.simulate_get("/api/contract/cron", headers={"Authorization": header})
        assert_error(result, 401, "UNAUTHENTICATED")


def test_security_headers_are_set(api):
    result = api.simulate_get("/api/contract/whoami")
    assert result.headers["x-content-type-options"] == "nosniff"
    assert result.headers["cache-control"] == "no-store"


def test_trailing_slash_reaches_the_same_route(api):
    assert_ok(api.simulate_get("/api/contract/whoami/"))


def test_a_raw_body_route_gets_the_exact_bytes_and_still_answers_the_envelope(api):
    payload = 'List-Unsubscribe=One-Click'
    result = api.simulate_post("/api/contract/signed", body=payload,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert assert_ok(result) == {"length": len(payload), "text": payload}
    spaced = '{ "a" :  1 }'  # not re-encoded: a signature over it still verifies
    assert assert_ok(api.simulate_post("/api/contract/signed", body=spaced,
                                       headers={"Content-Type": "application/json"}))["text"] == spaced


def test_a_raw_body_is_bounded_too(make_app):
    api = make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin},
                   settings={"http.max_body_bytes": 2048}).client
    assert_error(api.simulate_post("/api/contract/signed", body="x" * 3000), 413,
                 "PAYLOAD_TOO_LARGE")


def test_optional_auth_is_anonymous_without_credentials_and_strict_with_them(make_app):
    import types

    from lightninghire import endpoint as declare
    from lightninghire import hookimpl

    class Whom:
        @declare(auth="optional")
        def on_get(self, req, resp):
            return {"user": req.context.principal.user_id}

    @hookimpl
    def register_routes(routes):
        routes.add("/api/whom", Whom())

    h = make_app(plugins=["whom"], extra_plugins={
        "whom": types.SimpleNamespace(__name__="whom", register_routes=register_routes)})
    assert assert_ok(h.client.simulate_get("/api/whom")) == {"user": None}
    caller = h.api_caller()
    assert assert_ok(caller.get("/api/whom")) == {"user": str(caller.user["_id"])}
    forged = h.client.simulate_get("/api/whom", headers={"Authorization": "Bearer lh_live_" + "x" * 40})
    assert_error(forged, 401, "UNAUTHENTICATED")


def test_options_answers_204_with_allow_and_no_body(api):
    result = api.simulate_options("/api/contract/items")
    assert result.status_code == 204 and result.text == ""
    assert set(result.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST", "OPTIONS"}


def test_cors_answers_listed_origins_only(make_app):
    app_origin = "https://app.example.com"
    h = make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin},
                 settings={"http.cors_origins": [app_origin]})
    preflight = h.client.simulate_options("/api/contract/items", headers={
        "Origin": app_origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == app_origin
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "X-CSRF-Token" in preflight.headers["access-control-allow-headers"]
    simple = h.client.simulate_get("/api/contract/whoami", headers={"Origin": app_origin})
    assert simple.headers["access-control-allow-origin"] == app_origin
    assert "Origin" in simple.headers["vary"]
    for stranger in ("https://evil.example", "null"):
        other = h.client.simulate_options("/api/contract/items", headers={
            "Origin": stranger, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in other.headers


def test_cors_preflight_grants_a_fixed_header_list_and_varies_by_origin(make_app):
    """Falcon's CORSMiddleware with our additions: the configured origin is matched as a browser
    sends it (the case of the setting does not matter), a preflight gets our
    header list whatever it asks for, and every granted answer says Vary: Origin."""
    h = make_app(plugins=["contract"], extra_plugins={"contract": contract_plugin},
                 settings={"http.cors_origins": ["https://App.Example.COM"]})
    origin = "https://app.example.com"
    preflight = h.client.simulate_options("/api/contract/items", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-evil-header, content-type"})
    assert preflight.status_code == 204 and not preflight.content
    assert preflight.headers["access-control-allow-origin"] == origin
    assert preflight.headers["access-control-allow-headers"] == (
        "Authorization, Content-Type, X-CSRF-Token, X-Request-Id")
    assert preflight.headers["access-control-max-age"] == "600"
    assert "Origin" in preflight.headers["vary"]
    methods = {m.strip() for m in preflight.headers["access-control-allow-methods"].split(",")}
    assert methods == {"GET", "POST", "OPTIONS"}
    simple = h.client.simulate_get("/api/contract/whoami", headers={"Origin": origin})
    assert simple.headers["access-control-allow-credentials"] == "true"
    assert "X-Request-Id" in simple.headers["access-control-expose-headers"]
    assert "Retry-After" in simple.headers["access-control-expose-headers"]
    missing = h.client.simulate_options("/api/contract/nowhere", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-methods" not in missing.headers
    stranger = h.client.simulate_get("/api/contract/whoami",
                                     headers={"Origin": "https://app.example.com.evil"})
    assert not [k for k in stranger.headers if k.lower().startswith("access-control-")]


def test_a_cors_origin_may_make_cookie_writes(make_app):
    app_origin = "https://app.example.com"
    h = make_app(plugins=[], settings={"http.cors_origins": [app_origin]})
    caller = h.session_caller()
    result = caller.patch("/api/me", json={"name": "From the app"}, headers={"Origin": app_origin})
    assert assert_ok(result)["name"] == "From the app"


def test_cors_origins_must_be_exact(lh_settings):
    from lightninghire import StartupError

    for bad in ("*", "https://*.example.com", "app.example.com", "https://app.example.com/path"):
        with pytest.raises(StartupError, match=r"http\.cors_origins"):
            lh_settings.with_overrides({"http.cors_origins": [bad]})
