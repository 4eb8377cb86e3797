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


def test_the_board_shows_each_column_with_its_count_and_newest_cards(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    ids = []
    for n in range(5):
        ids.append(assert_ok(caller.post("/api/applications", json={
            "company": f"Co{n}", "role": "SRE", "location": "Remote", "tags": ["t"],
            "description": "A long description the board leaves out."}), 201)["id"])
    for id in ids[:3]:
        assert_ok(caller.post(f"/api/applications/{id}/stage", json={"status": "applied"}))
    assert_ok(caller.put("/api/applications/active", json={"applicationId": ids[0]}))
    # Another user's cards are not on this board.
    harness.api_caller().post("/api/applications", json={"company": "Other", "role": "X"})

    board = assert_ok(caller.get("/api/applications/board", params={"limit": 2}))
    assert [c["status"] for c in board["columns"]] == [
        "saved", "applied", "screening", "interviewing", "offer", "accepted", "rejected",
        "withdrawn"]
    columns = {c["status"]: c for c in board["columns"]}
    assert columns["saved"]["count"] == 2 and columns["applied"]["count"] == 3
    assert columns["screening"] == {"status": "screening", "count": 0, "cards": [],
                                    "nextCursor": None}
    applied = columns["applied"]
    assert [c["company"] for c in applied["cards"]] == ["Co2", "Co1"]  # newest first, 2 per column
    card = applied["cards"][0]
    assert card["role"] == "SRE" and card["location"] == "Remote" and card["tags"] == ["t"]
    assert card["status"] == "applied" and card["active"] is False
    assert "description" not in card and "timeline" not in card
    assert board["counts"] == {"saved": 2, "applied": 3} and board["total"] == 5
    assert board["activeOpportunityId"] == ids[0]

    # The rest of one column: its status and cursor.
    rest = assert_ok(caller.get("/api/applications/board", params={
        "status": "applied", "limit": 2, "cursor": applied["nextCursor"]}))
    [column] = rest["columns"]
    assert [c["company"] for c in column["cards"]] == ["Co0"] and column["nextCursor"] is None
    assert column["cards"][0]["active"] is True
    assert_error(caller.get("/api/applications/board", params={"cursor": applied["nextCursor"]}),
                 400, "BAD_REQUEST")
    assert_error(caller.get("/api/applications/board", params={"status": "applied",
                                                               "cursor": "nope"}), 400,
                 "BAD_REQUEST")
    assert_error(caller.get("/api/applications/board", params={"limit": 51}), 400, "VALIDATION")
    assert_error(caller.get("/api/applications/board", params={"status": "lost"}), 400,
                 "VALIDATION")


def test_board_counts_follow_moves_archives_and_deletes(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")

    def counts():
        return assert_ok(caller.get("/api/applications/board"))["counts"]

    ids = [assert_ok(caller.post("/api/applications", json={"company": f"C{n}", "role": "R"}),
                     201)["id"] for n in range(4)]
    assert counts() == {"saved": 4}
    assert_ok(caller.patch(f"/api/applications/{ids[0]}", json={"status": "offer"}))
    assert_ok(caller.post(f"/api/applications/{ids[1]}/stage", json={"status": "rejected"}))
    assert_ok(caller.post(f"/api/applications/{ids[1]}/stage", json={"status": "rejected"}))
    assert counts() == {"saved": 2, "offer": 1, "rejected": 1}
    # Archived cards leave the board (and come back), by PATCH and in bulk.
    assert_ok(caller.patch(f"/api/applications/{ids[0]}", json={"archived": True}))
    assert_ok(caller.patch(f"/api/applications/{ids[0]}", json={"archived": True}))
    assert counts() == {"saved": 2, "rejected": 1}
    # A move of an archived card changes no column.
    assert_ok(caller.post(f"/api/applications/{ids[0]}/stage", json={"status": "accepted"}))
    assert counts() == {"saved": 2, "rejected": 1}
    assert_ok(caller.post("/api/applications/bulk", json={"ids": ids[2:], "archived": True}))
    assert counts() == {"rejected": 1}
    assert_ok(caller.post("/api/applications/bulk",
                          json={"ids": [ids[0], ids[2]], "archived": False, "status": "applied"}))
    assert counts() == {"applied": 2, "rejected": 1}
    assert_ok(caller.delete(f"/api/applications/{ids[1]}"))
    assert_ok(caller.delete(f"/api/applications/{ids[3]}"))  # archived: no column to leave
    assert counts() == {"applied": 2}
    # The counts are one counter document per user; a user whose cards predate it (no
    # document) gets it built from their cards on the first board view.
    from lightninghire_plugins.jobsearch.store import BOARD_COUNTS

    user_id = str(caller.user["_id"])
    stored = harness.db[BOARD_COUNTS].find_one({"_id": user_id})
    assert stored["applied"] == 2 and stored["saved"] == 0
    harness.db[BOARD_COUNTS].delete_one({"_id": user_id})
    assert counts() == {"applied": 2}
    assert harness.db[BOARD_COUNTS].find_one({"_id": user_id})["applied"] == 2


def test_a_card_moved_while_the_board_is_first_counted_is_neither_lost_nor_doubled(make_app):
    """The first count of a user's cards is stored only if no shift happened meanwhile (``v``):
    a count taken at a stale version is redone, not kept."""
    from lightninghire_plugins.jobsearch.applications.counts import BoardCounts
    from lightninghire_plugins.jobsearch.store import BOARD_COUNTS

    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    user_id = str(caller.user["_id"])
    for n in range(3):
        assert_ok(caller.post("/api/applications", json={"company": f"C{n}", "role": "R"}), 201)
    stored = harness.db[BOARD_COUNTS].find_one({"_id": user_id})
    assert stored["v"] == 3 and not stored.get("built")  # shifts only: not yet a count
    # A count that started before the third card (it saw v=2) must not be stored as is.
    built = BoardCounts(harness.db)._build(user_id, {**stored, "v": 2})
    assert built["saved"] == 3
    stored = harness.db[BOARD_COUNTS].find_one({"_id": user_id})
    assert stored["built"] and stored["saved"] == 3
    # Later shifts land on the built document.
    card = assert_ok(caller.post("/api/applications", json={"company": "D", "role": "R"}), 201)
    assert_ok(caller.post(f"/api/applications/{card['id']}/stage", json={"status": "applied"}))
    board = assert_ok(caller.get("/api/applications/board"))
    assert board["counts"] == {"saved": 3, "applied": 1}


def test_the_board_costs_the_same_few_reads_however_many_cards(make_app, db_commands):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    for n in range(30):
        card = assert_ok(caller.post("/api/applications", json={"company": f"C{n}", "role": "R"}),
                         201)
        if n % 3 == 0:
            caller.post(f"/api/applications/{card['id']}/stage", json={"status": "applied"})
    assert_ok(caller.get("/api/applications/board"))  # builds the counter once
    with db_commands.capture(harness.services.db.name) as sent:
        board = assert_ok(caller.get("/api/applications/board", params={"limit": 5}))
    assert board["counts"] == {"saved": 20, "applied": 10}
    reads = [(c.name, c.collection) for c in sent if c.collection and
             c.collection.startswith("jobsearch_")]
    # The counter, the active pointer, and one bounded query per non-empty column.
    assert sorted(reads) == sorted([("find", "jobsearch_board_counts"),
                                    ("find", "jobsearch_active_opportunity"),
                                    ("find", "jobsearch_applications"),
                                    ("find", "jobsearch_applications")])
    assert not [c for c in sent if c.name in ("count", "aggregate")]
