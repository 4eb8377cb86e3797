"""The plugin as a whole: user context, account export and deletion, OpenAPI, sessions."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

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
    harness = make_app(plugins=["plans", "interview"])
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
    harness = make_app(plugins=["plans", "interview"])
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
    harness = make_app(plugins=["plans", "interview"])
    result = harness.client.simulate_get("/api/openapi.json")
    assert result.status_code == 200
    document = result.json
    paths = document["paths"]
    for path in ("/api/mock-interview", "/api/mock-interview/{id}/answers", "/api/stories/build",
                 "/api/sessions/{id}/transcript", "/api/interviews/calendar/{token}",
                 "/api/mentorship/bookings", "/api/question-groups/{id}",
                 "/api/question-groups/shared/{token}", "/api/question-groups/{id}/practice"):
        assert path in paths, path


def test_routes_need_a_signed_in_caller_and_cookie_writes_need_csrf(make_app):
    harness = make_app(plugins=["plans", "interview"])
    assert_error(harness.client.simulate_post("/api/mock-interview", json={}), 401,
                 "UNAUTHENTICATED")
    browser = harness.session_caller()
    forged = browser.post("/api/stories", json={"title": "x"}, headers={"Origin":
                                                                        "https://evil.example"})
    assert_error(forged, 403, "CSRF_FAILED")
    assert_ok(browser.post("/api/stories", json={"title": "x"}), 201)


def test_references_to_another_users_application_are_404(make_app, clock):
    """Issue 18, finding 10: another user's applicationId was accepted and stored by stories,
    mock interviews, sessions and interviews. Checked through the hook jobsearch offers
    (jobsearch_owned_applications): the interview plugin never imports jobsearch."""
    harness = make_app(plugins=["plans", "interview", "jobsearch"])
    owner, other = harness.api_caller(), harness.api_caller()
    app_id = assert_ok(owner.post("/api/applications", json={"company": "Acme",
                                                             "role": "SRE"}), 201)["id"]
    starts = (clock.now() + timedelta(days=1)).isoformat()
    creates = {
        "/api/stories": {"title": "Checkout rescue", "applicationIds": [app_id]},
        "/api/mock-interview": {"company": "Acme", "role": "SRE",
                                "interviewType": "behavioral", "applicationId": app_id},
        "/api/sessions": {"company": "Acme", "applicationId": app_id},
        "/api/interviews": {"startsAt": starts, "applicationId": app_id},
    }
    collections = ("interview_stories", "interview_mocks", "interview_sessions",
                   "interview_events")
    for path, body in creates.items():
        assert_error(other.post(path, json=body), 404, "NOT_FOUND")
        unknown = {**body, **({"applicationIds": [str(ObjectId())]} if "applicationIds" in body
                              else {"applicationId": str(ObjectId())})}
        assert_error(owner.post(path, json=unknown), 404, "NOT_FOUND")
    assert [harness.db[name].count_documents({}) for name in collections] == [0, 0, 0, 0]
    story = None
    for path, body in creates.items():  # the owner's own application is fine
        made = assert_ok(owner.post(path, json=body), 201)
        story = story or made
    mine = assert_ok(other.post("/api/stories", json={"title": "Mine"}), 201)
    assert_error(other.patch(f"/api/stories/{mine['id']}", json={"applicationIds": [app_id]}),
                 404, "NOT_FOUND")
    assert assert_ok(other.get(f"/api/stories/{mine['id']}"))["applicationIds"] == []
    assert assert_ok(owner.patch(f"/api/stories/{story['id']}",
                                 json={"applicationIds": [app_id]}))["applicationIds"] == [app_id]


def test_without_jobsearch_no_application_can_be_referenced(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    assert_error(caller.post("/api/sessions", json={"applicationId": str(ObjectId())}), 404,
                 "NOT_FOUND")
    assert_ok(caller.post("/api/sessions", json={"company": "Acme"}), 201)
