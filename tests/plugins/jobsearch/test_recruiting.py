"""Recruiter roles and candidates: permissions, caps, stages, scorecards, fit, CSV import."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok, verify_offline
from lightninghire_plugins.jobsearch.candidates.fit import FIT_SCORE
from tests.plugins.jobsearch.helpers import CANDIDATES_TEMPLATE as TEMPLATE

PLUGINS = ["plans", "jobsearch"]


def recruiter(harness, tier="recruiter_free"):
    return harness.api_caller(user_type="recruiter", tier=tier, roles=["recruiter"])


def new_role(caller, **extra):
    body = {"title": "Backend Engineer", "status": "active",
            "description": "Python, PostgreSQL and Kafka. Docker in production.",
            "requiredSkills": ["Python", "Kafka"], **extra}
    return assert_ok(caller.post("/api/roles", json=body), 201)


def test_seekers_get_403_on_recruiter_routes(make_app):
    harness = make_app(plugins=PLUGINS)
    seeker = harness.api_caller()
    assert_error(seeker.get("/api/roles"), 403, "FORBIDDEN")
    assert_error(seeker.post("/api/roles", json={"title": "x"}), 403, "FORBIDDEN")
    assert_error(seeker.get("/api/candidates"), 403, "FORBIDDEN")
    assert_error(seeker.post("/api/candidates", json={"name": "x"}), 403, "FORBIDDEN")


def test_only_active_roles_count_toward_the_cap_of_3(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    roles = [new_role(caller, status=s) for s in ("active", "active", "active")]
    for status in ("draft", "on_hold", "filled", "archived"):
        assert_ok(caller.post("/api/roles", json={"title": status, "status": status}), 201)
    refused = assert_error(caller.post("/api/roles", json={"title": "x", "status": "active"}),
                           402, "PAYMENT_REQUIRED")
    assert refused["feature"] == "requisitions" and refused["limit"] == 3
    assert refused["used"] == 3
    assert refused["message"] == ("You have 3 active roles, the most your plan allows. "
                                  "Fill, archive or pause (on hold) one first.")
    assert_ok(caller.patch(f"/api/roles/{roles[0]['id']}", json={"status": "filled"}))
    fourth = new_role(caller)
    assert_error(caller.patch(f"/api/roles/{roles[0]['id']}", json={"status": "active"}), 402,
                 "PAYMENT_REQUIRED")
    assert fourth["status"] == "active"
    pro = recruiter(harness, "recruiter_pro")
    for _ in range(4):
        new_role(pro)
    assert_error(recruiter(harness).get(f"/api/roles/{fourth['id']}"), 404, "NOT_FOUND")


def test_pausing_a_role_frees_its_slot_and_reactivating_takes_it_again(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    roles = [new_role(caller) for _ in range(3)]
    # What the refusal suggests works: pause one (on hold), and a new role fits.
    paused = assert_ok(caller.patch(f"/api/roles/{roles[1]['id']}", json={"status": "on_hold"}))
    assert paused["status"] == "on_hold"
    fourth = new_role(caller)
    # The other way: a paused role cannot come back while the 3 slots are taken...
    refused = assert_error(caller.patch(f"/api/roles/{roles[1]['id']}",
                                        json={"status": "active"}), 402, "PAYMENT_REQUIRED")
    assert refused["used"] == 3
    assert assert_ok(caller.get(f"/api/roles/{roles[1]['id']}"))["status"] == "on_hold"
    # ... an edit that leaves the status alone is no reactivation ...
    assert_ok(caller.patch(f"/api/roles/{roles[1]['id']}", json={"department": "platform"}))
    # ... and once a slot is free (another role paused), it comes back.
    assert_ok(caller.patch(f"/api/roles/{fourth['id']}", json={"status": "on_hold"}))
    back = assert_ok(caller.patch(f"/api/roles/{roles[1]['id']}", json={"status": "active"}))
    assert back["status"] == "active"
    # An active role staying active (re-sent status) is not counted twice against itself.
    assert_ok(caller.patch(f"/api/roles/{roles[0]['id']}", json={"status": "active"}))


def test_candidate_stages_history_scorecards_and_ownership(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    role = new_role(caller)
    person = assert_ok(caller.post("/api/candidates", json={
        "name": "Jane Doe", "email": "Jane@Example.com", "roleId": role["id"],
        "skills": ["Python", "PostgreSQL"]}), 201)
    assert person["stage"] == "sourced" and person["email"] == "jane@example.com"
    assert_error(caller.post("/api/candidates", json={"name": "Jane", "email": "jane@example.com",
                                                      "roleId": role["id"]}), 409, "CONFLICT")
    clock.advance(days=4)
    path = f"/api/candidates/{person['id']}"
    assert assert_ok(caller.get(path))["daysInStage"] == 4
    assert_ok(caller.post(f"{path}/stage", json={"stage": "screen"}))
    moved = assert_ok(caller.post(f"{path}/stage", json={"stage": "rejected"}))
    assert [(h["from"], h["to"]) for h in moved["stageHistory"]] == [
        (None, "sourced"), ("sourced", "screen"), ("screen", "rejected")]
    assert_error(caller.patch(path, json={"stageHistory": []}), 400, "VALIDATION")
    card = assert_ok(caller.post(f"{path}/scorecards", json={
        "overall": 4, "recommendation": "yes",
        "competencies": [{"name": "Technical Skills", "rating": 5}]}), 201)
    assert card["scorecards"][0]["recommendation"] == "yes"
    assert_error(caller.post(f"{path}/scorecards", json={"competencies": []}), 400, "VALIDATION")
    assert_error(caller.post(f"{path}/scorecards", json={"overall": 6}), 400, "VALIDATION")
    assert_ok(caller.post(f"{path}/rubric-scores", json={"question": "Design a cache",
                                                         "level": 3}), 201)
    other = recruiter(harness)
    assert_error(other.get(path), 404, "NOT_FOUND")
    assert_error(other.post(f"{path}/stage", json={"stage": "hired"}), 404, "NOT_FOUND")
    assert_error(other.post("/api/candidates", json={"name": "x", "roleId": role["id"]}), 404,
                 "NOT_FOUND")


def test_fit_score_is_cached_and_ranks_evidence(make_app):
    assert verify_offline(FIT_SCORE)
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    role = new_role(caller)
    strong = assert_ok(caller.post("/api/candidates", json={
        "name": "A", "roleId": role["id"], "skills": ["Python", "Kafka", "PostgreSQL", "Docker"]}),
        201)
    weak = assert_ok(caller.post("/api/candidates", json={
        "name": "B", "roleId": role["id"], "skills": ["Photoshop"]}), 201)
    assert_error(caller.get(f"/api/candidates/{strong['id']}/fit-score"), 404, "NOT_FOUND")
    good = assert_ok(caller.post(f"/api/candidates/{strong['id']}/fit-score"))
    bad = assert_ok(caller.post(f"/api/candidates/{weak['id']}/fit-score"))
    assert good["score"] > bad["score"] and bad["score"] >= 1 and bad["label"] == "Poor"
    assert len(good["strengths"]) == 3 and len(bad["gaps"]) == 3 and good["stale"] is False
    assert assert_ok(caller.get(f"/api/candidates/{strong['id']}/fit-score"))["score"] == \
        good["score"]
    assert_ok(caller.patch(f"/api/roles/{role['id']}", json={"description": "Now Go."}))
    assert assert_ok(caller.get(f"/api/candidates/{strong['id']}"))["fitScore"]["stale"] is True


def test_candidate_caps_per_role_and_in_total(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    role = new_role(caller)
    for i in range(25):
        assert_ok(caller.post("/api/candidates", json={"name": f"P{i}", "roleId": role["id"]}),
                  201)
    refused = assert_error(caller.post("/api/candidates", json={"name": "x",
                                                                "roleId": role["id"]}),
                           402, "PAYMENT_REQUIRED")
    assert refused["feature"] == "candidates_per_role" and refused["limit"] == 25
    for i in range(50):
        assert_ok(caller.post("/api/candidates", json={"name": f"Pool{i}"}), 201)
    refused = assert_error(caller.post("/api/candidates", json={"name": "x"}), 402,
                           "PAYMENT_REQUIRED")
    assert refused["feature"] == "candidates" and refused["limit"] == 75


def test_csv_import_with_good_and_bad_rows_and_caps_row_by_row(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    role = new_role(caller)
    result = assert_ok(caller.post("/api/candidates/import", params={"roleId": role["id"]},
                                   body=TEMPLATE.read_bytes(),
                                   headers={"Content-Type": "text/csv"}))
    assert result["created"] == 2 and result["errors"] == [] and result["unknownColumns"] == []
    listed = assert_ok(caller.get("/api/candidates", params={"roleId": role["id"]}))["items"]
    john = next(c for c in listed if c["name"] == "John Smith")
    assert john["skills"] == ["JavaScript", "React", "Node.js", "TypeScript"]
    assert john["source"] == "bulk_import" and john["stage"] == "sourced"
    rows = ["name,email,title,favourite_colour",
            "John Smith,john.smith@example.com,Dev,blue",  # duplicate on this role
            ",nobody@example.com,,",                        # no name
            "Bad Mail,not-an-email,,",
            *[f"Person {i},p{i}@example.com,,green" for i in range(24)]]
    result = assert_ok(caller.post("/api/candidates/import", params={"roleId": role["id"]},
                                   body="\n".join(rows).encode(),
                                   headers={"Content-Type": "text/csv"}))
    assert result["skipped"] == [{"row": 1, "reason": "duplicate email"}]
    assert result["unknownColumns"] == ["favourite_colour"]
    assert result["created"] == 23  # 25 per role: 2 + 23
    errors = {e["row"]: e for e in result["errors"]}
    assert "name" in errors[2]["message"] and "email" in errors[3]["message"]
    assert errors[27]["code"] == "PAYMENT_REQUIRED"
    for not_candidates in (b"{}", b"name,email\n", b""):  # JSON, header only, nothing
        error = assert_error(caller.post("/api/candidates/import", params={"roleId": role["id"]},
                                         body=not_candidates, headers={"Content-Type": "text/csv"}),
                             400, "VALIDATION")
        assert "header row" in error["fields"]["csv"][0]
    seeker = harness.api_caller()
    assert_error(seeker.post("/api/candidates/import", body=b"name\nx"), 403, "FORBIDDEN")


def test_csv_import_with_an_oversized_field_is_a_clear_400(make_app):
    """Issue 18, finding 11: one field over 131,072 characters answered 500 here (400 in the
    contacts import). Both imports read CSV through the core's read_csv: the same 400."""
    harness = make_app(plugins=PLUGINS)
    caller = recruiter(harness)
    role = new_role(caller)
    huge = "name,notes\nAda Lovelace,short\nGrace Hopper," + "x" * 131_073 + "\n"
    error = assert_error(caller.post("/api/candidates/import", params={"roleId": role["id"]},
                                     body=huge.encode(), headers={"Content-Type": "text/csv"}),
                         400, "VALIDATION")
    assert error["fields"]["csv"] == [
        "Row 2 has a field longer than 131,072 characters: shorten it or split the file."]
    quoted = 'name,notes\n"Ada ' + "y" * 140_000 + '",x\n'  # a quoted field, over lines too
    error = assert_error(caller.post("/api/candidates/import", params={"roleId": role["id"]},
                                     body=quoted.encode(), headers={"Content-Type": "text/csv"}),
                         400, "VALIDATION")
    assert error["fields"]["csv"][0].startswith("Row 1 has a field longer than")
    assert assert_ok(caller.get("/api/candidates", params={"roleId": role["id"]}))["items"] == []
