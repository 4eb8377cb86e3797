"""OWASP API4:2023, unrestricted resource consumption: body limits, pagination caps, rate limits
(that a client cannot dodge by forging X-Forwarded-For), metered AI."""

from __future__ import annotations

import json

from lightninghire.pagination import MAX_LIMIT
from lightninghire.testing import assert_error, assert_ok
from tests.security.conftest import admin

LEAD = {"email": "jane@example.com", "source": "interview-prep-guide"}


def _paged(harness):
    return [op for op in harness.services.routes.operations()
            if op.method == "GET" and op.options.query is not None
            and "limit" in op.options.query.fields]


def test_every_list_caps_its_page_size(shared):
    caller = admin(shared)  # every permission passes: the cap is what answers
    ops = _paged(shared)
    assert len(ops) > 30
    uncapped = []
    for op in ops:
        path = op.path
        for name in op.path_params:
            path = path.replace("{" + name + "}", "0" * 24)
        field = op.options.query.fields["limit"]
        result = caller.get(path, params={"limit": str(MAX_LIMIT * 10)})
        if result.status_code != 400 or "limit" not in result.json["error"].get("fields", {}):
            uncapped.append((op.path, result.status_code, field.validate))
    assert uncapped == []


def test_a_body_over_the_limit_is_413_before_it_is_read(shared):
    caller = shared.api_caller(tier="pro")
    limit = shared.services.settings.http.max_body_bytes
    big = json.dumps({"name": "x" * limit})
    assert_error(caller.post("/api/contacts", body=big,
                             headers={"Content-Type": "application/json"}), 413,
                 "PAYLOAD_TOO_LARGE")
    # Public routes too: no credentials needed to be refused.
    assert_error(shared.client.simulate_post("/api/leads", body=big,
                                             headers={"Content-Type": "application/json"}),
                 413, "PAYLOAD_TOO_LARGE")


def test_public_lead_capture_is_limited_per_client_ip(shared):
    headers = {"X-Forwarded-For": "192.0.2.10"}
    for i in range(10):
        assert shared.client.simulate_post("/api/leads", json={**LEAD, "email": f"l{i}@example.com"},
                                           headers=headers).status_code == 200
    refused = shared.client.simulate_post("/api/leads", json=LEAD, headers=headers)
    assert_error(refused, 429, "RATE_LIMIT")
    assert refused.json["error"]["message"] == "Too many requests. Please try again later."
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_a_client_that_is_not_a_trusted_proxy_cannot_reset_its_counter(shared):
    untrusted = "203.0.113.7"
    for i in range(12):
        result = shared.client.simulate_post(
            "/api/leads", json={**LEAD, "email": f"f{i}@example.com"}, remote_addr=untrusted,
            headers={"X-Forwarded-For": f"10.9.9.{i}"})  # forged: ignored from this peer
    assert_error(result, 429, "RATE_LIMIT")


def test_contact_form_and_sign_up_are_limited(shared):
    headers = {"X-Forwarded-For": "192.0.2.20"}
    contact = {"name": "A", "email": "a@example.com", "message": "Hello there"}
    statuses = [shared.client.simulate_post("/api/contact", json=contact,
                                            headers=headers).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]
    signups = [shared.client.simulate_post("/api/auth/signup", headers={
        "X-Forwarded-For": "192.0.2.21"}, json={
        "email": f"s{i}@example.com", "password": "correct horse battery staple",
        "name": "S"}).status_code for i in range(11)]
    assert signups == [201] * 10 + [429]


def test_free_ai_use_is_metered_per_day(shared):
    caller = shared.api_caller(tier="free")
    used = 0
    while used < 12:
        result = caller.post("/api/stories/generate", json={
            "description": "I migrated our payments ledger with two teams and cut failures."})
        if result.status_code != 200 and result.status_code != 201:
            break
        used += 1
    error = assert_error(result, 402, "PAYMENT_REQUIRED")
    assert used == 10 and error["upgradeHint"]  # ai_actions: 10 per UTC day on free
    assert assert_ok(caller.get("/api/entitlements"))["features"]["ai_actions"]["remaining"] == 0
