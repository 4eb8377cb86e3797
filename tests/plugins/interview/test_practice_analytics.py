"""Practice analytics over HTTP: counts, the score trend by category and the weakest
categories, kept as counters on write; the mock-scores CSV export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lightninghire.api import read_csv
from lightninghire.testing import assert_error, assert_ok

PLUGINS = ["plans", "interview", "cron"]  # cron serves /api/analytics, interview its section
STRONG = ("Last year at Acme our release was late and customers complained. My job was to ship "
          "the fix by Friday. First I reproduced the bug, then I wrote a test and fixed the "
          "query. As a result errors fell by 90% and 400 customers were unblocked.")
WEAK = "I do not know."


def _sections(caller, weeks=4):
    return assert_ok(caller.get("/api/analytics", params={"weeks": str(weeks)}))["sections"]


def _mock(caller, company="Acme", interview_type="behavioral"):
    return assert_ok(caller.post("/api/mock-interview", json={
        "company": company, "role": "Engineer", "interviewType": interview_type}), 201)


def _answer(caller, mock, index, text):
    question = mock["questions"][index]
    answer = assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/answers", json={
        "questionId": question["id"], "answer": text}), 201)
    return question["category"], answer["overall"]


def test_counts_categories_weakest_and_trend(make_app, clock):
    clock.set(datetime(2031, 3, 12, 9, 0, tzinfo=UTC))  # ISO week 2031-W11
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    empty = _sections(caller)["practice"]
    assert empty["counts"] == {"mocksStarted": 0, "mocksCompleted": 0, "answersScored": 0,
                               "questionsPracticed": 0, "stories": 0, "liveSessions": 0}
    assert empty["weakestCategories"] == [] and empty["averageMockScore"] is None
    first = _mock(caller)
    scored = [_answer(caller, first, 0, WEAK), _answer(caller, first, 0, STRONG),
              _answer(caller, first, 1, STRONG)]
    done = assert_ok(caller.post(f"/api/mock-interview/{first['id']}/complete"))
    clock.advance(days=7)  # the next week
    second = _mock(caller, interview_type="technical")
    scored.append(_answer(caller, second, 0, STRONG))
    story = assert_ok(caller.post("/api/stories", json={"title": "Checkout rescue"}), 201)
    assert_ok(caller.post("/api/stories", json={"title": "Migration"}), 201)
    assert_ok(caller.delete(f"/api/stories/{story['id']}"))
    assert_ok(caller.post("/api/sessions", json={"company": "Acme"}), 201)
    practice = _sections(caller, weeks=3)["practice"]
    assert practice["counts"] == {"mocksStarted": 2, "mocksCompleted": 1, "answersScored": 4,
                                  "questionsPracticed": 3, "stories": 1, "liveSessions": 1}
    assert practice["averageMockScore"] == done["overallScore"]
    by_category: dict[str, list[float]] = {}
    for category, overall in scored:
        by_category.setdefault(category, []).append(overall)
    expected = {c: round(sum(v) / len(v), 1) for c, v in by_category.items()}
    categories = {c["category"]: c for c in practice["categories"]}
    assert {c: categories[c]["average"] for c in expected} == expected
    assert all(categories[c]["answers"] == 0 for c in categories if c not in expected)
    weakest = practice["weakestCategories"]
    assert [w["category"] for w in weakest] == sorted(expected, key=lambda c: (expected[c], c))[:3]
    trend = practice["scoreTrend"]
    assert [t["week"] for t in trend] == ["2031-W10", "2031-W11", "2031-W12"]
    assert [t["answers"] for t in trend] == [0, 3, 1]
    assert trend[2]["byCategory"] == {scored[3][0]: scored[3][1]}
    assert trend[1]["average"] == round(sum(s for _, s in scored[:3]) / 3, 1)
    # Deleting a mock keeps its practice (as the question bank's history does).
    assert_ok(caller.delete(f"/api/mock-interview/{first['id']}"))
    assert _sections(caller)["practice"]["counts"]["answersScored"] == 4
    # Upcoming interviews ride along (the weekly digest's reminders).
    assert_ok(caller.post("/api/interviews", json={
        "startsAt": (clock.now() + timedelta(days=2)).isoformat(), "company": "Acme"}), 201)
    assert _sections(caller)["interviews"]["upcoming"][0]["company"] == "Acme"


def test_summary_is_the_limited_view(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    _answer(caller, _mock(caller), 0, STRONG)
    summary = assert_ok(caller.get("/api/analytics/summary"))
    assert summary["view"] == "summary"
    practice = summary["sections"]["practice"]
    assert practice["counts"]["answersScored"] == 1
    assert "scoreTrend" not in practice and "weakestCategories" not in practice


def test_mock_scores_csv_has_one_row_per_mock_with_category_averages(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    first = _mock(caller, company="@Acme")  # a company a spreadsheet would read as a formula
    category, overall = _answer(caller, first, 0, STRONG)
    completed = assert_ok(caller.post(f"/api/mock-interview/{first['id']}/complete"))
    _mock(caller, company="Globex")
    harness.api_caller(tier="pro").post("/api/mock-interview", json={
        "company": "Other", "role": "x", "interviewType": "behavioral"})
    result = caller.get("/api/analytics/mock-scores.csv")
    assert result.status_code == 200 and result.headers["content-type"].startswith("text/csv")
    table = read_csv(result.text, max_rows=10)
    rows = [dict(zip(table.header, r, strict=True)) for r in table.rows]
    assert [r["company"] for r in rows] == ["Globex", "'@Acme"]
    done = rows[1]
    assert done["mockId"] == first["id"] and done["status"] == "completed"
    assert float(done["overallScore"]) == completed["overallScore"]
    assert float(done[category]) == overall
    assert done["completeness"] and done["answered"] == "1" and done["questions"] == "5"
    assert rows[0]["overallScore"] == "" and rows[0]["status"] == "in_progress"
    page = caller.get("/api/analytics/mock-scores.csv", params={"limit": "1"})
    assert [r[3] for r in read_csv(page.text, max_rows=5).rows] == ["Globex"]
    rest = caller.get("/api/analytics/mock-scores.csv",
                      params={"limit": "1", "cursor": page.headers["x-next-cursor"]})
    assert [r[3] for r in read_csv(rest.text, max_rows=5).rows] == ["'@Acme"]
    assert "x-next-cursor" not in rest.headers
    assert_error(caller.get("/api/analytics/mock-scores.csv", params={"cursor": "nope"}), 400,
                 "VALIDATION")
