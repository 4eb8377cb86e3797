"""Company intel (shared cache, 3 companies on free), watches in the digest, requests."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok, verify_offline
from lightninghire_plugins import jobsearch
from lightninghire_plugins.jobsearch.companies.intel import COMPANY_INTEL
from tests.plugins.jobsearch.helpers import seed_jobs

PLUGINS = ["plans", "jobsearch"]


def test_intel_brief_is_built_from_known_postings_and_shared(make_app, clock):
    assert verify_offline(COMPANY_INTEL)
    harness = make_app(plugins=PLUGINS)
    seed_jobs(harness)
    caller = harness.api_caller()
    brief = assert_ok(caller.post("/api/companies/intel", json={"name": "Acme Health"}))
    assert brief["key"] == "acme-health" and brief["openRoles"] == ["Senior Backend Engineer"]
    assert {"Python", "Kafka", "PostgreSQL"} <= set(brief["techStack"])
    assert any("fully remote" in s for s in brief["cultureSignals"])
    assert brief["refreshAvailable"] is False
    # Opening it again costs nothing; another user gets the cached brief.
    assert_ok(caller.post("/api/companies/intel", json={"name": "acme health"}))
    usage = assert_ok(caller.get("/api/entitlements"))["features"]["company_intel"]
    assert usage["currentUsage"] == 1
    other = harness.api_caller()
    assert_error(other.get("/api/companies/acme-health"), 404, "NOT_FOUND")
    same = assert_ok(other.post("/api/companies/intel", json={"name": "Acme Health"}))
    assert same["generatedAt"] == brief["generatedAt"]
    assert_ok(other.get("/api/companies/acme-health"))
    assert_error(caller.post("/api/companies/acme-health/refresh"), 409, "CONFLICT")
    clock.advance(days=31)
    assert assert_ok(caller.get("/api/companies/acme-health"))["refreshAvailable"] is True
    refreshed = assert_ok(caller.post("/api/companies/acme-health/refresh"))
    assert refreshed["generatedAt"] > brief["generatedAt"]


def test_free_users_open_3_companies(make_app):
    caller = make_app(plugins=PLUGINS).api_caller()
    for name in ("One", "Two", "Three"):
        brief = assert_ok(caller.post("/api/companies/intel", json={"name": name}))
        assert "No public postings" in brief["overview"]
    assert_error(caller.post("/api/companies/intel", json={"name": "Four"}), 402,
                 "PAYMENT_REQUIRED")
    assert_ok(caller.post("/api/companies/intel", json={"name": "Two"}))  # already opened


def test_watches_feed_the_digest_and_directory(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    watch = assert_ok(caller.post("/api/companies/watches", json={"name": "Beta Studio"}), 201)
    assert_error(caller.post("/api/companies/watches", json={"name": "beta studio"}), 409,
                 "CONFLICT")
    for name in ("C1", "C2"):
        assert_ok(caller.post("/api/companies/watches", json={"name": name}), 201)
    assert_error(caller.post("/api/companies/watches", json={"name": "C4"}), 402,
                 "PAYMENT_REQUIRED")
    since = clock.now()
    clock.advance(hours=1)
    seed_jobs(harness)
    items = jobsearch.collect_digest(caller.user, since, harness.services)
    assert [(i["title"], i["search"]) for i in items] == [("Product Designer",
                                                           "Watching Beta Studio")]
    caller.post("/api/applications", json={"company": "Acme", "role": "SRE"})
    directory = {c["name"]: c for c in assert_ok(caller.get("/api/companies"))}
    assert directory["Beta Studio"]["watched"] and directory["Acme"]["inPipeline"]
    assert_error(harness.api_caller().delete(f"/api/companies/watches/{watch['id']}"), 404,
                 "NOT_FOUND")
    assert_ok(caller.delete(f"/api/companies/watches/{watch['id']}"))
    assert jobsearch.collect_digest(caller.user, since, harness.services) is None


def test_company_requests_are_stored_per_user(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    made = assert_ok(caller.post("/api/company-requests",
                                 json={"name": "Tiny Co", "website": "https://tiny.example"}), 201)
    assert made["status"] == "open" and made["companyKey"] == "tiny"
    assert [r["name"] for r in assert_ok(caller.get("/api/company-requests"))] == ["Tiny Co"]
    assert assert_ok(harness.api_caller().get("/api/company-requests")) == []
    assert_error(caller.post("/api/company-requests", json={"name": "x", "website": "nope"}),
                 400, "VALIDATION")
