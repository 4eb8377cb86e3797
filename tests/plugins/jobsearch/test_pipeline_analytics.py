"""Pipeline analytics over HTTP: the funnel and its conversion rates, applications per week and
the average match, kept as counters on write; the pipeline CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from lightninghire.api import read_csv
from lightninghire.testing import assert_error, assert_ok
from tests.plugins.jobsearch.helpers import BACKEND_RESUME

PLUGINS = ["plans", "jobsearch", "cron"]  # cron serves /api/analytics, jobsearch its section


def _pipeline(caller, weeks=4):
    data = assert_ok(caller.get("/api/analytics", params={"weeks": str(weeks)}))
    return data["sections"]["pipeline"]


def _app(caller, status="saved", company="Acme"):
    return assert_ok(caller.post("/api/applications", json={"company": company, "role": "SRE",
                                                            "status": status}), 201)


def _move(caller, app, status):
    assert_ok(caller.post(f"/api/applications/{app['id']}/stage", json={"status": status}))


def test_funnel_counts_each_stage_once_per_application_and_follows_deletes(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    a = _app(caller, "applied")
    b = _app(caller)
    for stage in ("applied", "screening", "interviewing", "screening", "interviewing"):
        _move(caller, b, stage)  # back and forth: each stage still counts once
    c = _app(caller, "offer")  # created at Offer: it was applied for, screened, interviewed
    d = _app(caller, "applied")
    _move(caller, d, "rejected")
    e = _app(caller)
    assert_ok(caller.patch(f"/api/applications/{e['id']}", json={"status": "withdrawn"}))
    pipeline = _pipeline(caller)
    assert pipeline["funnel"] == [
        {"stage": "applied", "count": 4, "conversion": None},
        {"stage": "screening", "count": 2, "conversion": 0.5},
        {"stage": "interviewing", "count": 2, "conversion": 1.0},
        {"stage": "offer", "count": 1, "conversion": 0.5},
        {"stage": "accepted", "count": 0, "conversion": 0.0},
    ]
    assert (pipeline["rejected"], pipeline["withdrawn"], pipeline["offerRate"]) == (1, 1, 0.25)
    assert_ok(caller.post("/api/applications/bulk", json={"ids": [c["id"]],
                                                          "status": "accepted"}))
    assert _pipeline(caller)["funnel"][4]["count"] == 1
    # Deleting an application takes back exactly what it counted.
    assert_ok(caller.delete(f"/api/applications/{c['id']}"))
    counts = [s["count"] for s in _pipeline(caller)["funnel"]]
    assert counts == [3, 1, 1, 0, 0]
    assert_ok(caller.delete(f"/api/applications/{a['id']}"))
    assert [s["count"] for s in _pipeline(caller)["funnel"]] == [2, 1, 1, 0, 0]
    # Another user's figures are their own.
    other = harness.api_caller(tier="pro")
    assert [s["count"] for s in _pipeline(other)["funnel"]] == [0, 0, 0, 0, 0]
    assert _pipeline(other)["offerRate"] is None


def test_applications_per_week_count_when_each_was_applied(make_app, clock):
    clock.set(datetime(2031, 3, 10, 9, 0, tzinfo=UTC))  # a Monday: ISO week 2031-W11
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    _app(caller, "applied")
    later = _app(caller)  # saved this week, applied next week
    _app(caller, "screening")
    clock.advance(days=7)
    _move(caller, later, "applied")
    _app(caller, "interviewing")
    _app(caller)  # saved only: never applied
    weekly = _pipeline(caller, weeks=3)["applicationsPerWeek"]
    assert weekly == [{"week": "2031-W10", "start": "2031-03-03", "count": 0},
                      {"week": "2031-W11", "start": "2031-03-10", "count": 2},
                      {"week": "2031-W12", "start": "2031-03-17", "count": 2}]
    assert_error(caller.get("/api/analytics", params={"weeks": "53"}), 400, "VALIDATION")
    assert_error(caller.get("/api/analytics", params={"weeks": "0"}), 400, "VALIDATION")


def test_average_match_band_of_tailored_resumes(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    assert _pipeline(caller)["match"] == {"average": None, "band": None, "count": 0,
                                          "bands": {"85+": 0, "70-84": 0, "<70": 0}}
    master = assert_ok(caller.post("/api/resumes", json={"name": "Main",
                                                         "content": BACKEND_RESUME}), 201)
    scores = []
    for description in ("Python, Kafka and AWS engineer. Terraform is a plus.",
                        "Figma designer for a retail brand: user research and prototypes."):
        tailored = assert_ok(caller.post(f"/api/resumes/{master['id']}/tailor", json={
            "jobDescription": description, "jobTitle": "Engineer", "company": "Acme"}), 201)
        scores.append(tailored["matchScore"])
    match = _pipeline(caller)["match"]
    average = round(sum(scores) / 2, 1)
    assert match["count"] == 2 and match["average"] == average
    assert match["band"] == ("85+" if average >= 85 else "70-84" if average >= 70 else "<70")
    assert sum(match["bands"].values()) == 2


def test_reading_the_figures_costs_the_same_whatever_the_history(make_app, db_commands):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")

    def commands():
        with db_commands.capture(harness.services.db.name) as sent:
            assert_ok(caller.get("/api/analytics/summary"))
        return [(c.name, c.collection) for c in sent]

    _app(caller, "applied")
    assert_ok(caller.get("/api/analytics/summary"))  # warm-up
    few = commands()
    for n in range(25):
        _move(caller, _app(caller, "applied", company=f"Co {n}"), "screening")
    many = commands()
    assert many == few
    assert ("find", "jobsearch_applications") not in many


def test_pipeline_csv_export_is_paginated_and_formula_safe(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    risky = _app(caller, "applied", company="=HYPERLINK(\"http://evil\",\"x\")")
    assert_ok(caller.post(f"/api/applications/{risky['id']}/notes",
                          json={"text": "+1 called the recruiter"}), 201)
    _move(caller, risky, "screening")
    for n in range(2):
        _app(caller, company=f"Plain {n}")
    harness.api_caller(tier="pro").post("/api/applications", json={"company": "Other user",
                                                                  "role": "x"})
    result = caller.get("/api/analytics/pipeline.csv")
    assert result.status_code == 200 and result.headers["content-type"].startswith("text/csv")
    assert "attachment" in result.headers["content-disposition"]
    assert "x-next-cursor" not in result.headers
    table = read_csv(result.text, max_rows=100)
    assert table.header[:3] == ["company", "role", "status"] and len(table.rows) == 3
    rows = {r[0]: dict(zip(table.header, r, strict=True)) for r in table.rows}
    assert "Other user" not in rows
    row = rows["'=HYPERLINK(\"http://evil\",\"x\")"]  # a spreadsheet shows it, never runs it
    assert row["status"] == "screening" and row["notes"] == "'+1 called the recruiter"
    assert row["stageHistory"].endswith("applied -> screening")
    assert row["appliedAt"].endswith("Z") and row["createdAt"].endswith("Z")
    # Pages of `limit` rows, the next named by X-Next-Cursor.
    first = caller.get("/api/analytics/pipeline.csv", params={"limit": "2"})
    cursor = first.headers["x-next-cursor"]
    rest = caller.get("/api/analytics/pipeline.csv", params={"limit": "2", "cursor": cursor})
    assert "x-next-cursor" not in rest.headers
    names = [r[0] for r in read_csv(first.text, max_rows=5).rows] + \
        [r[0] for r in read_csv(rest.text, max_rows=5).rows]
    assert sorted(names) == sorted(rows)
    assert_error(caller.get("/api/analytics/pipeline.csv", params={"limit": "501"}), 400,
                 "VALIDATION")
    assert_error(caller.get("/api/analytics/pipeline.csv", params={"cursor": "nope"}), 400,
                 "VALIDATION")
    assert_error(harness.client.simulate_get("/api/analytics/pipeline.csv"), 401,
                 "UNAUTHENTICATED")
