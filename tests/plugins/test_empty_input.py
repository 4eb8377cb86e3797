"""Issue 21.3: empty input never spends quota. Every write route of every first-party plugin is
sent an empty body by a free seeker and a free recruiter; a metered route must refuse it (4xx)
and no route may change the caller's entitlement usage with it. New routes are covered as they
are added: the list comes from the app's own route table, not from this file."""

from __future__ import annotations

import re

from lightninghire.testing import assert_error, assert_ok

# Routes that are not about the caller's quota, or that end the caller's session.
SKIPPED = ("/api/auth/", "/api/account", "/api/admin/", "/api/cron/", "/api/billing/webhook")
A_MISSING_ID = "0123456789abcdef01234567"


def test_an_empty_body_spends_nothing_on_any_write_route(make_app):
    harness = make_app()
    callers = {"seeker": harness.api_caller(), "recruiter": harness.api_caller(user_type="recruiter")}
    checked = metered = 0
    for op in harness.services.routes.operations():
        if op.method not in ("POST", "PUT", "PATCH") or op.path.startswith(SKIPPED):
            continue
        path = re.sub(r"\{[^}]+\}", A_MISSING_ID, op.path)
        for who, caller in callers.items():
            before = assert_ok(caller.get("/api/entitlements"))
            answer = getattr(caller, op.method.lower())(path, json={})
            after = assert_ok(caller.get("/api/entitlements"))
            assert after == before, (who, op.method, op.path, answer.status_code)
            if op.options.feature:
                assert 400 <= answer.status_code < 500, (who, op.method, op.path, answer.text)
                metered += 1
            checked += 1
    assert metered >= 20 and checked >= 80  # the table really was walked


def test_a_live_session_needs_a_company_role_or_application(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    for body in ({}, {"company": "  ", "role": ""}, {"title": "Onsite"}):
        error = assert_error(caller.post("/api/sessions", json=body), 400, "VALIDATION")
        assert "company" in error["fields"], error
    assert assert_ok(caller.get("/api/entitlements"))["features"]["interview_sessions"]["currentUsage"] == 0
    assert_ok(caller.post("/api/sessions", json={"role": "SRE"}), 201)
    assert assert_ok(caller.get("/api/entitlements"))["features"]["interview_sessions"]["currentUsage"] == 1


def test_a_story_is_built_from_notes_only(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    for body in ({}, {"title": "Checkout rescue"}, {"context": " ", "steps": ["  "]}):
        assert_error(caller.post("/api/stories/build", json=body), 400, "VALIDATION")
    assert assert_ok(caller.get("/api/entitlements"))["features"]["ai_actions"]["currentUsage"] == 0
    assert assert_ok(caller.post("/api/stories/build", json={"steps": ["wrote the runbook"]}))
