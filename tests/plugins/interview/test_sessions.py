"""Live sessions: transcript, export, conversations, coaching, debrief, caps, ownership."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok

SEGMENTS = [
    {"speaker": "interviewer", "text": "Thanks for joining. Tell me about a time you missed a "
                                       "deadline?", "startMs": 0, "endMs": 4000},
    {"speaker": "candidate", "text": "Um, last year at Northwind our launch slipped because a "
                                     "vendor API broke. My job was to get it out by Friday.",
     "startMs": 8000, "endMs": 13000},
    {"speaker": "candidate", "text": "I rewrote the integration, then I added retries. As a "
                                     "result we shipped two days late but with 0 errors. I "
                                     "learned to test vendors early.", "startMs": 13000,
     "endMs": 19000},
    {"speaker": "interviewer", "text": "How would you design a rate limiter?",
     "startMs": 25000, "endMs": 28000},
]


def _session(caller, **body):
    return assert_ok(caller.post("/api/sessions", json={"company": "Acme", "role": "Engineer",
                                                        **body}), 201)


def test_transcript_append_read_export_and_conversations(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    session = _session(caller, interviewType="Behavioral")
    assert session["status"] == "live" and session["title"] == "Acme - Engineer"
    [event] = harness.services.events.named("interview.session_started")
    assert event.user_id == str(caller.user["_id"])
    path = f"/api/sessions/{session['id']}"
    added = assert_ok(caller.post(f"{path}/transcript", json={"segments": SEGMENTS[:2]}), 201)
    assert [s["seq"] for s in added["items"]] == [1, 2]
    added = assert_ok(caller.post(f"{path}/transcript", json={"segments": SEGMENTS[2:]}), 201)
    assert [s["seq"] for s in added["items"]] == [3, 4] and added["segmentCount"] == 4
    read = assert_ok(caller.get(f"{path}/transcript"))
    assert [s["speaker"] for s in read["items"]] == ["interviewer", "candidate", "candidate",
                                                     "interviewer"]
    assert len(assert_ok(caller.get(f"{path}/transcript", params={"q": "vendor"}))["items"]) == 2
    markdown = caller.get(f"{path}/transcript", params={"format": "md"})
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith(
        "text/markdown")
    assert "# Acme - Engineer" in markdown.text and "**Candidate** [00:08] Um, last" in \
        markdown.text
    text = caller.get(f"{path}/transcript", params={"format": "txt"})
    assert "[00:00] Interviewer: Thanks for joining." in text.text
    threads = assert_ok(caller.get(f"{path}/conversations"))["items"]
    assert [t["category"] for t in threads] == ["behavioral", "system_design"]
    assert threads[0]["answerSeqs"] == [2, 3] and threads[1]["answer"] == ""


def test_coaching_matches_a_story_and_end_gives_a_debrief(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    assert_ok(caller.post("/api/stories", json={
        "title": "Vendor outage before launch", "tags": ["deadline"],
        "competencies": ["Time management"], "situation": "A vendor API broke before launch.",
        "task": "Ship by Friday.", "action": "I rewrote the integration.",
        "result": "Shipped with 0 errors."}), 201)
    session = _session(caller)
    path = f"/api/sessions/{session['id']}"
    assert_error(caller.post(f"{path}/coach", json={}), 409, "CONFLICT")
    assert_ok(caller.post(f"{path}/transcript", json={"segments": SEGMENTS[:1]}), 201)
    tips = assert_ok(caller.post(f"{path}/coach", json={}))
    assert tips["question"].startswith("Thanks for joining.")
    assert tips["story"]["title"] == "Vendor outage before launch"
    assert len(tips["closingQuestions"]) == 3 and tips["tips"]
    assert_ok(caller.post(f"{path}/transcript", json={"segments": SEGMENTS[1:]}), 201)
    ended = assert_ok(caller.post(f"{path}/end", json={"selfRating": 4}))
    assert ended["status"] == "ended" and ended["selfRating"] == 4
    debrief, metrics = ended["debrief"], ended["metrics"]
    assert "1 of 2 detected questions" in debrief["summary"]
    assert debrief["insights"][0]["completeness"] and debrief["nextSteps"][0]["due"]
    assert metrics["fillerCount"] == 1 and metrics["questionsDetected"] == 2
    assert 100 < metrics["wordsPerMinute"] < 400 and metrics["longPauses"] == 1
    assert_error(caller.post(f"{path}/transcript", json={"segments": SEGMENTS[:1]}), 409,
                 "CONFLICT")
    assert assert_ok(caller.post(f"{path}/end", json={}))["debrief"] == debrief


def test_free_users_get_ten_sessions(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    for _ in range(10):
        _session(caller)
    error = assert_error(caller.post("/api/sessions", json={"company": "Acme"}), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "interview_sessions" and error["upgradeHint"]


def test_validation_and_other_users_get_404(make_app):
    harness = make_app(plugins=["plans", "interview"])
    owner, other = harness.api_caller(), harness.api_caller()
    session = _session(owner)
    path = f"/api/sessions/{session['id']}"
    for body in ({"segments": []}, {"segments": [{"speaker": "narrator", "text": "x"}]},
                 {"segments": [{"speaker": "candidate", "text": "x" * 5001}]},
                 {"segments": [{"speaker": "candidate", "text": "x", "startMs": 5,
                                "endMs": 1}]}):
        assert_error(owner.post(f"{path}/transcript", json=body), 400, "VALIDATION")
    assert_error(owner.post("/api/sessions", json={"interviewType": "chat"}), 400, "VALIDATION")
    for method, suffix, body in (("GET", "", None), ("PATCH", "", {"title": "x"}),
                                 ("DELETE", "", None), ("GET", "/transcript", None),
                                 ("POST", "/transcript", {"segments": SEGMENTS[:1]}),
                                 ("GET", "/conversations", None), ("POST", "/end", {}),
                                 ("POST", "/coach", {"question": "Why?"})):
        assert_error(other.request(method, path + suffix, json=body), 404, "NOT_FOUND")
    assert assert_ok(owner.delete(path)) == {"deleted": True}
    assert harness.db["interview_transcript_segments"].count_documents({}) == 0
