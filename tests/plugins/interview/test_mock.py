"""Mock interviews over HTTP: the seed's example, the weekly cap, scoring, completion."""

from __future__ import annotations

from datetime import timedelta

from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins.interview.star import EXAMPLE_STRONG, EXAMPLE_WEAK

SEED_BODY = {"company": "Stripe", "role": "Senior Backend Engineer",
             "interviewType": "behavioral", "focusAreas": ["leadership", "conflict"]}


def _start(caller, **changes):
    return assert_ok(caller.post("/api/mock-interview", json={**SEED_BODY, **changes}), 201)


def test_seed_example_works_with_an_api_key_exactly_as_written(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller(tier="pro")
    assert caller.headers["Authorization"].startswith("Bearer lh_live_")
    result = harness.client.simulate_post(
        "/api/mock-interview", headers={**caller.headers, "Content-Type": "application/json"},
        body='{"company": "Stripe", "role": "Senior Backend Engineer", '
             '"interviewType": "behavioral", "focusAreas": ["leadership", "conflict"]}')
    mock = assert_ok(result, 201)
    assert len(mock["id"]) == 24 and mock["status"] == "in_progress"
    assert len(mock["questions"]) == 5
    assert all(len(q["id"]) == 24 and q["text"] for q in mock["questions"])
    assert len({q["id"] for q in mock["questions"]}) == 5
    assert mock["currentQuestionId"] == mock["questions"][0]["id"]
    # The focus areas shape the questions: leadership and conflict, alternately.
    areas = {q["focusArea"] for q in mock["questions"]}
    assert {"leadership_management", "conflict_resolution"} <= areas
    assert all(q["category"] in ("behavioral", "situational") for q in mock["questions"])


def test_fourth_mock_in_seven_days_is_402_and_the_window_rolls(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    for _ in range(3):
        _start(caller)
        clock.advance(days=1)
    error = assert_error(caller.post("/api/mock-interview", json=SEED_BODY), 402,
                         "PAYMENT_REQUIRED")
    assert error["upgradeHint"] and error["feature"] == "mock_interviews"
    # The first one was used 3 days ago: 4 more days and its slot is free again.
    clock.advance(days=4, seconds=1)
    _start(caller)
    assert_error(caller.post("/api/mock-interview", json=SEED_BODY), 402, "PAYMENT_REQUIRED")


def test_validation_rejects_unknown_fields_bad_enums_and_oversize(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    for body in ({**SEED_BODY, "extra": 1}, {**SEED_BODY, "interviewType": "karaoke"},
                 {**SEED_BODY, "company": "x" * 121}, {**SEED_BODY, "questionCount": 11},
                 {**SEED_BODY, "focusAreas": ["a"] * 15}, {"company": "Acme"}):
        assert_error(caller.post("/api/mock-interview", json=body), 400, "VALIDATION")
    # Refused input spends no quota: three mocks still fit.
    for _ in range(3):
        _start(caller)


def test_labels_are_accepted_for_type_and_seniority(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    mock = _start(caller, interviewType="System design", seniority="Director+",
                  role="Staff Software Engineer", questionCount=4)
    assert mock["interviewType"] == "system_design" and mock["seniority"] == "director_plus"
    assert len(mock["questions"]) == 4
    assert sum(q["category"] == "system_design" for q in mock["questions"]) >= 2


def test_answers_are_scored_and_a_structured_answer_beats_a_vague_one(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    mock = _start(caller)
    first, second = mock["questions"][0], mock["questions"][1]
    strong = assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/answers",
                                   json={"questionId": first["id"], "answer": EXAMPLE_STRONG}),
                       201)
    weak = assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/answers",
                                 json={"questionId": second["id"], "answer": EXAMPLE_WEAK}), 201)
    assert set(strong["scores"]) == {"completeness", "relevance", "structure", "specificity"}
    assert all(1 <= v <= 10 for v in strong["scores"].values())
    for dimension in ("completeness", "structure", "specificity"):
        assert strong["scores"][dimension] > weak["scores"][dimension]
    assert strong["overall"] > weak["overall"] + 3
    assert "lacked specific metric" in weak["flags"]
    assert "lacked specific metric" not in strong["flags"]
    assert [r["dimension"] for r in weak["rubric"]] == ["completeness", "relevance",
                                                        "structure", "specificity"]
    assert all(r["scale"] and r["feedback"] for r in weak["rubric"])
    # The improved answer keeps the user's sentences and marks what is missing.
    assert "We had a big deadline once" in weak["improvedAnswer"]
    assert "[Task:" in weak["improvedAnswer"]
    assert strong["nextQuestionId"] == second["id"]
    assert weak["nextQuestionId"] == mock["questions"][2]["id"]
    listed = assert_ok(caller.get(f"/api/mock-interview/{mock['id']}/answers"))["items"]
    assert {a["id"] for a in listed} == {strong["id"], weak["id"]}
    # Each question lands in the bank's practice history with its score.
    question = assert_ok(caller.get(f"/api/questions/{first['id']}"))
    assert question["attemptCount"] == 1 and question["latestScore"] == strong["overall"]


def test_answer_validation_unknown_question_and_attempt_limit(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    mock = _start(caller)
    path = f"/api/mock-interview/{mock['id']}/answers"
    question = mock["questions"][0]["id"]
    assert_error(caller.post(path, json={"questionId": question}), 400, "VALIDATION")
    assert_error(caller.post(path, json={"questionId": question, "answer": "x" * 10_001}), 400,
                 "VALIDATION")
    assert_error(caller.post(path, json={"questionId": "f" * 24, "answer": "Hi"}), 404,
                 "NOT_FOUND")
    for left in (2, 1, 0):
        answer = assert_ok(caller.post(path, json={"questionId": question,
                                                   "answer": EXAMPLE_WEAK}), 201)
        assert answer["attemptsLeft"] == left
    assert_error(caller.post(path, json={"questionId": question, "answer": EXAMPLE_WEAK}), 409,
                 "CONFLICT")


def test_complete_gives_overall_score_debrief_and_event_once(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    mock = _start(caller)
    path = f"/api/mock-interview/{mock['id']}"
    for question, text in zip(mock["questions"][:2], (EXAMPLE_STRONG, EXAMPLE_WEAK),
                              strict=True):
        assert_ok(caller.post(f"{path}/answers", json={"questionId": question["id"],
                                                       "answer": text}), 201)
    done = assert_ok(caller.post(f"{path}/complete"))
    assert done["status"] == "completed" and done["completedAt"]
    debrief = done["debrief"]
    assert debrief["answered"] == 2 and debrief["total"] == 5
    assert 1 <= done["overallScore"] <= 10
    assert "2 of 5" in debrief["summary"] and debrief["focusNext"]
    assert done["currentQuestionId"] is None
    again = assert_ok(caller.post(f"{path}/complete"))
    assert again["overallScore"] == done["overallScore"]
    [event] = harness.services.events.named("interview.mock_completed")
    assert event.user_id == str(caller.user["_id"])
    assert event.payload["mockId"] == mock["id"]
    # A completed mock takes no more answers.
    assert_error(caller.post(f"{path}/answers", json={"questionId": mock["questions"][3]["id"],
                                                      "answer": EXAMPLE_STRONG}), 409,
                 "CONFLICT")


def test_a_started_mock_finishes_when_the_daily_ai_budget_is_spent(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    mock = _start(caller)
    # Spend the rest of today's AI actions through the entitlement engine itself.
    engine = harness.services.entitlements
    for _ in range(9):
        engine.consume(caller.user, "ai_actions")
    error = assert_error(caller.post("/api/mock-interview", json=SEED_BODY), 402,
                         "PAYMENT_REQUIRED")
    assert error["feature"] == "ai_actions"
    path = f"/api/mock-interview/{mock['id']}"
    for question in mock["questions"]:
        assert_ok(caller.post(f"{path}/answers", json={"questionId": question["id"],
                                                       "answer": EXAMPLE_STRONG}), 201)
    assert assert_ok(caller.post(f"{path}/complete"))["debrief"]["answered"] == 5
    clock.advance(timedelta(days=1))
    _start(caller)


def test_list_get_delete_and_other_users_get_404(make_app):
    harness = make_app(plugins=["plans", "interview"])
    owner, other = harness.api_caller(), harness.api_caller()
    first = _start(owner)
    second = _start(owner, company="Acme", interviewType="technical", role="Data Analyst")
    page = assert_ok(owner.get("/api/mock-interview", params={"limit": "1"}))
    assert [m["id"] for m in page["items"]] == [second["id"]] and page["nextCursor"]
    assert assert_ok(other.get("/api/mock-interview"))["items"] == []
    for method, suffix in (("GET", ""), ("DELETE", ""), ("GET", "/answers"),
                           ("POST", "/complete")):
        assert_error(other.request(method, f"/api/mock-interview/{first['id']}{suffix}"), 404,
                     "NOT_FOUND")
    assert_error(other.post(f"/api/mock-interview/{first['id']}/answers",
                            json={"questionId": first["questions"][0]["id"], "answer": "Hi"}),
                 404, "NOT_FOUND")
    assert_error(owner.get("/api/mock-interview/not-an-id"), 404, "NOT_FOUND")
    assert assert_ok(owner.delete(f"/api/mock-interview/{first['id']}")) == {"deleted": True}
    assert_error(owner.get(f"/api/mock-interview/{first['id']}"), 404, "NOT_FOUND")


def test_recent_questions_are_not_repeated_in_the_next_mock(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller(tier="pro")
    first = _start(caller)
    for question in first["questions"]:
        assert_ok(caller.post(f"/api/mock-interview/{first['id']}/answers",
                              json={"questionId": question["id"], "answer": EXAMPLE_WEAK}), 201)
    second = _start(caller)
    assert not {q["text"] for q in first["questions"]} & {q["text"] for q in second["questions"]}
