"""The seeker analytics route (the metered full view and the free summary), streaks and
milestones kept on write, milestone nudges and the weekly digest, each mailed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lightninghire.testing import assert_error, assert_ok
from tests.plugins.cron.helpers import counts, delivered, emit, run_task

ALL = ["plans", "interview", "jobsearch", "cron"]
STRONG = ("Last year at Acme our release was late and customers complained. My job was to ship "
          "the fix by Friday. First I reproduced the bug, then I wrote a test and fixed the "
          "query. As a result errors fell by 90% and 400 customers were unblocked.")


def _subjects(harness, email):
    return [m.subject for m in delivered(harness) if m.to == email]


def test_the_full_view_is_metered_free_once_and_the_summary_is_free(make_app):
    harness = make_app(plugins=ALL)
    free = harness.api_caller()
    # Refused input spends nothing.
    assert_error(free.get("/api/analytics", params={"weeks": "99"}), 400, "VALIDATION")
    full = assert_ok(free.get("/api/analytics"))
    assert full["view"] == "full" and full["weeks"] == 12
    assert set(full["sections"]) == {"pipeline", "practice", "interviews"}
    assert len(full["sections"]["pipeline"]["applicationsPerWeek"]) == 12
    error = assert_error(free.get("/api/analytics"), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "analytics" and error["upgradeHint"] and error["limit"] == 1
    for _ in range(3):
        summary = assert_ok(free.get("/api/analytics/summary"))
        assert summary["view"] == "summary" and summary["weeks"] is None
        assert "applicationsPerWeek" not in summary["sections"]["pipeline"]
        assert "match" not in summary["sections"]["pipeline"]
        assert summary["sections"]["pipeline"]["funnel"][0]["stage"] == "applied"
    feature = assert_ok(free.get("/api/entitlements"))["features"]["analytics"]
    assert (feature["limit"], feature["remaining"], feature["allowed"]) == (1, 0, False)
    pro = harness.api_caller(tier="pro")
    for _ in range(3):
        assert_ok(pro.get("/api/analytics", params={"weeks": "4"}))
    assert_error(harness.client.simulate_get("/api/analytics"), 401, "UNAUTHENTICATED")


def test_sections_come_from_the_enabled_plugins_only(make_app):
    harness = make_app(plugins=["plans", "cron"])
    data = assert_ok(harness.api_caller(tier="pro").get("/api/analytics"))
    assert data["sections"] == {}
    assert data["streaks"] == {"current": 0, "longest": 0, "lastActiveDay": None}
    assert not any(m["reached"] for m in data["milestones"])


def test_streak_current_and_longest_are_kept_as_activity_comes(make_app, clock):
    clock.set(datetime(2031, 3, 10, 9, 0, tzinfo=UTC))
    harness = make_app(plugins=["plans", "cron"])
    caller = harness.api_caller(tier="pro")

    def streaks():
        return assert_ok(caller.get("/api/analytics/summary"))["streaks"]

    for day in range(6):  # active on days 0, 1, 2, then 4, 5 (day 3 idle)
        if day != 3:
            emit(harness, "interview.mock_completed", caller.user)
            emit(harness, "stories.created", caller.user)  # twice a day counts once
        clock.advance(days=1)
    clock.advance(days=-1)  # back on day 5
    assert streaks() == {"current": 2, "longest": 3, "lastActiveDay": "2031-03-15"}
    clock.advance(days=1)  # day 6: yesterday was active, the streak still stands
    assert streaks()["current"] == 2
    emit(harness, "resumes.created", caller.user)  # not practice: no streak day
    clock.advance(days=1)  # day 7: a day missed
    assert streaks() == {"current": 0, "longest": 3, "lastActiveDay": "2031-03-15"}


def test_milestones_are_reached_once_and_each_nudge_is_mailed_once(make_app, clock):
    clock.set(datetime(2031, 3, 10, 9, 0, tzinfo=UTC))
    harness = make_app(plugins=ALL)
    caller = harness.api_caller(tier="pro")
    apps = [assert_ok(caller.post("/api/applications", json={
        "company": f"Co {n}", "role": "SRE", "status": "applied"}), 201) for n in range(10)]
    assert_ok(caller.post(f"/api/applications/{apps[0]['id']}/stage", json={"status": "offer"}))
    mock = assert_ok(caller.post("/api/mock-interview", json={
        "company": "Acme", "role": "SRE", "interviewType": "behavioral"}), 201)
    assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/answers", json={
        "questionId": mock["questions"][0]["id"], "answer": STRONG}), 201)
    assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/complete"))
    milestones = {m["key"]: m for m in assert_ok(caller.get("/api/analytics/summary"))["milestones"]}
    reached = {k for k, m in milestones.items() if m["reached"]}
    assert reached == {"first-application", "ten-applications", "first-interview",
                       "first-offer", "first-mock"}
    assert milestones["first-offer"]["label"] == "First offer"
    assert milestones["first-offer"]["reachedAt"].startswith("2031-03-10")
    assert milestones["streak-7"]["reached"] is False
    # Users who turned the nudges off are skipped; everyone else gets each one once.
    quiet = harness.api_caller(tier="pro")
    assert_ok(quiet.patch("/api/settings", json={"emails": {"milestones": False}}))
    assert_ok(quiet.post("/api/stories", json={"title": "Launch"}), 201)
    summary = run_task(harness, "milestone-nudges")
    assert counts(summary) == (6, 5, 1)
    subjects = _subjects(harness, caller.user["email"])
    assert sorted(s for s in subjects if s != "Welcome to LightningHire") == sorted([
        "Your pipeline has its first application", "10 applications in your pipeline",
        "You reached the interview stage", "Your first offer",
        "You finished your first mock interview"])
    assert _subjects(harness, quiet.user["email"]) == []
    before = len(delivered(harness))
    assert counts(run_task(harness, "milestone-nudges")) == (0, 0, 0)
    # A run that stopped after mailing but before marking the milestone: the send ledger
    # (unique per user and step) still holds it, so the next run mails nothing.
    harness.db["cron_milestones"].update_many({}, {"$set": {"nudge": "pending"}})
    assert counts(run_task(harness, "milestone-nudges")) == (0, 0, 0)
    assert len(delivered(harness)) == before
    # A milestone reached long before the task runs is not mailed late.
    clock.advance(days=1)
    emit(harness, "stories.created", caller.user)  # first-story
    clock.advance(days=8)
    assert counts(run_task(harness, "milestone-nudges")) == (0, 0, 0)
    assert len(delivered(harness)) == before


def test_a_seven_day_streak_is_a_milestone(make_app, clock):
    clock.set(datetime(2031, 3, 10, 9, 0, tzinfo=UTC))
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    for _ in range(7):
        emit(harness, "applications.stage_changed", user)
        clock.advance(days=1)
    keys = {d["key"] for d in harness.db["cron_milestones"].find({"userId": str(user["_id"])})}
    assert keys == {"streak-7"}


def test_weekly_digest_goes_once_per_user_and_week(make_app, clock):
    clock.set(datetime(2031, 3, 12, 9, 0, tzinfo=UTC))  # Wednesday of 2031-W11
    harness = make_app(plugins=ALL)
    busy, idle, off = (harness.api_caller(tier="pro") for _ in range(3))
    recruiter = harness.api_caller(user_type="recruiter")
    for caller in (busy, off):
        for n in range(2):
            assert_ok(caller.post("/api/applications", json={
                "company": f"Co {n}", "role": "SRE", "status": "applied"}), 201)
    mock = assert_ok(busy.post("/api/mock-interview", json={
        "company": "Acme", "role": "SRE", "interviewType": "behavioral"}), 201)
    answer = assert_ok(busy.post(f"/api/mock-interview/{mock['id']}/answers", json={
        "questionId": mock["questions"][0]["id"], "answer": STRONG}), 201)
    assert_ok(busy.post("/api/interviews", json={
        "startsAt": (clock.now() + timedelta(days=6)).isoformat(), "company": "Initech",
        "title": "Onsite"}), 201)
    assert_ok(off.patch("/api/settings", json={"emails": {"weekly": False}}))
    clock.set(datetime(2031, 3, 17, 14, 0, tzinfo=UTC))  # Monday of W12: W11 has ended
    summary = run_task(harness, "weekly-digest")
    assert (summary["sent"], summary["skipped"]) == (1, 1)
    [mail] = [m for m in delivered(harness) if m.subject == "Your weekly LightningHire summary"]
    assert mail.to == busy.user["email"]
    assert "Your week 2031-W11:" in mail.text
    assert "2 application(s) sent; in all 2 applied, 0 interviewing, 0 offer(s)" in mail.text
    assert f"1 answer(s) practised, average score {answer['overall']}/10" in mail.text
    assert "2031-03-18 09:00 UTC: Onsite (Initech)" in mail.text
    assert "/api/unsubscribe?token=" in mail.header("List-Unsubscribe")
    for caller in (idle, off, recruiter):
        assert _subjects(harness, caller.user["email"]).count(
            "Your weekly LightningHire summary") == 0
    # Run again (a retry, a second scheduler): nothing more.
    again = run_task(harness, "weekly-digest")
    assert again["sent"] == 0
    # Even walking every user again (the day's cursor lost), the ledger sends nothing twice.
    harness.db["cron_progress"].delete_many({})
    assert run_task(harness, "weekly-digest")["sent"] == 0
    assert len([m for m in delivered(harness)
                if m.subject == "Your weekly LightningHire summary"]) == 1
