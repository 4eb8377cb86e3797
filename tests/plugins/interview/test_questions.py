"""The question bank: browsing, search, groups, bookmarks, practice status, own questions."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok


def test_browse_filter_search_and_paginate(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    page = assert_ok(caller.get("/api/questions", params={"limit": "10"}))
    assert page["total"] >= 300 and len(page["items"]) == 10 and page["nextCursor"] == "10"
    more = assert_ok(caller.get("/api/questions", params={"limit": "10", "cursor": "10"}))
    assert not {q["id"] for q in page["items"]} & {q["id"] for q in more["items"]}
    design = assert_ok(caller.get("/api/questions", params={"category": "System design",
                                                            "limit": "100"}))
    assert design["total"] >= 30 and {q["category"] for q in design["items"]} == {
        "system_design"}
    found = assert_ok(caller.get("/api/questions", params={"q": "rate limiter"}))["items"]
    assert found[0]["text"] == "Design a rate limiter for a public API."
    assert found[0]["guidance"] and found[0]["answerTips"]
    conflict = assert_ok(caller.get("/api/questions", params={"focusArea": "conflict",
                                                              "limit": "100"}))["items"]
    assert conflict and all("conflict_resolution" in q["focusAreas"] for q in conflict)
    for params in ({"category": "poetry"}, {"sort": "random"}, {"limit": "101"},
                   {"unknown": "1"}):
        assert_error(caller.get("/api/questions", params=params), 400, "VALIDATION")


def test_groups_are_curated_sets(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    groups = assert_ok(caller.get("/api/question-groups"))["items"]
    slugs = {g["slug"]: g for g in groups}
    assert {"software-engineer", "product-manager", "big-tech-behavioral"} <= set(slugs)
    assert all(g["questionCount"] >= 5 for g in groups)
    pm = assert_ok(caller.get("/api/question-groups/product-manager"))
    assert len(pm["questions"]) == slugs["product-manager"]["questionCount"]
    assert all("role:pm" in q["tags"] for q in pm["questions"])
    assert_error(caller.get("/api/question-groups/astronaut"), 404, "NOT_FOUND")


def test_bookmarks_status_and_own_questions_are_per_user(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller, other = harness.api_caller(), harness.api_caller()
    first = assert_ok(caller.get("/api/questions", params={"limit": "1"}))["items"][0]
    marked = assert_ok(caller.patch(f"/api/questions/{first['id']}",
                                    json={"starred": True, "status": "confident"}))
    assert marked["starred"] and marked["status"] == "confident"
    starred = assert_ok(caller.get("/api/questions", params={"starred": "true"}))["items"]
    assert [q["id"] for q in starred] == [first["id"]]
    assert assert_ok(other.get("/api/questions", params={"starred": "true"}))["items"] == []
    mine = assert_ok(caller.post("/api/questions", json={
        "text": "How would you explain our pricing to a new customer?",
        "category": "situational", "tags": ["pricing"]}), 201)
    assert mine["source"] == "custom"
    listed = assert_ok(caller.get("/api/questions", params={"source": "mine"}))["items"]
    assert [q["id"] for q in listed] == [mine["id"]]
    assert_error(other.get(f"/api/questions/{mine['id']}"), 404, "NOT_FOUND")
    assert_error(other.patch(f"/api/questions/{mine['id']}", json={"starred": True}), 404,
                 "NOT_FOUND")
    assert_error(other.delete(f"/api/questions/{mine['id']}"), 404, "NOT_FOUND")
    assert_error(caller.delete(f"/api/questions/{first['id']}"), 404, "NOT_FOUND")  # bank
    assert assert_ok(caller.delete(f"/api/questions/{mine['id']}")) == {"deleted": True}
    assert_error(caller.patch(f"/api/questions/{'0' * 24}", json={"starred": True}), 404,
                 "NOT_FOUND")


def test_practice_from_mocks_drives_weakest_sort_and_trend(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller(tier="pro")
    mock = assert_ok(caller.post("/api/mock-interview", json={
        "company": "Acme", "role": "Engineer", "interviewType": "behavioral"}), 201)
    path = f"/api/mock-interview/{mock['id']}/answers"
    first, second = mock["questions"][0]["id"], mock["questions"][1]["id"]
    assert_ok(caller.post(path, json={"questionId": first, "answer": "I do not know."}), 201)
    better = ("Last year at Acme our release was late and customers complained. My job was to "
              "ship the fix by Friday. First I reproduced the bug, then I wrote a test and "
              "fixed the query. As a result errors fell by 90% and 400 customers were unblocked.")
    assert_ok(caller.post(path, json={"questionId": first, "answer": better}), 201)
    assert_ok(caller.post(path, json={"questionId": second, "answer": better}), 201)
    question = assert_ok(caller.get(f"/api/questions/{first}"))
    assert question["attemptCount"] == 2 and question["trend"] == "up"
    assert [a["source"] for a in question["attempts"]] == ["mock", "mock"]
    weakest = assert_ok(caller.get("/api/questions", params={"sort": "weakest", "limit": "2"}))
    assert [q["attemptCount"] > 0 for q in weakest["items"]] == [True, True]
    practiced = assert_ok(caller.get("/api/questions", params={"status": "practicing"}))
    assert {q["id"] for q in practiced["items"]} == {first, second}
