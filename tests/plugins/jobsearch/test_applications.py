"""The seeker pipeline: CRUD, stage moves with history, notes, active opportunity, caps."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok

PLUGINS = ["plans", "jobsearch"]


def test_create_move_and_note_keep_a_timeline_and_emit_events(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    card = assert_ok(caller.post("/api/applications", json={"company": "Acme", "role": "SRE"}),
                     201)
    assert card["status"] == "saved" and card["active"] is False and card["duplicate"] is False
    moved = assert_ok(caller.post(f"/api/applications/{card['id']}/stage",
                                  json={"status": "applied", "note": "via referral"}))
    moved = assert_ok(caller.patch(f"/api/applications/{card['id']}",
                                   json={"status": "screening", "tags": ["fintech"]}))
    assert moved["status"] == "screening" and moved["tags"] == ["fintech"]
    assert [(e["from"], e["to"]) for e in moved["timeline"]] == [
        (None, "saved"), ("saved", "applied"), ("applied", "screening")]
    assert moved["timeline"][1]["note"] == "via referral"
    noted = assert_ok(caller.post(f"/api/applications/{card['id']}/notes",
                                  json={"text": "Recruiter call Tuesday"}), 201)
    assert [n["text"] for n in noted["notes"]] == ["Recruiter call Tuesday"]
    names = [e.name for e in harness.events]
    assert names.count("applications.created") == 1
    assert names.count("applications.stage_changed") == 2
    changed = harness.services.events.named("applications.stage_changed")[-1]
    assert changed.payload["from"] == "applied" and changed.payload["to"] == "screening"
    assert changed.user_id == str(caller.user["_id"])


def test_list_filters_by_status_text_and_archive(make_app):
    caller = make_app(plugins=PLUGINS).api_caller()
    ids = {}
    for company, role in (("Acme", "SRE"), ("Beta", "Designer"), ("Gamma", "SRE Lead")):
        ids[company] = assert_ok(caller.post("/api/applications",
                                             json={"company": company, "role": role}), 201)["id"]
    caller.post(f"/api/applications/{ids['Beta']}/stage", json={"status": "applied"})
    listed = assert_ok(caller.get("/api/applications", params={"q": "sre"}))
    assert {a["company"] for a in listed["items"]} == {"Acme", "Gamma"}
    applied = assert_ok(caller.get("/api/applications", params={"status": "applied"}))
    assert [a["company"] for a in applied["items"]] == ["Beta"]
    result = assert_ok(caller.post("/api/applications/bulk",
                                   json={"ids": [ids["Acme"], ids["Gamma"]], "archived": True,
                                         "addTag": "old"}))
    assert result == {"updated": 2, "notFound": 0}
    assert [a["company"] for a in assert_ok(caller.get("/api/applications"))["items"]] == ["Beta"]
    archived = assert_ok(caller.get("/api/applications", params={"archived": "true"}))
    assert {a["company"] for a in archived["items"]} == {"Acme", "Gamma"}
    assert all("old" in a["tags"] for a in archived["items"])
    board = assert_ok(caller.get("/api/applications/board"))
    assert board["counts"] == {"applied": 1} and board["total"] == 1


def test_validation_rejects_unknown_oversized_and_bad_enum(make_app):
    caller = make_app(plugins=PLUGINS).api_caller()
    assert_error(caller.post("/api/applications", json={"company": "A", "role": "B", "x": 1}),
                 400, "VALIDATION")
    assert_error(caller.post("/api/applications", json={"company": "A" * 201, "role": "B"}),
                 400, "VALIDATION")
    assert_error(caller.post("/api/applications", json={"company": "A", "role": "B",
                                                        "status": "hired"}), 400, "VALIDATION")
    assert_error(caller.post("/api/applications", json={"role": "B"}), 400, "VALIDATION")


def test_another_users_application_is_not_found(make_app):
    harness = make_app(plugins=PLUGINS)
    owner, other = harness.api_caller(), harness.api_caller()
    card = assert_ok(owner.post("/api/applications", json={"company": "A", "role": "B"}), 201)
    path = f"/api/applications/{card['id']}"
    assert_error(other.get(path), 404, "NOT_FOUND")
    assert_error(other.patch(path, json={"role": "C"}), 404, "NOT_FOUND")
    assert_error(other.post(f"{path}/stage", json={"status": "applied"}), 404, "NOT_FOUND")
    assert_error(other.delete(path), 404, "NOT_FOUND")
    assert_error(other.put("/api/applications/active", json={"applicationId": card["id"]}),
                 404, "NOT_FOUND")
    assert_error(owner.get("/api/applications/not-an-id"), 404, "NOT_FOUND")
    assert assert_ok(other.post("/api/applications/bulk",
                                json={"ids": [card["id"]], "status": "offer"}))["updated"] == 0
    assert assert_ok(owner.get(path))["status"] == "saved"


def test_one_active_opportunity_per_user(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    first = assert_ok(caller.post("/api/applications", json={"company": "A", "role": "R"}), 201)
    second = assert_ok(caller.post("/api/applications", json={"company": "B", "role": "R"}), 201)
    assert_ok(caller.put("/api/applications/active", json={"applicationId": first["id"]}))
    assert_ok(caller.put("/api/applications/active", json={"applicationId": second["id"]}))
    actives = [a["id"] for a in assert_ok(caller.get("/api/applications"))["items"] if a["active"]]
    assert actives == [second["id"]]
    assert assert_ok(caller.get("/api/applications/active"))["company"] == "B"
    event = harness.services.events.named("applications.active_changed")[-1]
    assert event.payload == {"applicationId": second["id"]}
    assert_ok(caller.delete(f"/api/applications/{second['id']}"))
    assert assert_ok(caller.get("/api/applications/active")) is None


def test_duplicate_import_returns_the_existing_card_without_spending(make_app):
    caller = make_app(plugins=PLUGINS).api_caller()
    body = {"company": "Acme", "role": "SRE", "sourceJobId": "li-123",
            "sourceUrl": "https://www.linkedin.com/jobs/view/123"}
    first = assert_ok(caller.post("/api/applications", json=body), 201)
    again = assert_ok(caller.post("/api/applications", json=body), 200)
    assert again["id"] == first["id"] and again["duplicate"] is True
    usage = assert_ok(caller.get("/api/entitlements"))["features"]["applications"]
    assert usage["currentUsage"] == 1


def test_free_cap_is_20_and_recruiters_are_gated(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    for i in range(20):
        assert_ok(caller.post("/api/applications", json={"company": f"C{i}", "role": "R"}), 201)
    refused = assert_error(caller.post("/api/applications", json={"company": "X", "role": "R"}),
                           402, "PAYMENT_REQUIRED")
    assert refused["feature"] == "applications" and refused["limit"] == 20
    pro = harness.api_caller(tier="pro")
    for i in range(21):
        assert_ok(pro.post("/api/applications", json={"company": f"C{i}", "role": "R"}), 201)
    recruiter = harness.api_caller(user_type="recruiter", tier="recruiter_pro")
    assert_error(recruiter.post("/api/applications", json={"company": "X", "role": "R"}),
                 402, "PAYMENT_REQUIRED")


def test_user_context_summarises_the_pipeline(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    card = assert_ok(caller.post("/api/applications", json={"company": "Acme", "role": "SRE"}),
                     201)
    caller.put("/api/applications/active", json={"applicationId": card["id"]})
    from lightninghire_plugins.jobsearch import user_context

    context = user_context(caller.user, harness.services)
    assert context["applications"] == [{"id": card["id"], "company": "Acme", "role": "SRE",
                                        "status": "saved"}]
    assert context["activeOpportunity"]["id"] == card["id"]
    assert context["pipelineCounts"] == {"saved": 1}
    assert user_context(harness.create_user(), harness.services) is None
