"""What the hot routes cost in database round trips, pinned (issue: the data path).

Each route is warmed up once (a process's first request for a credential reads it), then the
commands of the next requests are counted with a pymongo command listener. What the app defers
past the answer (activity bookkeeping, mail delivery, usage counters) is not request work and
is not counted; it is still checked to happen. A second check reads the filters: every command on
a request path carries its collection's shard key, so on a sharded cluster a request touches one
shard (docs/deploy.md names the keys).
"""

from __future__ import annotations

import itertools

import pytest

from lightninghire.testing import CommandRecorder, assert_ok

SEED_MOCK = {"company": "Stripe", "role": "Senior Backend Engineer",
             "interviewType": "behavioral", "focusAreas": ["leadership", "conflict"]}
# Collections of core services that no plugin registers, with the key they are reached by.
SERVICE_SHARD_KEYS = {"mail_outbox": "_id", "principal_epochs": "_id"}
_emails = itertools.count()


def _routes(harness):
    pro_key = harness.api_caller(tier="pro")
    pro_cookie = harness.session_caller(tier="pro")
    return {
        # route: (how to call it, expected status, the target)
        "GET /api/me (API key)": (lambda: pro_key.get("/api/me"), 200, 1),
        "GET /api/me (cookie)": (lambda: pro_cookie.get("/api/me"), 200, 1),
        "GET /api/entitlements": (lambda: pro_key.get("/api/entitlements"), 200, 2),
        "GET /api/applications": (lambda: pro_key.get("/api/applications"), 200, 2),
        "POST /api/applications": (
            lambda: pro_cookie.post("/api/applications", json={"company": "Acme", "role": "SRE"}),
            201, 4),
        "POST /api/mock-interview (Pro)": (
            lambda: pro_key.post("/api/mock-interview", json=SEED_MOCK), 201, 5),
        "POST /api/leads": (
            lambda: harness.client.simulate_post("/api/leads", json={
                "email": f"lead{next(_emails)}@example.com", "source": "interview-prep-guide",
                "marketingOptIn": True}), 200, 4),
    }


def _measure(harness, db_commands: CommandRecorder, call, status: int, rounds: int = 3):
    assert_ok(call(), status)  # warm-up: this process reads the credential once
    counts, sent = [], []
    for _ in range(rounds):
        with db_commands.capture(harness.services.db.name) as commands:
            assert_ok(call(), status)
        counts.append(len(commands))
        sent.extend(commands)
    return counts, sent


@pytest.fixture
def hot(make_app):
    # Two workers, as `serve` runs by default: rate limits are counted in the database.
    return make_app(settings={"server.workers": 2})


def test_each_hot_route_stays_within_its_round_trip_target(hot, db_commands):
    over = {}
    for route, (call, status, target) in _routes(hot).items():
        counts, sent = _measure(hot, db_commands, call, status)
        assert len(set(counts)) == 1, (route, counts)  # a deterministic number
        if counts[0] > target:
            over[route] = (counts[0], target, [(c.name, c.collection) for c in sent[:counts[0]]])
    assert not over, over


def test_authentication_costs_no_round_trip_in_steady_state(hot, db_commands):
    routes = _routes(hot)
    for route in ("GET /api/me (API key)", "GET /api/me (cookie)"):
        counts, _ = _measure(hot, db_commands, *routes[route][:2])
        assert counts == [0, 0, 0], route


def test_deferred_work_still_happens(hot, db_commands):
    caller = hot.api_caller(tier="pro")
    assert_ok(caller.post("/api/applications", json={"company": "Acme", "role": "SRE"}), 201)
    user_id = str(caller.user["_id"])
    # Engagement bookkeeping (cron plugin) and the usage counters ran after the answer.
    assert hot.db["cron_members"].find_one({"userId": user_id}) is not None
    assert_ok(caller.post("/api/mock-interview", json=SEED_MOCK), 201)
    assert hot.db["ai_calls"].find_one({"userId": user_id}) is not None  # metering, after too
    # The analytics counters too (the interview plugin's practice figures).
    assert hot.db["interview_practice_stats"].find_one({"_id": user_id})["mocks_started"] == 1
    totals = hot.db["usage_counters"].find_one({"userId": user_id, "period": "total"})
    assert totals["f_applications"] == 1
    result = hot.client.simulate_post("/api/leads", json={
        "email": "deferred@example.com", "source": "interview-prep-guide", "marketingOptIn": True})
    assert_ok(result)
    assert hot.mail[-1].to == "deferred@example.com"  # delivered after the answer
    lead = hot.db["marketing_leads"].find_one({"email": "deferred@example.com"})
    assert "dripPending" not in lead  # the opt-in reached the drip, and the mark was cleared
    assert hot.db["marketing_lead_drips"].find_one({"_id": "deferred@example.com"}) is not None


def _queries(harness, db_commands):
    """(route, command) for every command with a filter that the hot routes send."""
    for route, (call, status, _target) in _routes(harness).items():
        _counts, sent = _measure(harness, db_commands, call, status, rounds=1)
        for command in sent:
            if command.filter is not None and command.name != "insert":
                yield route, command


def test_every_request_path_query_carries_its_shard_key(hot, db_commands):
    specs = hot.services.collections.specs
    scattered = []
    for route, command in _queries(hot, db_commands):
        spec = specs.get(command.collection)
        key = spec.effective_shard_key if spec else SERVICE_SHARD_KEYS.get(command.collection)
        assert key is not None, f"{route}: {command.collection} has no declared shard key"
        if key not in command.filter:
            scattered.append((route, command.name, command.collection, dict(command.filter)))
    assert not scattered, scattered


def test_entitlement_checks_and_views_do_not_grow_with_history(make_app, db_commands):
    """The same number of commands whatever other users (and the caller) did before."""
    harness = make_app()
    caller = harness.api_caller()
    other = harness.api_caller()

    def cost():
        counts, _ = _measure(harness, db_commands, lambda: caller.get("/api/entitlements"), 200)
        return counts

    before = cost()
    for _ in range(12):  # the free contacts cap is 15
        assert_ok(other.post("/api/applications", json={"company": "X", "role": "Y"}), 201)
        assert_ok(caller.post("/api/contacts", json={"name": "N", "email": "n@example.com"}), 201)
    assert cost() == before


def _scans(plan: object, collection: str) -> bool:
    """Whether a query plan reads the whole collection: MongoDB's ``COLLSCAN`` stage, or the
    embedded server's (SQLite) ``SCAN <collection>`` without an index."""
    text = str(plan)
    return "COLLSCAN" in text or f"'SCAN {collection}'" in text


def test_no_hot_route_query_scans_a_collection(hot, db_commands):
    """Every filter a hot route sends is answered from an index (asked with ``explain``), so its
    cost does not grow with other users' documents."""
    mongo = hot.services.db.mongo
    scanning = []
    for route, command in _queries(hot, db_commands):
        explained = mongo.command("explain", {"find": command.collection,
                                              "filter": dict(command.filter)})
        if _scans(explained["queryPlanner"]["winningPlan"], command.collection):
            scanning.append((route, command.collection, dict(command.filter)))
    assert not scanning, scanning
