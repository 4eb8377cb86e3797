"""The plugin as a whole: user context, account export and deletion, OpenAPI, sessions."""

from __future__ import annotations

from datetime import timedelta

from lightninghire.testing import TEST_PASSWORD, assert_error, assert_ok
from lightninghire_plugins.interview import COLLECTIONS


def _fill(harness, clock, caller):
    mock = assert_ok(caller.post("/api/mock-interview", json={
        "company": "Acme", "role": "Engineer", "interviewType": "behavioral"}), 201)
    assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/complete"))
    assert_ok(caller.post("/api/stories", json={"title": "Checkout rescue",
                                                "competencies": ["Problem solving"]}), 201)
    assert_ok(caller.post("/api/sessions", json={"company": "Acme"}), 201)
    assert_ok(caller.post("/api/interviews", json={
        "startsAt": (clock.now() + timedelta(days=1)).isoformat(), "company": "Acme"}), 201)
    assert_ok(caller.post("/api/interviews/calendar-token"), 201)
    return mock


def test_user_context_is_a_small_slice_of_the_users_own_data(make_app, clock):
    harness = make_app(plugins=["interview"])
    caller, other = harness.api_caller(), harness.api_caller()
    _fill(harness, clock, caller)
    [context] = [c for c in harness.app.services.plugins.hook.user_context(
        user=caller.user, services=harness.services) if c]
    assert context["mockInterviews"][0]["company"] == "Acme"
    assert context["stories"] == [{"title": "Checkout rescue",
                                   "competencies": ["Problem solving"]}]
    assert context["upcomingInterviews"][0]["company"] == "Acme"
    assert context["liveSessions"][0]["title"] == "Acme"
    [empty] = [c for c in harness.app.services.plugins.hook.user_context(
        user=other.user, services=harness.services) if c]
    assert empty["mockInterviews"] == [] and empty["stories"] == []


def test_export_and_deletion_reach_every_collection(make_app, clock):
    harness = make_app(plugins=["interview"])
    caller = harness.session_caller()
    _fill(harness, clock, caller)
    exported = caller.get("/api/account/export")
    assert exported.status_code == 200
    assert "Checkout rescue" in exported.text and "tokenHash" not in exported.text
    assert_ok(caller.delete("/api/account", json={"password": TEST_PASSWORD}))
    user_id = str(caller.user["_id"])
    for name in COLLECTIONS:
        assert harness.db[name].count_documents({"userId": user_id}) == 0, name
    assert harness.db["interview_mocks"].count_documents({}) == 0


def test_openapi_documents_the_routes(make_app):
    harness = make_app(plugins=["interview"])
    result = harness.client.simulate_get("/api/openapi.json")
    assert result.status_code == 200
    document = result.json
    paths = document["paths"]
    for path in ("/api/mock-interview", "/api/mock-interview/{id}/answers", "/api/stories/build",
                 "/api/sessions/{id}/transcript", "/api/interviews/calendar/{token}",
                 "/api/mentorship/bookings", "/api/question-groups/{slug}"):
        assert path in paths, path


def test_routes_need_a_signed_in_caller_and_cookie_writes_need_csrf(make_app):
    harness = make_app(plugins=["interview"])
    assert_error(harness.client.simulate_post("/api/mock-interview", json={}), 401,
                 "UNAUTHENTICATED")
    browser = harness.session_caller()
    forged = browser.post("/api/stories", json={"title": "x"}, headers={"Origin":
                                                                        "https://evil.example"})
    assert_error(forged, 403, "CSRF_FAILED")
    assert_ok(browser.post("/api/stories", json={"title": "x"}), 201)
