"""Jobs: import (CLI, CSV template and JSON), search filters and ranking, daily cap, saved
searches and the digest hook, recommendations, the job_sources hook, save to pipeline."""

from __future__ import annotations

import argparse
import json

from lightninghire.api import CommandRegistry, hookimpl
from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins import jobsearch
from tests.plugins.jobsearch.helpers import POSTINGS, TEMPLATE, job_id, seed_jobs

PLUGINS = ["plans", "jobsearch"]


def run_cli(harness, *argv: str) -> int:
    registry = CommandRegistry()
    jobsearch.register_commands(registry)
    parser = argparse.ArgumentParser(prog="lightninghire")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in registry.commands.values():
        command.configure(sub.add_parser(command.name))
    args = parser.parse_args(list(argv))
    return registry.commands[args.command].run(args, harness.services)


def test_cli_imports_the_csv_template_and_reports_bad_rows(make_app, tmp_path, capsys):
    harness = make_app(plugins=PLUGINS)
    assert run_cli(harness, "jobs", "import", str(TEMPLATE)) == 0
    assert json.loads(capsys.readouterr().out) == {"created": 2, "updated": 0, "errors": 0}
    jobs = {j["title"]: j for j in harness.db["jobsearch_jobs"].find()}
    senior = jobs["Senior Software Engineer"]
    assert senior["responsibilities"] == ["Lead frontend development", "Mentor junior developers",
                                          "Participate in code reviews"]
    assert senior["requiredQualifications"][:2] == ["JavaScript", "React"]
    assert (senior["baseSalary"], senior["salaryMin"], senior["salaryMax"]) == (120000, 110000,
                                                                                140000)
    assert senior["remote"] is True and jobs["Product Manager"]["remote"] is False
    # Importing the same file again updates instead of duplicating.
    assert run_cli(harness, "jobs", "import", str(TEMPLATE)) == 0
    assert json.loads(capsys.readouterr().out)["updated"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("title,base_salary,salary_range_min,salary_range_max\n"
                   "Good Job,100000,,\n,5,,\nPricey,abc,,\nInverted,,200,100\n")
    assert run_cli(harness, "jobs", "import", str(bad)) == 1
    out = capsys.readouterr()
    assert json.loads(out.out) == {"created": 1, "updated": 0, "errors": 3}
    assert "row 2: title is required" in out.err and "row 3: baseSalary is not a number" in out.err
    assert "row 4: salaryMin is above salaryMax" in out.err
    assert harness.db["jobsearch_jobs"].count_documents({}) == 3


def test_cli_imports_json(make_app, tmp_path, capsys):
    harness = make_app(plugins=PLUGINS)
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": [
        {"title": "SRE", "company": "Acme", "externalId": "a1", "remote": True,
         "requiredQualifications": ["Linux", "Terraform"], "url": "https://acme.example/sre"},
        {"title": "SRE", "company": "Acme", "url": "ftp://nope"}]}))
    assert run_cli(harness, "jobs", "import", str(path), "--source", "acme") == 1
    assert json.loads(capsys.readouterr().out) == {"created": 1, "updated": 0, "errors": 1}
    job = harness.db["jobsearch_jobs"].find_one()
    assert job["source"] == "acme" and job["requiredQualifications"] == ["Linux", "Terraform"]


def test_search_filters_and_ranks_by_keywords(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    seed_jobs(harness)
    caller = harness.api_caller()

    def titles(**params):
        return [j["title"] for j in assert_ok(caller.get("/api/jobs", params=params))["items"]]

    assert titles(q="kafka python") == ["Senior Backend Engineer", "Data Analyst"]
    assert titles(q="python", remote="false") == ["Data Analyst"]
    assert titles(location="berlin") == ["Product Designer"]
    assert set(titles(salaryMin=80000)) == {"Senior Backend Engineer", "Product Designer"}
    assert titles(q="figma designer") == ["Product Designer"]
    clock.advance(days=10)
    seed_jobs(harness, [{"title": "Platform Engineer", "company": "Zed", "externalId": "z1",
                         "description": "Kubernetes and Go."}])
    assert titles(postedWithinDays=3) == ["Platform Engineer"]
    page = assert_ok(caller.get("/api/jobs", params={"limit": "2"}))
    assert len(page["items"]) == 2 and page["total"] == 4 and page["nextCursor"] == "2"
    rest = assert_ok(caller.get("/api/jobs", params={"limit": "2", "cursor": "2"}))
    assert len(rest["items"]) == 2 and rest["nextCursor"] is None
    detail = assert_ok(caller.get(f"/api/jobs/{job_id(harness, 'acme-1')}"))
    assert detail["company"] == "Acme Health" and "terms" not in detail
    assert_error(caller.get("/api/jobs/0123456789abcdef01234567"), 404, "NOT_FOUND")
    assert_error(caller.get("/api/jobs", params={"remote": "maybe"}), 400, "VALIDATION")


def test_free_users_get_10_searches_a_day(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    for _ in range(10):
        assert_ok(caller.get("/api/jobs"))
    assert_error(caller.get("/api/jobs"), 402, "PAYMENT_REQUIRED")
    clock.advance(days=1)
    assert_ok(caller.get("/api/jobs"))
    recruiter = harness.api_caller(user_type="recruiter", tier="recruiter_free")
    assert_error(recruiter.get("/api/jobs"), 402, "PAYMENT_REQUIRED")


def test_saved_searches_feed_the_digest_with_new_matches_only(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    seed_jobs(harness)
    saved = assert_ok(caller.post("/api/jobs/saved-searches",
                                  json={"name": "Remote backend", "q": "python", "remote": True}),
                      201)
    assert [s["name"] for s in assert_ok(caller.get("/api/jobs/saved-searches"))] == [
        "Remote backend"]
    since = clock.now()
    clock.advance(hours=2)
    seed_jobs(harness, [
        {"title": "Python Platform Engineer", "company": "Zed", "externalId": "z1",
         "remote": True, "url": "https://zed.example/1", "location": "Remote"},
        {"title": "Python Analyst", "company": "Onsite Co", "externalId": "z2", "remote": False}])
    items = jobsearch.collect_digest(caller.user, since, harness.services)
    assert items == [{"title": "Python Platform Engineer", "company": "Zed",
                      "location": "Remote", "search": "Remote backend",
                      "url": "https://zed.example/1"}]
    assert jobsearch.collect_digest(caller.user, clock.now(), harness.services) is None
    other = harness.api_caller()
    assert jobsearch.collect_digest(other.user, since, harness.services) is None
    assert_error(other.delete(f"/api/jobs/saved-searches/{saved['id']}"), 404, "NOT_FOUND")
    assert_ok(caller.delete(f"/api/jobs/saved-searches/{saved['id']}"))
    assert jobsearch.collect_digest(caller.user, since, harness.services) is None


def test_save_a_job_to_the_pipeline_once(make_app):
    harness = make_app(plugins=PLUGINS)
    seed_jobs(harness)
    caller = harness.api_caller()
    id = job_id(harness, "acme-1")
    card = assert_ok(caller.post(f"/api/jobs/{id}/save", json={}), 201)
    assert card["company"] == "Acme Health" and card["status"] == "saved"
    assert "Kafka" in card["description"] and card["jobId"] == id
    again = assert_ok(caller.post(f"/api/jobs/{id}/save", json={}))
    assert again["id"] == card["id"] and again["duplicate"] is True


def test_recommendations_task_ranks_jobs_for_interested_users(make_app):
    harness = make_app(plugins=PLUGINS)
    seed_jobs(harness)
    caller = harness.api_caller()
    caller.post("/api/jobs/saved-searches", json={"name": "design", "q": "figma research"})
    result = harness.services.task_runner.run("job-recommendations", trigger="http")
    assert result.ok and result.summary == {"processed": 1, "withRecommendations": 1}
    recommended = assert_ok(caller.get("/api/jobs/recommendations"))["jobs"]
    assert recommended[0]["title"] == "Product Designer"
    assert harness.services.events.named("jobs.recommended")[0].payload == {"count": 1}


class FeedPlugin:
    def __init__(self, jobs):
        self.jobs = jobs

    @hookimpl
    def job_sources(self, services):
        return self.jobs


def test_job_sources_hook_feeds_the_collection(make_app):
    harness = make_app(plugins=PLUGINS)
    # Without a plugin feeding jobs, the sync task does nothing.
    assert harness.services.task_runner.run("jobs-sync", trigger="http").summary["sources"] == 0
    pm = harness.services.plugins.pm
    pm.register(FeedPlugin([POSTINGS[0], {"company": "no title"}]), name="feed")
    summary = harness.services.task_runner.run("jobs-sync", trigger="http").summary
    assert summary == {"sources": 1, "created": 1, "updated": 0, "errors": 1}
    stored = harness.db["jobsearch_jobs"].find_one({"externalId": "acme-1"})
    assert stored["title"] == "Senior Backend Engineer" and stored["source"] == "feed"
    again = harness.services.task_runner.run("jobs-sync", trigger="http").summary
    assert (again["created"], again["updated"]) == (0, 1)
    assert harness.db["jobsearch_jobs"].count_documents({}) == 1
